"""``okno backoffice rebuild``: every derived table recomputed from the raw events equals
what the sync kept, mends a corrupted row, and loses or doubles no push made meanwhile."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from backoffice import schema
from backoffice.history import Shape, day_events
from backoffice.load import fill
from backoffice.rebuild import DERIVED, rebuild, rebuild_branch
from backoffice.server import start_server
from backoffice.store import Batch, acked, add_branch, open_store, store, write_fold
from hub.sync.signing import sign
from okno.cli import app
from tests.backoffice.hand_applications import events as applications
from tests.backoffice.hand_applications import history

START = date(2026, 3, 2)  # a Monday
DAYS = 3
SHAPE = Shape(visitors=60, desks=3)
BRANCH = "branch-01"
OTHER = "branch-02"
FOURTH = START + timedelta(days=DAYS)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived table's rows in key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in DERIVED
        }


async def loaded(url: str) -> Engine:
    """A back office holding two branches' three days, pushed over gRPC as hubs push, the
    morning of branch-01's fourth day (so that tickets are in its hall), and then
    branch-02's applications of a week (hand_applications.py)."""
    engine = open_store(url)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        await fill(url, f"127.0.0.1:{port}", 2, START, DAYS, SHAPE, 3)
    finally:
        await server.stop(0)
    store(engine, signed(engine, fourth_day()[0]))
    secret = add_branch(engine, OTHER)
    logged = applications(history(START), first=acked(engine, OTHER) + 1)
    store(engine, Batch(OTHER, logged, sign(secret, OTHER, logged)))
    return engine


def fourth_day() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Branch-01's fourth day in two halves, numbered on from its first three days."""
    before = sum(
        len(day_events(BRANCH, START + timedelta(days=d), 1, SHAPE, 3)) for d in range(DAYS)
    )
    events = list(enumerate(day_events(BRANCH, FOURTH, before + 1, SHAPE, 3), start=before + 1))
    half = len(events) // 2
    return events[:half], events[half:]


def signed(engine: Engine, events: list[tuple[int, str]]) -> Batch:
    """A batch of branch-01 as its hub signs it (a new secret: fill's is not kept)."""
    secret = add_branch(engine, BRANCH)
    return Batch(BRANCH, events, sign(secret, BRANCH, events))


def raw_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(schema.raw_events)).scalar_one()
        )


async def test_a_rebuild_equals_the_sync_and_mends_a_corrupted_row(store_url: str) -> None:
    engine = await loaded(store_url)
    live = snapshot(engine)
    assert all(live[table.name] for table in DERIVED), "every derived table has rows to compare"

    done = rebuild(engine, time.perf_counter)

    assert (done.branches, done.events, done.left_out) == (2, raw_count(engine), 0)
    assert snapshot(engine) == live
    table = schema.agg_service_day
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.branch_id == BRANCH, table.c.day == START.isoformat())
            .values(issued=table.c.issued + 7)
        )
        connection.execute(schema.ticket_waits.delete().where(schema.ticket_waits.c.wait_ms > 0))
    assert snapshot(engine) != live

    rebuild(engine, time.perf_counter, batch=97)  # batch edges fall anywhere in a day

    assert snapshot(engine) == live
    engine.dispose()


async def test_the_command_says_what_it_rebuilt(pg_url: str) -> None:
    engine = await loaded(pg_url)
    events = raw_count(engine)
    engine.dispose()

    result = CliRunner().invoke(app, ["backoffice", "rebuild", "--db", pg_url])

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"rebuilt 2 branches from {events} events in ")
    assert "left out" not in result.stdout


async def test_a_stored_event_the_fold_now_refuses_is_left_out_and_told(pg_url: str) -> None:
    engine = await loaded(pg_url)
    live = snapshot(engine)
    events = raw_count(engine)
    with engine.begin() as connection:  # as if an older release had taken it
        connection.execute(
            schema.raw_events.insert().values(
                branch_id="branch-02",
                seq=10**6,
                at_ms=0,
                kind="ticket_issued",
                day="2026-03-02",
                payload='{"seq": 1000000, "kind": "ticket_issued"}',
            )
        )
    engine.dispose()

    result = CliRunner().invoke(app, ["backoffice", "rebuild", "--db", pg_url])

    assert result.exit_code == 0, result.stderr
    assert f"rebuilt 2 branches from {events} events in " in result.stdout
    assert result.stdout.rstrip().endswith("; 1 stored events left out (see the log)")
    engine = open_store(pg_url)
    assert snapshot(engine) == live
    engine.dispose()


async def test_a_push_during_a_rebuild_waits_and_is_counted_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = await loaded(pg_url)
    morning, rest = fourth_day()
    batch = signed(engine, rest)
    folding = threading.Event()
    push_waits = threading.Event()

    def write_when_the_push_waits(*args: Any) -> None:
        folding.set()
        assert push_waits.wait(30), "the push never came to wait on the branch's lock"
        write_fold(*args)

    monkeypatch.setattr("backoffice.rebuild.write_fold", write_when_the_push_waits)
    rebuilt = threading.Thread(target=rebuild_branch, args=(engine, BRANCH, 50))
    rebuilt.start()
    assert folding.wait(30)
    pushed: list[tuple[int, int]] = []
    pusher = threading.Thread(target=lambda: pushed.append(store(engine, batch)))
    pusher.start()
    _wait_for_a_lock_wait(pg_url)
    push_waits.set()
    rebuilt.join(60)
    pusher.join(60)

    assert pushed == [(rest[-1][0], len(rest))]
    monkeypatch.undo()
    after = snapshot(engine)
    rebuild(engine, time.perf_counter)
    assert snapshot(engine) == after  # the push's events are in the sums once, none lost
    issued = sum(1 for _, p in morning + rest if json.loads(p)["kind"] == "ticket_issued")
    with engine.connect() as connection:
        day = connection.execute(
            select(func.sum(schema.agg_service_day.c.issued)).where(
                schema.agg_service_day.c.branch_id == BRANCH,
                schema.agg_service_day.c.day == FOURTH.isoformat(),
            )
        ).scalar_one()
    assert issued > 0
    assert day == issued
    engine.dispose()


def _wait_for_a_lock_wait(url: str) -> None:
    """Until a session of this database waits to lock a branch's row (the push's first step)."""
    deadline = time.monotonic() + 30
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            found = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%FROM branches%FOR UPDATE'"
            ).fetchone()
            if found and found[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no push came to wait on the branch's row lock within 30 s")
