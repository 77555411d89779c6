"""The whole simulated hall on one machine: a real hub, and its people over real gRPC.

The hub runs in-process behind its three doors on loopback, with an accelerated clock;
the kiosk, the desk units, the hall board, the card terminal and the printer are enrolled
devices calling on the device port, and operators sign in with PINs (okno.demo.members),
so the demo exercises the same contract, and the same checks, as a real hall.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hall_display.board import Board, Link
from hall_display.feed_client import BoardListener
from hall_display.screen import Camera
from hall_display.settings import DisplaySettings
from hub.config import load_branch
from hub.doors import Doors, open_doors
from hub.replay import DayReport
from hub.service import Hub, wall_clock_ms
from hub.traffic import day_start_ms, staffing
from okno.demo import outputs
from okno.demo.authority import InformationSystem
from okno.demo.board import text
from okno.demo.cashier import branch_time, hall_terminal
from okno.demo.checklists import Checklists
from okno.demo.clock import SimClock, demo_start_ms
from okno.demo.config import hub_config
from okno.demo.desks import Desks
from okno.demo.feed import follow
from okno.demo.kiosk import run_kiosk
from okno.demo.members import DEVICES, hall_members
from okno.demo.office import regional_office, write_reports
from okno.demo.phone import PHONE, phone_calls
from okno.demo.printer import PRINTER_STATE, TICKETS, hall_printer
from okno.demo.rpc import Stubs
from okno.demo.screen import photograph, show
from okno.demo.voice import VOICE, DemoVoice
from okno.demo.world import World
from protos.okno.v1 import admin_pb2

log = logging.getLogger(__name__)

DB = "demo.db"
SCREENS = "screens"
# Real seconds the hall's people get to notice the stop before they are cancelled.
STOP_GRACE_S = 5.0


@dataclass(frozen=True, slots=True)
class DemoOptions:
    config: Path = Path("examples/branch.toml")
    out: Path = Path("var/demo")
    speed: float = 60.0
    duration_s: float | None = None
    seed: int = 1
    # None: redraw the board in place when stdout is a terminal, else print it now and then.
    live: bool | None = None


@dataclass(frozen=True, slots=True)
class DemoResult:
    events: Path
    board: Path
    summary: Path
    report: DayReport
    # The board as the hall display draws it (PNG, landscape and portrait).
    screens: tuple[Path, ...] = ()
    # Every ticket the virtual printer printed, as PNG and text.
    tickets: Path | None = None
    # The first calls, spoken into WAV files as the hall's voice says them.
    voice: Path | None = None
    # The back office's standard reports of the demo's days (CSV) and dashboard (HTML).
    reports: Path | None = None
    # Phone calls to the voice menu, each call's transcript.
    phone: Path | None = None


async def run_until_signalled(options: DemoOptions) -> DemoResult:
    """Run the demo until SIGINT or SIGTERM (or its duration), then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await run_demo(options, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def run_demo(options: DemoOptions, stop: asyncio.Event | None = None) -> DemoResult:
    """Run the hall until ``stop`` is set or the duration passes; write what it leaves."""
    branch = load_branch(options.config).branch
    stop = stop or asyncio.Event()
    # Held at the morning's first moment while the hall is set up.
    clock = SimClock(demo_start_ms(branch, datetime.now(UTC)), options.speed, running=False)
    options.out.mkdir(parents=True, exist_ok=True)
    db = options.out / DB
    outputs.remove_database(db)
    _remove_earlier(options.out)
    desk_ids = [desk.id for desk in branch.desks]
    async with (
        _hub_on_loopback(hub_config(options.config, options.out), db, clock) as (hub, doors),
        regional_office(hub, options.out) as office,
        hall_printer(hub, doors, options.out) as printer_id,
        hall_members(doors, desk_ids, printer_id, options.out) as members,
        hall_terminal(
            members.terminal, members.kiosk, printer_id, branch_time(clock, branch.timezone)
        ) as cashier,
    ):
        kiosk = Stubs.on(members.kiosk)
        checklists = await Checklists.at(kiosk, printer_id)
        world = World(
            branch,
            clock,
            kiosk,
            {desk_id: Stubs.on(unit) for desk_id, unit in members.desk_units.items()},
            members.sign_in,
            stop,
            printer_id=printer_id,
            cashier=cashier,
            checklists=checklists,
        )
        zone = ZoneInfo(branch.timezone)
        today = day_start_ms(
            datetime.fromtimestamp(clock.start_ms / 1000, zone).date(), branch.timezone
        )
        await members.set_pins(s.operator_id for s in staffing(branch, today) if s.operator_id)
        display = Stubs.on(members.display)
        branch_info, board = await _board(display)
        board.set_connection(Link.LIVE, clock())  # the demo's hub runs in this process
        settings = DisplaySettings(title=branch_info.name, timezone=branch_info.timezone)
        camera = Camera(board, clock, options.out / SCREENS, settings)
        clock.run()  # the hall is set up: the morning begins
        await _run_people(
            world, display, board, branch_info, camera=camera, options=options, doors=doors
        )
        checklists_printed = await checklists.settled()
        ended_ms = clock()
        outputs.write_board(options.out, text(board, branch_info, ended_ms))
        screens = tuple(camera.shoot())
        await office.drained()
        first, last = (
            datetime.fromtimestamp(ms / 1000, zone).date() for ms in (clock.start_ms, ended_ms)
        )
        reported = await write_reports(office.engine, first, last, options.out, ended_ms)
    events = outputs.export_events(db, options.out)
    report = outputs.summarise(branch, events, ended_ms)
    simulated = {
        "simulated_from_unix_ms": clock.start_ms,
        "simulated_to_unix_ms": ended_ms,
        "speed": options.speed,
        "applications": outputs.applications(events),
        "checklists_printed": checklists_printed,
    }
    outputs.write_summary(options.out, report, simulated)
    log.info(
        "demo stopped events=%d issued=%d served=%d average_wait_min=%.1f checklists=%d",
        report.events,
        report.issued,
        report.served,
        report.average_wait_min,
        checklists_printed,
    )
    out = options.out
    return DemoResult(
        out / outputs.EVENTS,
        out / outputs.BOARD,
        out / outputs.SUMMARY,
        report,
        screens,
        out / TICKETS,
        out / VOICE,
        reported,
        out / PHONE,
    )


@contextlib.asynccontextmanager
async def _hub_on_loopback(
    config: Path, db: Path, clock: SimClock
) -> AsyncIterator[tuple[Hub, Doors]]:
    """A hub behind its three doors on free loopback ports (and a private admin socket);
    all stopped on the way out.

    Devices keep real time (heartbeats, pairing) while the queue's clock runs fast.
    """
    hub = Hub(config, db, clock=clock, device_clock=wall_clock_ms)
    await hub.start()
    try:
        doors = await open_doors(hub)
        log.info("demo hub serving address=%s speed=%g db=%s", doors.address, clock.speed, db)
        try:
            yield hub, doors
        finally:
            hub.broker.close_all()
            await doors.close(1)
    finally:
        await hub.stop()


async def _board(display: Stubs) -> tuple[admin_pb2.Branch, Board]:
    """The branch and its services, as the hall display asks for them."""
    branch = await display.admin.GetBranch(admin_pb2.GetBranchRequest())
    services = await display.admin.ListServices(admin_pb2.ListServicesRequest())
    return branch, Board(services.services)


async def _run_people(
    world: World,
    display: Stubs,
    board: Board,
    branch: admin_pb2.Branch,
    *,
    camera: Camera,
    options: DemoOptions,
    doors: Doors,
) -> None:
    """Kiosk, desks, feed and screen until the stop; then give them time to notice it."""
    rng = random.Random(options.seed)
    desks = Desks(world, random.Random(rng.random()))
    voice = DemoVoice(options.out)
    live = sys.stdout.isatty() if options.live is None else options.live
    listeners = [BoardListener(board, world.clock).feed_message, desks.notice, voice.notice]
    tasks = [
        asyncio.create_task(run_kiosk(world, rng), name="kiosk"),
        asyncio.create_task(desks.run(), name="desks"),
        asyncio.create_task(
            InformationSystem(world, random.Random(rng.random())).run(), name="information-system"
        ),
        asyncio.create_task(follow(display.feed, world.stop, listeners), name="feed"),
        asyncio.create_task(voice.announcer.run(world.stop), name="voice"),
        asyncio.create_task(show(board, branch, world, live=live), name="screen"),
        asyncio.create_task(photograph(camera, world), name="screens"),
        asyncio.create_task(phone_calls(doors, options.out, world.stop), name="phone"),
    ]
    stopped = asyncio.create_task(world.stop.wait())
    await asyncio.wait(
        [stopped, *tasks], timeout=options.duration_s, return_when=asyncio.FIRST_COMPLETED
    )
    world.stop.set()
    _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_S)
    for task in pending:
        log.warning("demo part did not stop in time part=%s", task.get_name())
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.error("demo part failed part=%s", task.get_name(), exc_info=task.exception())
    await stopped


def _remove_earlier(out: Path) -> None:
    """A fresh hall each run: the last run's devices and tickets go with its database."""
    for folder in (out / PRINTER_STATE, out / DEVICES, out / TICKETS, out / VOICE, out / PHONE):
        shutil.rmtree(folder, ignore_errors=True)
