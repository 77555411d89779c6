"""``okno backoffice bench``: ingest rate, every report and the "Ваш контроль" export over a
region's year, a day's catch-up.

The back office runs as its own process (``okno backoffice``) on PostgreSQL (a temporary
cluster unless --db names one); the history is pushed to it over gRPC in signed batches,
20 branches at once, like the hubs would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import grpc
from sqlalchemy import Engine, create_engine, func, select

from backoffice import reports, schema, store
from backoffice.errors import StoreUnavailable
from backoffice.history import Shape, branch_ids, day_events
from backoffice.load import days_of, send, write_hub_log
from backoffice.period import Period
from backoffice.pgcluster import free_port, temporary_cluster
from backoffice.web.vashkontrol import csv_chunks
from hub.sync import Sender, events_after
from hub.sync.sender import channel, sync_stub
from okno.bench import Figure

# Fixed days, not today's: the first days timed are weekdays whatever the date of the run.
FIRST_DAY = date(2025, 12, 1)  # a Monday
BUSY_DAY = date(2026, 12, 1)  # a Tuesday, the catch-up day

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Settings:
    branches: int = 20
    days: int = 365
    ingest_days: int = 5  # of the year, pre-generated and timed alone
    busy_visitors: int = 1500  # the catch-up day; an ordinary weekday has 520
    report_runs: int = 3  # the slowest of these is the figure


def measure(settings: Settings, db: str = "") -> list[Figure]:
    with contextlib.ExitStack() as stack:
        url = db or stack.enter_context(temporary_cluster())
        target = stack.enter_context(backoffice_process(url))
        return asyncio.run(_measure(settings, url, target))
    raise AssertionError("unreachable")


async def _measure(settings: Settings, url: str, target: str) -> list[Figure]:
    engine = store.open_store(url)
    names = branch_ids(settings.branches)
    secrets = {b: store.add_branch(engine, b) for b in names}
    start = FIRST_DAY
    days = iter(days_of(names, start, settings.days, Shape(), seed=1))
    figures: list[Figure] = []
    async with channel(target) as open_channel:
        stub = sync_stub(open_channel)
        timed = [next(days) for _ in range(min(settings.ingest_days, settings.days))]
        count = sum(len(e) for day in timed for e in day.values())
        began = time.perf_counter()
        for day in timed:
            await asyncio.gather(*(send(stub, b, secrets[b], e) for b, e in day.items()))
        seconds = time.perf_counter() - began
        figures.append(Figure("ingest_events_per_s", count / seconds, "events/s", 20_000, ">="))
        log.info("ingest measured events=%d seconds=%.1f", count, seconds)
        # The same days again: every event a duplicate, nothing stored twice.
        for day in timed[:1]:
            await asyncio.gather(*(send(stub, b, secrets[b], e) for b, e in day.items()))
        began = time.perf_counter()
        rest = 0
        for day in days:
            await asyncio.gather(*(send(stub, b, secrets[b], e) for b, e in day.items()))
            rest += sum(len(e) for e in day.values())
        seconds = time.perf_counter() - began
        figures.append(Figure("history_events", count + rest, "events"))
        if rest:
            figures.append(Figure("history_fill_events_per_s", rest / seconds, "events/s"))
    with engine.connect() as connection:
        stored = int(
            connection.execute(select(func.count()).select_from(schema.raw_events)).scalar() or 0
        )
    figures.append(
        Figure("events_stored_twice_or_lost", abs(stored - count - rest), "events", 0, "<=")
    )
    period = Period(start, start + timedelta(days=settings.days - 1))
    for name, found in reports.REPORTS.items():
        slowest = 0.0
        for _ in range(settings.report_runs):
            began = time.perf_counter()
            found.run(engine, period)
            slowest = max(slowest, time.perf_counter() - began)
        figures.append(Figure(f"report_{name}_s", slowest, "s", 1.0, "<="))
    figures += _export(engine, period)
    figures += await _catch_up(engine, target, settings)
    engine.dispose()
    return figures


def _export(engine: Engine, period: Period) -> list[Figure]:
    """The "Ваш контроль" export of the whole period, as the dashboard streams it: timed
    alone, then again under tracemalloc for the most memory it held at once."""
    began = time.perf_counter()
    size = sum(len(piece) for piece in csv_chunks(engine, period))
    seconds = time.perf_counter() - began
    tracemalloc.start()
    try:
        for _ in csv_chunks(engine, period):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return [
        Figure("vashkontrol_export_mib", size / 2**20, "MiB"),
        Figure("vashkontrol_export_s", seconds, "s", 12.0, "<="),
        Figure("vashkontrol_export_peak_mib", peak / 2**20, "MiB", 64.0, "<="),
    ]


async def _catch_up(engine: Engine, target: str, settings: Settings) -> list[Figure]:
    """A busy day's hub log, never sent (the link was down 24 h), sent now from its file."""
    branch = "branch-cut-off"
    secret = store.add_branch(engine, branch)
    busy = Shape(visitors=settings.busy_visitors, desks=max(10, settings.busy_visitors // 50))
    payloads = day_events(branch, BUSY_DAY, 1, busy)
    events = list(enumerate(payloads, start=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hub.db"
        write_hub_log(path, events)
        hub_engine = create_engine(f"sqlite:///{path}")

        async def source(after: int, limit: int) -> list[tuple[int, str]]:
            return await asyncio.to_thread(events_after, hub_engine, after, limit)

        sender = Sender(source, branch_id=branch, target=target, secret=secret)
        began = time.perf_counter()
        await sender.run(until_seq=len(events))
        seconds = time.perf_counter() - began
        hub_engine.dispose()
    return [
        Figure("catch_up_day_events", len(events), "events"),
        Figure("catch_up_day_s", seconds, "s", 60.0, "<="),
    ]


@contextlib.contextmanager
def backoffice_process(url: str) -> Iterator[str]:
    """``okno backoffice`` as its own process on ``url``; yields its host:port."""
    port = free_port()
    target = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "okno", "backoffice", "--db", url, "--listen", target],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        grpc.channel_ready_future(grpc.insecure_channel(target)).result(timeout=60)
    except grpc.FutureTimeoutError:
        process.kill()
        raise StoreUnavailable("the back office process did not start listening") from None
    try:
        yield target
    finally:
        process.terminate()
        process.wait(timeout=30)
