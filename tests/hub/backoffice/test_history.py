"""The history generator, written through the real sync path (signed batches over gRPC)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hub.backoffice import reports
from hub.backoffice.history import Shape, branch_ids, day_events
from hub.backoffice.load import fill
from hub.backoffice.server import start_server
from hub.backoffice.store import open_store

START = date(2026, 3, 1)  # a Sunday: closed, no events
SHAPE = Shape(visitors=60, desks=3)


async def test_a_generated_history_arrives_whole_through_grpc(store_url: str) -> None:
    engine = open_store(store_url)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        events, _ = await fill(store_url, f"127.0.0.1:{port}", 2, START, 4, SHAPE, 7)
    finally:
        await server.stop(0)
    expected: dict[str, int] = {}
    total = 0
    for offset in range(4):
        day = START + timedelta(days=offset)
        for branch in branch_ids(2):
            kinds = [json.loads(p)["kind"] for p in day_events(branch, day, 1, SHAPE, 7)]
            expected[day.isoformat()] = expected.get(day.isoformat(), 0) + kinds.count(
                "ticket_issued"
            )
            total += len(kinds)
    assert events == total
    by_day = reports.REPORTS["attendance_by_day"].run(
        engine, reports.Period(START, START + timedelta(days=3))
    )
    assert {row[0]: row[1] for row in by_day.rows} == {d: n for d, n in expected.items() if n}
    assert START.isoformat() not in {row[0] for row in by_day.rows}
    engine.dispose()


def test_the_generator_is_deterministic_and_numbered_from_the_seq_given() -> None:
    first = day_events("branch-01", date(2026, 3, 2), 100, SHAPE, 1)
    assert first == day_events("branch-01", date(2026, 3, 2), 100, SHAPE, 1)
    seqs = [json.loads(p)["seq"] for p in first]
    assert seqs == list(range(100, 100 + len(first)))
    at = [json.loads(p)["at_ms"] for p in first]
    assert at == sorted(at)
