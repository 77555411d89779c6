"""``okno backoffice bench restore``: the restore drill of issue 20, with its figures.

A hub holding a long history of a big centre (hub/bench/year.py; the same history loaded
straight into the back office's store, as its sync would have left it) serves kiosks;
``okno backup`` runs while they issue; tickets, desk calls, bookings and payments go on
and sync; the box is lost (SIGKILL, its folder deleted); ``okno restore`` puts the
archive on a new box and catches up from the back office, and the hub starts again.
Then: every ticket, booking and payment acknowledged before the loss is there, no ticket
number came twice, the back office takes the restored hub's next events without a
refusal, and the enrolled devices carry on with their certificates.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from backoffice import restore_drill as drill
from backoffice import store
from backoffice.pgcluster import free_port, temporary_cluster
from backoffice.restore_drill import BackOffice, Box
from hub.backup.keys import make_region_key
from hub.bench import hall_devices, year
from hub.bench.hall_devices import Acknowledged, Hall
from hub.bench.load import issue_while, repeated
from hub.bench.process import morning_offset_ms
from hub.bench.year import Template
from hub.config import load_branch
from hub.domain.branch import Branch
from hub.domain.numbering import local_time
from hub.service import wall_clock_ms
from hub.sync.signing import sign
from okno.bench import Figure, percentile
from okno.console import admin_socket_for

log = logging.getLogger(__name__)
# Long enough for a restarted hub to catch its breath, short enough for a quick run.
SYNC_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Settings:
    config: Path
    days: int = 365
    visitors: int = 5000
    kiosks: int = 8
    # Each kiosk issues this often: a steady load far above a hall's (a kiosk prints a
    # ticket in seconds), so that the latency measured is the hub's own.
    issue_interval_s: float = 0.05
    baseline_s: float = 10.0
    desks: int = 4
    calls_per_desk: int = 10
    after_tickets: int = 200
    bookings: int = 5
    payments: int = 5


@dataclass
class _Run:
    """What a drill found along the way, for the figures."""

    history: year.Written | None = None
    history_mb: float = 0.0
    backoffice_load_s: float = 0.0
    baseline_ms: list[float] | None = None
    during_ms: list[float] | None = None
    backup_s: float = 0.0
    backup_mb: float = 0.0
    restore_began: float = 0.0
    restore_s: float = 0.0
    caught_up: int = 0
    started_s: float = 0.0
    first_ticket_s: float = 0.0
    calls: int = 0


async def measure_restore(settings: Settings) -> list[Figure]:
    branch = load_branch(settings.config).branch
    with (
        tempfile.TemporaryDirectory(prefix="okno-drill-") as scratch,
        temporary_cluster() as url,
    ):
        async with drill.back_office(url) as office:
            return await _drill(settings, branch, Path(scratch), office)


async def _drill(
    settings: Settings, branch: Branch, root: Path, office: BackOffice
) -> list[Figure]:
    run = _Run()
    offset = morning_offset_ms(settings.config)
    clock = (f"--clock-offset-ms={offset}",)
    box = Box(root / "box", free_port())
    secret = store.add_branch(office.engine, branch.id, branch.timezone)
    box.set_up(settings.config.read_text(), secret)
    today = local_time(wall_clock_ms() + offset, branch.timezone).date()
    await _history(settings, branch, box, office, today, run)
    options = box.hub_options(office.address, *clock)
    recipient = make_region_key(root / "region.key")
    seen = Acknowledged()
    services = [s.id for s in branch.services]
    process, address = await drill.start(box, options)
    try:
        hall = await hall_devices.enroll(
            address,
            admin_socket_for(box.db),
            root / "devices",
            settings.kiosks,
            [d.id for d in branch.desks][: settings.desks],
        )
        archive = await _backup_under_load(settings, box, hall, services, recipient, seen, run)
        run.calls = await _after_backup(settings, branch, hall, services, seen)
        await office.holds(branch.id, drill.last_seq(box.db), SYNC_TIMEOUT_S)
        before_kill = office.acked(branch.id)
        log.info("box lost acked_seq=%d tickets=%d", before_kill, len(seen.tickets))
        await drill.kill(process)
        box.lose()
        after = Acknowledged()
        process = await _restored(box, archive, root / "region.key", office, options, run)
        # The devices enrolled before the loss carry on with their certificates.
        await hall_devices.tickets(hall, services, settings.kiosks, after)
        run.first_ticket_s = time.perf_counter() - run.restore_began
        run.calls += await hall_devices.serve(hall, 2)
        await hall_devices.pay(hall, 1, after)
        await office.holds(branch.id, drill.last_seq(box.db), SYNC_TIMEOUT_S)
    finally:
        if process.returncode is None:
            await drill.stop(process)
    return _figures(settings, run, box, office, branch.id, seen, after, before_kill)


async def _history(  # noqa: PLR0917 - the drill's one call
    settings: Settings, branch: Branch, box: Box, office: BackOffice, today: date, run: _Run
) -> None:
    """The branch's past up to yesterday: in the hub's database (another process) and in
    the back office's store at once."""
    template = year.template(branch, settings.visitors)
    days = year.history_days(today - timedelta(days=1), settings.days)
    secret = box.secret.read_text().strip()
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1) as pool:
        written = loop.run_in_executor(pool, year.write_hub, box.db, template, days)
        run.backoffice_load_s = await asyncio.to_thread(
            to_backoffice, office.engine, branch.id, secret, template, days
        )
        run.history = await written
    run.history_mb = box.db.stat().st_size / 1e6


async def _backup_under_load(  # noqa: PLR0917 - the drill's one call
    settings: Settings,
    box: Box,
    hall: Hall,
    services: list[str],
    recipient: str,
    seen: Acknowledged,
    run: _Run,
) -> Path:
    """Kiosks issue steadily, first alone, then while ``okno backup`` runs."""
    stop_at = time.perf_counter() + settings.baseline_s
    baseline = await issue_while(
        hall.kiosks, services, lambda: time.perf_counter() < stop_at, settings.issue_interval_s
    )
    seen.took(baseline)
    began = time.perf_counter()
    backup = asyncio.create_task(drill.take_backup(box, recipient, box.root.parent / "backups"))
    during = await issue_while(
        hall.kiosks, services, lambda: not backup.done(), settings.issue_interval_s
    )
    archive = await backup
    seen.took(during)
    run.backup_s = time.perf_counter() - began
    run.backup_mb = archive.stat().st_size / 1e6
    run.baseline_ms, run.during_ms = baseline.ms, during.ms
    log.info("backup taken seconds=%.1f mb=%.1f", run.backup_s, run.backup_mb)
    return archive


async def _after_backup(
    settings: Settings, branch: Branch, hall: Hall, services: list[str], seen: Acknowledged
) -> int:
    """The branch goes on after its backup: tickets, calls, bookings, payments."""
    await hall_devices.tickets(hall, services, settings.after_tickets, seen)
    calls = await hall_devices.serve(hall, settings.calls_per_desk)
    bookable = next(iter(branch.appointments.capacity))
    await hall_devices.book(hall, bookable, settings.bookings, seen)
    await hall_devices.pay(hall, settings.payments, seen)
    return calls


async def _restored(  # noqa: PLR0917 - the drill's one call
    box: Box,
    archive: Path,
    identity: Path,
    office: BackOffice,
    options: tuple[str, ...],
    run: _Run,
) -> drill.Hub:
    """A new box from the archive, caught up, and its hub serving again."""
    run.restore_began = time.perf_counter()
    printed = await drill.restore(box, archive, identity, office.address)
    run.restore_s = time.perf_counter() - run.restore_began
    log.info("restored seconds=%.1f %s", run.restore_s, printed.replace("\n", " | "))
    caught = re.search(r"(\d+) events caught up", printed)
    run.caught_up = int(caught.group(1)) if caught else -1
    process, _ = await drill.start(box, options)
    run.started_s = time.perf_counter() - run.restore_began
    return process


def _figures(  # noqa: PLR0917 - the drill's one call
    settings: Settings,
    run: _Run,
    box: Box,
    office: BackOffice,
    branch_id: str,
    seen: Acknowledged,
    after: Acknowledged,
    before_kill: int,
) -> list[Figure]:
    assert run.history is not None and run.baseline_ms and run.during_ms
    payments = drill.settled_payments(box.db)
    return [
        Figure("history_days", run.history.days, "days"),
        Figure("history_visitors_per_day", settings.visitors, "visitors"),
        Figure("history_events", run.history.events, "events"),
        Figure("history_write_s", run.history.seconds, "s"),
        Figure("backoffice_load_s", run.backoffice_load_s, "s"),
        Figure("hub_db_mb", run.history_mb, "MB"),
        Figure("issue_p99_without_backup", percentile(run.baseline_ms, 99), "ms"),
        Figure("issue_p99_during_backup", percentile(run.during_ms, 99), "ms", 10, "<="),
        Figure("issued_during_backup", len(run.during_ms), "tickets"),
        Figure("backup_s", run.backup_s, "s"),
        Figure("backup_mb", run.backup_mb, "MB"),
        Figure("restore_s", run.restore_s, "s"),
        Figure("restore_to_hub_started_s", run.started_s, "s"),
        Figure("restore_caught_up_events", run.caught_up, "events"),
        Figure("restore_to_tickets_at_every_kiosk_s", run.first_ticket_s, "s", 600, "<="),
        Figure("desk_calls", run.calls, "calls"),
        Figure(
            "acknowledged_tickets_missing",
            drill.absent(box.db, "tickets", "id", set(seen.tickets)),
            "tickets",
            0,
            "<=",
        ),
        Figure(
            "acknowledged_bookings_missing",
            drill.absent(
                box.db,
                "appointments",
                "slot_ms || '/' || booked_at_ms",
                set(seen.bookings.values()),
            ),
            "bookings",
            0,
            "<=",
        ),
        Figure(
            "acknowledged_payments_missing",
            sum(payments.get(i) != r for i, r in seen.payments.items()),
            "payments",
            0,
            "<=",
        ),
        Figure(
            "numbers_given_twice",
            repeated(seen.tickets + after.tickets) + len(set(seen.payments) & set(after.payments)),
            "numbers",
            0,
            "<=",
        ),
        Figure("backoffice_acked_growth", office.acked(branch_id) - before_kill, "events", 1, ">="),
        Figure("backoffice_refusals", office.refusals(branch_id), "batches", 0, "<="),
    ]


def to_backoffice(
    engine: Engine, branch_id: str, secret: str, day_template: Template, days: list[date]
) -> float:
    """Store the same history in the back office as a day's signed batch each, as the
    hub's sync would have over the year; the seconds it took."""
    began = time.perf_counter()
    seq = 1
    for day in days:
        events = [(r[0], r[7]) for r in day_template.events_on(day, seq)]
        store.store(engine, store.Batch(branch_id, events, sign(secret, branch_id, events)))
        seq += len(events)
        if day.day == 1:
            log.info("history stored in the back office up to day=%s", day)
    seconds = time.perf_counter() - began
    log.info("history stored in the back office events=%d seconds=%.1f", seq - 1, seconds)
    return seconds
