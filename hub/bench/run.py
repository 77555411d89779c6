"""The hub benchmark: issue throughput, concurrent desk calls, feed fan-out, a replayed day.

Every client is an enrolled device on the device port (hub.bench.callers): kiosks issue,
desk units call, hall displays follow the feed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from hub.bench.callers import desk_units, enrolled
from hub.bench.feed import feed_latency
from hub.bench.load import call_load, issue_load, repeated, stub
from hub.bench.process import opened_at_nine, start_hub
from hub.config import load_branch
from hub.replay import DayReport
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import member_channel
from protos.okno.v1 import queue_pb2

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    config: Path
    issue_seconds: float = 10.0
    issue_clients: int = 8
    desks: int = 20
    calls_per_desk: int = 100
    displays: int = 200
    display_processes: int = 2
    feed_calls: int = 200
    feed_rate_per_s: float = 20.0
    day_tickets: int = 5000


async def measure(settings: Settings) -> list[Figure]:
    branch = load_branch(settings.config).branch
    # The hub's clock at the branch's next open morning: the same open hall at any hour.
    opened = opened_at_nine(settings.config)
    with tempfile.TemporaryDirectory(prefix="okno-bench-") as scratch:
        services = [s.id for s in branch.services]
        desks = [d.id for d in branch.desks][: settings.desks]
        figures = await _issue_and_call(
            settings, opened, Path(scratch) / "load.db", services, desks
        )
        figures += await _feed(settings, opened, Path(scratch) / "feed.db", desks[0])
    figures += _day(settings)
    return figures


async def _issue_and_call(
    settings: Settings, opened: tuple[str, ...], db: Path, services: list[str], desks: list[str]
) -> list[Figure]:
    process, port = await start_hub(settings.config, db, *opened)
    address, socket = f"127.0.0.1:{port}", admin_socket_for(db)
    try:
        kiosks = await enrolled(address, socket, "kiosk", settings.issue_clients, db.parent)
        units = await desk_units(address, socket, desks, db.parent)
        log.info(
            "issue load clients=%d seconds=%.0f", settings.issue_clients, settings.issue_seconds
        )
        issued = await issue_load(kiosks, services, settings.issue_seconds, warmup=1.0)
        log.info("call load desks=%d calls_per_desk=%d", len(desks), settings.calls_per_desk)
        calls = await call_load(units, settings.calls_per_desk)
    finally:
        await _stop(process)
    with sqlite3.connect(db) as database:
        twice_numbered = database.execute(
            "SELECT count(*) FROM (SELECT day, number FROM tickets GROUP BY day, number "
            "HAVING count(*) > 1)"
        ).fetchone()[0]
        twice_called = database.execute(
            "SELECT count(*) FROM (SELECT ticket_id FROM events WHERE kind = 'ticket_called' "
            "GROUP BY ticket_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return [
        Figure("issue_throughput", len(issued.ms) / issued.seconds, "tickets/s", 2000, ">="),
        Figure("issue_p50", percentile(issued.ms, 50), "ms"),
        Figure("issue_p99", percentile(issued.ms, 99), "ms", 10, "<="),
        Figure("call_next_p50", percentile(calls.ms, 50), "ms"),
        Figure("call_next_p99", percentile(calls.ms, 99), "ms", 10, "<="),
        Figure("calls_made", len(calls.ids), "calls"),
        Figure(
            "double_called_tickets",
            repeated(calls.ids) + twice_called,
            "tickets",
            0,
            "<=",
        ),
        Figure("duplicate_numbers", repeated(issued.numbers) + twice_numbered, "tickets", 0, "<="),
    ]


async def _feed(settings: Settings, opened: tuple[str, ...], db: Path, desk: str) -> list[Figure]:
    process, port = await start_hub(settings.config, db, *opened)
    address, socket = f"127.0.0.1:{port}", admin_socket_for(db)
    try:
        root = db.parent / "feed"
        (kiosk,) = await enrolled(address, socket, "kiosk", 1, root)
        units = await desk_units(address, socket, [desk], root)
        displays = await enrolled(address, socket, "hall_display", settings.displays, root)
        async with member_channel(kiosk) as channel:
            queue = stub(channel)
            service = next(iter(load_branch(settings.config).branch.desk(desk).services))  # type: ignore[union-attr]
            for _ in range(settings.feed_calls):
                await queue.IssueTicket(
                    queue_pb2.IssueTicketRequest(service_id=service, request_id=uuid.uuid4().hex)
                )
        log.info("feed load displays=%d calls=%d", settings.displays, settings.feed_calls)
        latencies = await feed_latency(
            displays,
            settings.display_processes,
            (desk, units[desk]),
            settings.feed_calls,
            settings.feed_rate_per_s,
        )
    finally:
        await _stop(process)
    expected = settings.displays * settings.feed_calls
    return [
        Figure("feed_displays", settings.displays, "subscribers"),
        Figure("feed_deliveries_missing", expected - len(latencies), "deliveries", 0, "<="),
        Figure("feed_p50", percentile(latencies, 50), "ms"),
        Figure("feed_p99", percentile(latencies, 99), "ms", 50, "<="),
    ]


def _day(settings: Settings) -> list[Figure]:
    from hub.replay import REFERENCE_DAY, replay_day
    from hub.traffic import day_start_ms, sustainable_total

    branch = load_branch(settings.config).branch
    report = replay_day(branch, total=settings.day_tickets)
    figures = [
        Figure("day_tickets", report.issued, "tickets"),
        Figure("day_served", report.served, "visitors"),
        Figure("day_desks", report.desks, "desks"),
        Figure("day_average_wait", report.average_wait_min, "min"),
        Figure("day_max_wait", report.max_wait_min, "min"),
        Figure("day_p90_wait", report.p90_wait_min, "min"),
        Figure("day_share_over_15_min", report.share_over_15_min * 100, "%"),
        *_told(report, "day"),
        Figure(
            "day_double_calls", report.double_calls + report.duplicate_numbers, "tickets", 0, "<="
        ),
    ]
    # The branch's own desks, as busy as they serve in time: waits worth estimating.
    own = sustainable_total(branch, day_start_ms(REFERENCE_DAY, branch.timezone))
    hall = replay_day(branch, total=own, staff=False)
    return [
        *figures,
        Figure("hall_day_tickets", hall.issued, "tickets"),
        Figure("hall_day_p90_wait", hall.p90_wait_min, "min"),
        *_told(hall, "hall_day"),
    ]


def _told(report: DayReport, prefix: str) -> list[Figure]:
    """How far the wait told at issue was from the wait had (docs/hub.md, "Wait estimates")."""
    return [
        Figure(f"{prefix}_told_wait_error_p50", report.told_error_p50_min or 0.0, "min"),
        Figure(f"{prefix}_told_wait_error_p90", report.told_error_p90_min or 0.0, "min", 5, "<="),
        Figure(f"{prefix}_told_wait_unknown", report.told_unknown or 0, "tickets"),
    ]


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), 30)
    if code != 0:
        log.warning("hub exited code=%d", code)
