"""``okno hub bench applications``: the information system's burst of status changes.

The hub runs in its own process, as in production. The administrator serves visitors at
a desk and records many applications for each (the desk's Accept, with a request id
each), then the simulated information system (hub.ais) signs in as the branch's
``information_system`` account and pushes one change to every application in a burst,
with a share resent (the same change id, half racing the first copy) and some stale
changes sent after newer ones. Afterwards the hub's database is read back: one
``application_changed`` event and one ``application_changes`` row for every new change
sent, and none for the stale ones.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from hub.ais.cli import simulate
from hub.ais.sim import Verdict
from hub.bench.process import opened_at_nine, run_pin, signed_in_administrator, start_hub
from hub.config import load_branch
from hub.errors import ConfigError
from hub.service import wall_clock_ms
from okno.bench import Figure
from okno.console import admin_socket_for
from okno.runtime.hubtls import presented_authority
from okno.signin import set_pin_locally
from protos.okno.v1 import applications_pb2, applications_pb2_grpc, queue_pb2, queue_pb2_grpc

log = logging.getLogger(__name__)
RUN = "bench"
INFORMATION_SYSTEM = "information_system"


@dataclass(frozen=True, slots=True)
class Ledger:
    """The changes of one run as the hub's database holds them."""

    events: int
    event_change_ids: int
    rows: int

    def violations(self, changes: int) -> int:
        """How far the log is from one event and one row for each of ``changes`` sent."""
        distinct = self.event_change_ids
        return abs(self.events - distinct) + abs(self.rows - distinct) + abs(distinct - changes)


async def recorded(
    channel: grpc.aio.Channel,
    count: int,
    *,
    per_visitor: int = 100,
    service: str = "passport",
    desk: str = "desk-01",
) -> list[str]:
    """``count`` applications recorded at ``desk``, ``per_visitor`` for each visitor served
    there; their numbers. ``channel`` is an administrator's."""
    queue = queue_pb2_grpc.QueueServiceStub(channel)
    desk_call = queue_pb2.DeskRequest(desk_id=desk)
    applications = applications_pb2_grpc.ApplicationsStub(channel)
    await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk))
    numbers: list[str] = []
    while len(numbers) < count:
        issued = await queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id=service))
        for step in (queue.CallNext, queue.StartService, queue.FinishService):
            await step(desk_call)
        ticket = issued.ticket.id
        for place in range(min(per_visitor, count - len(numbers))):
            accepted = await applications.Accept(
                applications_pb2.AcceptApplicationRequest(
                    ticket_id=ticket, request_id=f"{ticket}/{place}"
                )
            )
            numbers.append(accepted.number)
    return numbers


def read_ledger(db: Path, run: str) -> Ledger:
    """Count the run's changes (ids ``<run>-...``) in the log and in the change ids table."""
    change_id = "json_extract(payload, '$.application.change_id')"
    with sqlite3.connect(db) as database:
        events, distinct = database.execute(
            f"SELECT count(*), count(DISTINCT {change_id}) FROM events "
            f"WHERE kind = 'application_changed' AND {change_id} LIKE ?",
            (f"{run}-%",),
        ).fetchone()
        (rows,) = database.execute(
            "SELECT count(*) FROM application_changes WHERE change_id LIKE ?", (f"{run}-%",)
        ).fetchone()
    return Ledger(events, distinct, rows)


async def measure_applications(
    config: Path,
    applications: int = 10_000,
    *,
    per_visitor: int = 100,
    resends: float = 0.1,
    stale: int = 20,
    in_flight: int = 64,
) -> list[Figure]:
    """Record ``applications`` applications, then push a change to each in one burst."""
    branch = load_branch(config).branch
    account = next((o.id for o in branch.operators if INFORMATION_SYSTEM in o.roles), None)
    if account is None:
        raise ConfigError(str(config), "no operator has the information_system role to push as")
    with tempfile.TemporaryDirectory(prefix="okno-bench-applications-") as scratch:
        db = Path(scratch) / "hub.db"
        # The hub's clock at the branch's next open morning: the same open desk at any hour.
        process, port = await start_hub(config, db, *opened_at_nine(config))
        try:
            address = f"127.0.0.1:{port}"
            socket = admin_socket_for(db)
            ca_pem = await asyncio.to_thread(presented_authority, address)
            started = time.perf_counter()
            async with await signed_in_administrator(config, socket, address, ca_pem) as admin:
                numbers = await recorded(admin, applications, per_visitor=per_visitor)
            accept_s = time.perf_counter() - started
            log.info("applications recorded count=%d seconds=%.1f", len(numbers), accept_s)
            pin = run_pin()
            await set_pin_locally(socket, account, pin)
            verdict = await simulate(
                address,
                ca_pem,
                account,
                pin,
                numbers,
                run=RUN,
                start_ms=wall_clock_ms(),
                resends=resends,
                stale=stale,
                in_flight=in_flight,
            )
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 30)
            if code != 0:
                log.warning("hub exited code=%d", code)
        ledger = read_ledger(db, RUN)
    return figures(len(numbers), accept_s, verdict, ledger)


def figures(recorded_count: int, accept_s: float, verdict: Verdict, ledger: Ledger) -> list[Figure]:
    return [
        Figure("applications", recorded_count, "applications"),
        Figure("accept_throughput", recorded_count / accept_s, "applications/s"),
        Figure("changes", verdict.new, "changes"),
        Figure("resends", verdict.resends, "calls"),
        Figure("stale_changes", verdict.stale, "calls"),
        Figure("burst_calls", verdict.burst_changes, "calls"),
        Figure("burst_seconds", verdict.burst_s, "s"),
        Figure("burst_throughput", verdict.changes_per_s, "calls/s"),
        Figure("set_status_p50", verdict.p50_ms, "ms"),
        Figure("set_status_p99", verdict.p99_ms, "ms"),
        Figure("applied_once", verdict.applied_once, "changes", verdict.new, ">="),
        Figure("applied_twice", verdict.applied_twice, "changes", 0, "<="),
        Figure("changes_missing", verdict.missing, "changes", 0, "<="),
        Figure(
            "resends_answered_applied_before",
            verdict.answered_applied_before,
            "calls",
            verdict.resends,
            ">=",
        ),
        Figure("stale_refused", verdict.stale_refused, "calls", verdict.stale, ">="),
        Figure("stale_applied", verdict.stale_applied, "calls", 0, "<="),
        Figure("other_refusals", sum(verdict.refusals.values()), "calls", 0, "<="),
        Figure("change_events", ledger.events, "events"),
        Figure("exactly_once_violations", ledger.violations(verdict.new), "changes", 0, "<="),
    ]
