"""Figures of the kiosk for ``okno kiosk bench``, measured on real parts.

A hub process (``okno hub``, its clock at the example branch's next open morning), the printer
agent as ``okno printer`` runs it, driving the virtual printer on a pty pair, and the
kiosk offscreen. The printer, the kiosk and the desk units that open the desks are
enrolled through the hub's doors as a technician would, and call as what they are:

- **Cold start**: ``python -m kiosk`` started afresh (a new interpreter: imports, QML,
  the mutual-TLS connection, the first reads from the hub) with an enrolled kiosk's
  state folder until the first frame of a home screen with its services, timed from
  just before the process is spawned. Target < 2 s (the worst run).
- **Tap to ticket shown**: a tap on a service (the view-model's slot, as QML calls it)
  to the first frame swapped that shows the ticket; the hub's commit, the answer's way
  through the bridge and the render all count. Target p99 < 300 ms.
- **Tap to the printer's first byte**: the same tap to the ticket's first byte (ESC @)
  arriving at the printer's end of the serial line (``SimulatedPrinter.arrived_at``).
  Target p99 < 500 ms.

Qt needs the main thread: call :func:`measure_kiosk` from it, not from an event loop.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal

from hall_display.bench import desk_units
from hub.bench.devices import free_port
from hub.bench.process import opened_at_nine, start_hub
from kiosk.agent import KIND
from kiosk.core import Screen
from kiosk.program import KioskApp, KioskOptions
from kiosk.screen import ensure_app
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import enroll_devices
from okno.qt import emit
from okno.runtime.hubtls import admin_socket
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2, queue_pb2_grpc
from ticket_printer import codec
from ticket_printer.profile import PAPER_80
from ticket_printer.program import PrinterSetup, run_printer
from ticket_printer.sim import SimulatedPrinter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "branch.toml"
# What okno.provision.enroll_devices names the first device it enrolls.
SERIAL = "BENCH-0000"
PRINTER = f"ticket_printer-{SERIAL}"
DESKS = ("desk-01", "desk-02", "desk-03")
SERVICE = "passport"
GROUP = "documents"
COLD_START_TARGET_MS = 2000.0
SHOWN_TARGET_MS = 300.0
FIRST_BYTE_TARGET_MS = 500.0
WAIT_S = 10.0


def measure_kiosk(config: Path = EXAMPLE, *, taps: int = 200, starts: int = 5) -> list[Figure]:
    """All the kiosk's figures (see the module); a hall is started and stopped for them."""
    with tempfile.TemporaryDirectory(prefix="okno-bench-kiosk-") as scratch:
        hall = Hall(Path(scratch), config)
        hall.start()
        try:
            cold = [
                cold_start_ms(hall.address, hall.kiosk, Path(scratch) / f"cold-{n}")
                for n in range(starts)
            ]
            shown, printed = measure_taps(hall, taps)
        finally:
            hall.stop()
    return [
        Figure("cold_start_median_ms", statistics.median(cold), "ms"),
        Figure("cold_start_max_ms", max(cold), "ms", COLD_START_TARGET_MS, "<="),
        Figure("taps", len(shown), "tickets"),
        Figure("tap_to_ticket_shown_p50_ms", percentile(shown, 50), "ms"),
        Figure("tap_to_ticket_shown_p99_ms", percentile(shown, 99), "ms", SHOWN_TARGET_MS, "<="),
        Figure("tap_to_printer_first_byte_p50_ms", percentile(printed, 50), "ms"),
        Figure(
            "tap_to_printer_first_byte_p99_ms",
            percentile(printed, 99),
            "ms",
            FIRST_BYTE_TARGET_MS,
            "<=",
        ),
    ]


def cold_start_ms(address: str, enrolled: Path, state: Path) -> float:
    """From spawning ``python -m kiosk`` to its first usable home screen, in ms.

    ``state`` starts as a copy of the ``enrolled`` kiosk's key and membership: a kiosk
    switched on, not one being installed.
    """
    shutil.copytree(enrolled, state)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        *(
            sys.executable,
            "-m",
            "kiosk",
            "--hub",
            address,
            "--windowed",
            "--size",
            "1080x1920",
        ),
        *("--state", str(state), "--exit-when-ready"),
    ]
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    ready = [line for line in done.stdout.splitlines() if line.startswith("kiosk ready ")]
    if not ready:
        raise RuntimeError(f"the kiosk never got ready: {done.stderr.strip()[-500:]}")
    return (float(ready[0].split()[-1]) - started) * 1000


class _Done(QObject):
    done = Signal()


class _Screen:
    """When the kiosk first showed a ticket after a tap: the frame that was swapped."""

    def __init__(self, kiosk: KioskApp) -> None:
        self.kiosk = kiosk
        self.seen: list[float] = []
        self._done = _Done()
        self._loop = QEventLoop()
        self._done.done.connect(self._loop.quit, Qt.ConnectionType.QueuedConnection)
        self._guard = QTimer()
        self._guard.setSingleShot(True)
        self._guard.timeout.connect(self._loop.quit)
        kiosk.window.frameSwapped.connect(self._swapped, Qt.ConnectionType.DirectConnection)

    def _swapped(self) -> None:
        # Called where the frame was swapped (the render thread, or the GUI thread).
        if not self.seen and self.kiosk.flow.screen is Screen.TICKET:
            self.seen.append(time.monotonic())
            emit(self._done.done)

    def wait(self, seconds: float) -> None:
        """Run Qt's loop until a ticket is on screen, or ``seconds`` passed."""
        self._guard.start(int(seconds * 1000))
        self._loop.exec()
        self._guard.stop()


def measure_taps(hall: Hall, taps: int) -> tuple[list[float], list[float]]:
    """Tickets taken by tapping a service: (tap to shown, tap to first byte) in ms each."""
    app = ensure_app()
    options = KioskOptions(
        state=hall.kiosk,
        hub=hall.address,
        size=(1080, 1920),
        config=(("printer", PRINTER),),
        voice=False,
        poll_s=0.5,
    )
    kiosk = KioskApp(options)
    screen = _Screen(kiosk)
    kiosk.start()
    shown: list[float] = []
    printed: list[float] = []
    try:
        deadline = time.monotonic() + 2 * WAIT_S
        while kiosk.flow.screen is not Screen.HOME:
            if time.monotonic() > deadline:
                raise RuntimeError("the kiosk did not show its home screen")
            screen.wait(0.05)
        for n in range(taps):
            kiosk.view.home()
            kiosk.view.openGroup(GROUP)
            app.processEvents()
            screen.seen.clear()
            before = len(hall.sim.received)
            tapped = time.monotonic()
            kiosk.view.tapService(SERVICE)
            if kiosk.view.value("screen") == Screen.CLAIM.value:
                # The branch offers priority categories: "Взять талон" is the tap that asks.
                tapped = time.monotonic()
                kiosk.view.claimTake("")
            screen.wait(WAIT_S)
            if not screen.seen:
                raise RuntimeError(f"tap {n}: no ticket on screen within {WAIT_S:g} s")
            shown.append((screen.seen[0] - tapped) * 1000)
            printed.append((_first_byte(hall, kiosk, n, before) - tapped) * 1000)
    finally:
        kiosk.stop()
        app.processEvents()
    return shown, printed


def _first_byte(hall: Hall, kiosk: KioskApp, n: int, before: int) -> float:
    """When (time.monotonic) the ``n``-th ticket's first byte reached the printer."""
    try:
        hall.sim.wait_for_tickets(n + 1, WAIT_S)
    except TimeoutError as error:
        ticket = kiosk.flow.ticket
        job = f"{ticket.print_state.value} {ticket.print_error}" if ticket else "-"
        raise RuntimeError(f"tap {n}: not printed ({job}): {error}") from error
    return hall.sim.arrived_at(hall.sim.received.find(codec.initialise(), before))


@dataclass
class Hall:
    """A hub process and a printer agent with its virtual printer, in a thread of their own;
    ``kiosk`` is the state folder of a kiosk enrolled there, its printer set at the hub."""

    root: Path
    config: Path
    address: str = ""
    kiosk: Path = Path()
    sim: SimulatedPrinter = field(default_factory=lambda: SimulatedPrinter(PAPER_80))
    _ready: threading.Event = field(default_factory=threading.Event)
    _failure: list[BaseException] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name="okno-bench-hall", daemon=True)
        self._thread.start()
        if not self._ready.wait(60) or self._failure:
            self.stop()
            raise RuntimeError(f"the hall did not start: {self._failure or 'timeout'}")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(30)

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as err:
            self._failure.append(err)
            self._ready.set()

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = stop = asyncio.Event()
        options = ("--device-listen", f"127.0.0.1:{free_port()}", *opened_at_nine(self.config))
        db = self.root / "hub.db"
        hub, port = await start_hub(self.config, db, *options)
        self.address, socket = f"127.0.0.1:{port}", admin_socket_for(db)
        try:
            (state,) = await enroll_devices(
                self.address, socket, 1, self.root / "printers", kind="ticket_printer"
            )
            (self.kiosk,) = await enroll_devices(
                self.address, socket, 1, self.root / "kiosks", kind=KIND
            )
            with self.sim:
                setup = PrinterSetup(f"serial://{self.sim.path}", state, SERIAL, hub=self.address)
                agent = asyncio.create_task(run_printer(setup, stop))
                try:
                    await self._prepare(socket)
                    self._ready.set()
                    await stop.wait()
                finally:
                    stop.set()
                    await agent
        finally:
            hub.terminate()
            await hub.wait()

    async def _prepare(self, socket: Path) -> None:
        """The kiosk's printer set, desks open by their units (so waits are known) and the
        printer online."""
        for unit, desk in zip(
            await desk_units(self.address, socket, self.root, DESKS), DESKS, strict=True
        ):
            async with unit.connect() as channel:
                await queue_pb2_grpc.QueueServiceStub(channel).OpenDesk(
                    queue_pb2.OpenDeskRequest(desk_id=desk)
                )
        async with admin_socket(socket)() as channel:
            provisioning = devices_pb2_grpc.ProvisioningStub(channel)
            await provisioning.ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(
                    device_id=f"{KIND}-{SERIAL}", settings={"printer": PRINTER}
                )
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                listed = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
                if any(
                    d.id == PRINTER and d.presence == devices_pb2.PRESENCE_ONLINE
                    for d in listed.devices
                ):
                    return
                await asyncio.sleep(0.05)
        raise RuntimeError("the printer agent did not come online within 20 s")
