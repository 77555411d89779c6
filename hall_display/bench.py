"""Figures of the hall display for ``okno display bench``.

- A call made at the hub to the new row painted: a real hub on loopback behind its real
  doors, the real feed client (an enrolled display on the device port), bridge,
  view-model and QML window (offscreen); tickets come from an enrolled kiosk and calls
  from the desks' enrolled desk units. The time runs from the moment CallNext is *sent*
  (so the hub's commit counts too) to the first frame swapped after the view-model
  applied the call. Target p99 < 100 ms.
- The voice: ``voice_bench.measure_voice`` (cached call to first sample < 300 ms).
- A day on the board: 24 hours of a busy hall's feed (a call every 40 s) pushed through
  the view-model as fast as it goes, the clock moved on and the board repainted every
  simulated 5 minutes; the process's resident memory after the first hour and at the
  end. Target: growth under 10 MiB (flat, allowing for allocator noise).

Qt needs the main thread: call :func:`measure_display` from it, not from an event loop.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

import grpc
from PySide6.QtCore import QEvent, QEventLoop, QObject, QSize, Qt, Signal

from hall_display.board import CALLS
from hall_display.bridge import FeedBridge
from hall_display.feed_client import FeedClient
from hall_display.screen import BoardWindow, ensure_app
from hall_display.settings import DisplaySettings
from hall_display.view import BoardView
from hall_display.voice_bench import CACHED_CALL_TARGET_MS, measure_voice
from hub.bench.process import morning_offset_ms, round_the_clock
from hub.doors import open_doors
from hub.service import Hub, wall_clock_ms
from okno.bench import Figure, percentile
from okno.provision import enroll_devices
from okno.qt import emit
from okno.runtime.channels import HubLink, hub_link
from okno.runtime.enroll import Description
from okno.runtime.hubtls import admin_socket
from protos.okno.v1 import (
    common_pb2,
    devices_pb2,
    devices_pb2_grpc,
    feed_pb2,
    queue_pb2,
    queue_pb2_grpc,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "branch.toml"
PAINT_TARGET_MS = 100.0
RSS_GROWTH_TARGET_MIB = 10.0
CALL_EVERY_S = 40
REPAINT_EVERY_S = 300
_DESKS = ("desk-01", "desk-02", "desk-03", "desk-04")
_SERVICES = ("passport", "foreign-passport", "residence", "snils", "child-benefits")


def measure_display(
    out_dir: Path,
    *,
    config: Path = EXAMPLE,
    calls: int = 200,
    hours: float = 24.0,
    voice_rounds: int = 5,
) -> list[Figure]:
    """All the display's figures; ``out_dir`` keeps the voice's WAV files."""
    return [
        *measure_paint(config, calls),
        *voice_figures(out_dir, voice_rounds),
        *measure_day(hours),
    ]


def voice_figures(out_dir: Path, rounds: int = 5) -> list[Figure]:
    measured = measure_voice(out_dir, rounds)
    return [
        Figure(
            "cached_call_to_first_sample_ms",
            measured["cached_call_to_first_sample_ms"],
            "ms",
            CACHED_CALL_TARGET_MS,
            "<=",
        ),
        Figure(
            "uncached_call_to_first_sample_ms",
            measured["uncached_call_to_first_sample_ms"],
            "ms",
        ),
        Figure("synthesis_ms_per_phrase", measured["synthesis_ms_per_phrase"], "ms"),
    ]


class _Finished(QObject):
    done = Signal()


class PaintProbe(QObject):
    """When each call's row was first on screen: the frame after the view applied it."""

    def __init__(self, window: BoardWindow, bridge: FeedBridge) -> None:
        super().__init__()
        self.painted: dict[int, float] = {}
        self._pending: list[int] = []
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[float]]] = {}
        # Connected after the view's own slot, so it runs after the view applied the call.
        bridge.message.connect(self._applied, Qt.ConnectionType.QueuedConnection)
        window.frameSwapped.connect(self._swapped, Qt.ConnectionType.DirectConnection)

    def expect(self, sequence: int) -> asyncio.Future[float]:
        """A future of the moment (perf_counter) the call ``sequence`` was painted."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[float] = loop.create_future()
        with self._lock:
            if sequence in self.painted:
                future.set_result(self.painted[sequence])
            else:
                self._waiting[sequence] = (loop, future)
        return future

    def _applied(self, message: feed_pb2.FeedMessage) -> None:
        if message.WhichOneof("body") == "event" and message.event.kind in CALLS:
            with self._lock:
                self._pending.append(message.event.sequence)

    def _swapped(self) -> None:
        now = time.perf_counter()
        with self._lock:
            for sequence in self._pending:
                self.painted[sequence] = now
                loop, future = self._waiting.pop(sequence, (None, None))
                if loop is not None and future is not None:
                    loop.call_soon_threadsafe(_resolve, future, now)
            self._pending.clear()


def _resolve(future: asyncio.Future[float], value: float) -> None:
    if not future.done():
        future.set_result(value)


def measure_paint(config: Path, calls: int = 200) -> list[Figure]:
    """Call to painted row, over ``calls`` calls made one after another at four desks."""
    app = ensure_app()
    view = BoardView(DisplaySettings(), animate=False)
    window = BoardWindow(view, QSize(1920, 1080))
    window.show()
    bridge = FeedBridge(view)
    probe = PaintProbe(window, bridge)
    finished = _Finished()
    latencies: list[float] = []
    failure: list[BaseException] = []

    scratch = Path(tempfile.mkdtemp(prefix="okno-bench-display-"))
    always_open = scratch / "branch.toml"
    always_open.write_text(round_the_clock(config.read_text()))

    # From the branch's next open morning, so a run started just before midnight does not
    # see the day end (and every desk closed) half-way through its calls.
    offset_ms = morning_offset_ms(config)

    def drive() -> None:
        try:
            asyncio.run(_drive(always_open, offset_ms, calls, bridge, probe, latencies))
        except BaseException as err:
            failure.append(err)
        finally:
            emit(finished.done)

    waiting = QEventLoop()
    finished.done.connect(waiting.quit, Qt.ConnectionType.QueuedConnection)
    worker = threading.Thread(target=drive, name="okno-bench-display")
    worker.start()
    waiting.exec()
    worker.join()
    shutil.rmtree(scratch, ignore_errors=True)
    window.dispose()
    app.processEvents()
    if failure:
        raise failure[0]
    return [
        Figure("call_to_painted_p99_ms", percentile(latencies, 99), "ms", PAINT_TARGET_MS, "<="),
        Figure("call_to_painted_median_ms", statistics.median(latencies), "ms"),
        Figure("calls_measured", len(latencies), "calls"),
    ]


async def _drive(  # noqa: PLR0917 (one run's parts, passed down from measure_paint)
    config: Path,
    offset_ms: int,
    calls: int,
    bridge: FeedBridge,
    probe: PaintProbe,
    latencies: list[float],
) -> None:
    # Certificates go by the wall clock, as in the hub process: only the queue's is moved.
    hub = Hub(
        config,
        config.with_name("hub.db"),
        clock=lambda: wall_clock_ms() + offset_ms,
        device_clock=wall_clock_ms,
    )
    await hub.start()
    doors = await open_doors(hub)
    stop = asyncio.Event()
    following = None
    channels: list[grpc.aio.Channel] = []
    try:
        root = config.parent
        display = await enrolled(doors.address, doors.socket, root, "hall_display")
        kiosk = await enrolled(doors.address, doors.socket, root, "kiosk")
        units = await desk_units(doors.address, doors.socket, root, _DESKS)
        channels = [kiosk.connect(), *(unit.connect() for unit in units)]
        client = FeedClient(display.connect, bridge, probe_s=0.5)
        following = asyncio.create_task(client.run(stop))
        desks = [queue_pb2_grpc.QueueServiceStub(channel) for channel in channels[1:]]
        await _calls(queue_pb2_grpc.QueueServiceStub(channels[0]), desks, calls, probe, latencies)
    finally:
        stop.set()
        if following is not None:
            await following
        for channel in channels:
            await channel.close()
        hub.broker.close_all()
        await doors.close(1)
        await hub.stop()


async def enrolled(address: str, socket: Path, root: Path, kind: str) -> HubLink:
    """A device of ``kind`` enrolled as a technician would (in ``root/kind``), and its link."""
    (state,) = await enroll_devices(address, socket, 1, root / kind, kind=kind)
    return await _link(address, state, kind)


async def desk_units(address: str, socket: Path, root: Path, desks: Sequence[str]) -> list[HubLink]:
    """A desk unit for each of ``desks``, enrolled and given its desk as a technician would.

    A desk unit works only its own desk (hub/api/scope.py): the bench calls at each desk
    through that desk's unit.
    """
    kind = "staff_desk"
    states = await enroll_devices(address, socket, len(desks), root / kind, kind=kind)
    async with admin_socket(socket)() as local:
        provisioning = devices_pb2_grpc.ProvisioningStub(local)
        for state, desk in zip(states, desks, strict=True):
            await provisioning.ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(
                    device_id=f"{kind}-BENCH-{state.name}", settings={"desk": desk}
                )
            )
    return [await _link(address, state, kind) for state in states]


async def _link(address: str, state: Path, kind: str) -> HubLink:
    """The mutual-TLS link of a device enrolled in ``state`` (enroll_devices' BENCH-NNNN)."""
    return await hub_link(
        Description(kind, "bench", f"BENCH-{state.name}"),
        state,
        hub=address,
        interfaces=[],
        show_code=lambda _: None,
    )


async def _calls(
    kiosk: queue_pb2_grpc.QueueServiceAsyncStub,
    desks: Sequence[queue_pb2_grpc.QueueServiceAsyncStub],
    calls: int,
    probe: PaintProbe,
    latencies: list[float],
) -> None:
    """Tickets from the kiosk, then calls at each desk in turn by its own unit."""
    for desk_id, unit in zip(_DESKS, desks, strict=True):
        await unit.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk_id))
    for _ in range(calls):
        await kiosk.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    for n in range(calls):
        desk_id, unit = _DESKS[n % len(_DESKS)], desks[n % len(_DESKS)]
        if n >= len(_DESKS):
            await unit.MarkNoShow(queue_pb2.DeskRequest(desk_id=desk_id))
        sent = time.perf_counter()
        called = await unit.CallNext(queue_pb2.DeskRequest(desk_id=desk_id))
        painted = await asyncio.wait_for(probe.expect(called.sequence), 10)
        latencies.append((painted - sent) * 1000)


def measure_day(hours: float = 24.0, *, seed: int = 1) -> list[Figure]:
    """Resident memory after the first hour and after ``hours`` of a busy hall's feed."""
    app = ensure_app()
    clock = _Clock(1_795_417_200_000)
    view = BoardView(DisplaySettings(title="okno display bench"), clock=clock, animate=False)
    window = BoardWindow(view, QSize(1920, 1080))
    window.show()
    start_rss = 0.0
    events = frames = 0
    next_frame = clock.now_ms
    warmed_at = clock.now_ms + 3_600_000
    for at_ms, message in day_of_traffic(clock.now_ms, hours, random.Random(seed)):
        clock.now_ms = at_ms
        view.apply(message)
        events += 1
        if at_ms >= next_frame:
            view.tick()
            window.grabWindow()
            app.processEvents()
            # What a running event loop does: delete the QML items dropped since.
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            frames += 1
            next_frame += REPAINT_EVERY_S * 1000
        if not start_rss and at_ms >= warmed_at:
            start_rss = rss_mib()
    end_rss = rss_mib()
    window.dispose()
    app.processEvents()
    start_rss = start_rss or end_rss
    return [
        Figure("day_events", events, "events"),
        Figure("day_frames", frames, "frames"),
        Figure("rss_start_mib", start_rss, "MiB"),
        Figure("rss_end_mib", end_rss, "MiB"),
        Figure("rss_growth_mib", end_rss - start_rss, "MiB", RSS_GROWTH_TARGET_MIB, "<="),
    ]


class _Clock:
    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def rss_mib() -> float:
    """This process's resident memory, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def day_of_traffic(
    start_ms: int, hours: float, rng: random.Random
) -> Iterator[tuple[int, feed_pb2.FeedMessage]]:
    """A hall's feed for ``hours``: arrivals about every 40 s, a call every 40 s at one of
    twelve desks (the desk's previous visitor finished first), now and then a recall."""
    yield (
        start_ms,
        feed_pb2.FeedMessage(
            snapshot=common_pb2.QueueState(
                sequence=0,
                desks=[
                    common_pb2.Desk(id=f"desk-{n:02d}", number=n, state=common_pb2.DESK_STATE_OPEN)
                    for n in range(1, 13)
                ],
            )
        ),
    )
    seq = 0
    serial = 0
    waiting: deque[common_pb2.Ticket] = deque()
    at_desk: dict[int, common_pb2.Ticket] = {}
    end_ms = start_ms + int(hours * 3_600_000)
    next_arrival = start_ms
    next_call = start_ms + CALL_EVERY_S * 1000
    calls = 0

    def event(
        at: int, kind: feed_pb2.EventKind.ValueType, ticket: common_pb2.Ticket, desk: int = 0
    ) -> feed_pb2.FeedMessage:
        nonlocal seq
        seq += 1
        body = feed_pb2.Event(sequence=seq, at_unix_ms=at, kind=kind, ticket=ticket)
        if desk:
            body.desk.CopyFrom(
                common_pb2.Desk(
                    id=f"desk-{desk:02d}",
                    number=desk,
                    state=common_pb2.DESK_STATE_OPEN,
                    current_ticket_id=ticket.id
                    if ticket.state == common_pb2.TICKET_STATE_CALLED
                    else "",
                )
            )
        return feed_pb2.FeedMessage(event=body)

    while min(next_arrival, next_call) < end_ms:
        if next_arrival <= next_call:
            serial += 1
            service = _SERVICES[serial % len(_SERVICES)]
            ticket = common_pb2.Ticket(
                id=f"t{serial}",
                number=f"{'АБВГД'[serial % 5]}{serial % 1000:03d}",
                service_id=service,
                state=common_pb2.TICKET_STATE_WAITING,
                waiting_since_unix_ms=next_arrival,
            )
            waiting.append(ticket)
            yield next_arrival, event(next_arrival, feed_pb2.EVENT_KIND_TICKET_ISSUED, ticket)
            next_arrival += int(rng.expovariate(1 / CALL_EVERY_S) * 1000) + 1
            continue
        desk = calls % 12 + 1
        calls += 1
        previous = at_desk.pop(desk, None)
        if previous is not None:
            done = common_pb2.Ticket()
            done.CopyFrom(previous)
            done.state = common_pb2.TICKET_STATE_DONE
            yield next_call, event(next_call, feed_pb2.EVENT_KIND_SERVICE_FINISHED, done, desk)
        if waiting:
            called = waiting.popleft()
            called.state = common_pb2.TICKET_STATE_CALLED
            called.desk_id = f"desk-{desk:02d}"
            called.called_at_unix_ms = next_call
            at_desk[desk] = called
            yield next_call, event(next_call, feed_pb2.EVENT_KIND_TICKET_CALLED, called, desk)
            if calls % 7 == 0:
                called.recalls += 1
                yield (
                    next_call + 1,
                    event(next_call + 1, feed_pb2.EVENT_KIND_TICKET_RECALLED, called, desk),
                )
        next_call += CALL_EVERY_S * 1000
