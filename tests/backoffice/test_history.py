"""The history generator, written through the real sync path (signed batches over gRPC)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from backoffice import reports
from backoffice.history import TIMEZONE, Shape, branch_ids, day_events, region, staffing
from backoffice.load import fill
from backoffice.period import Period
from backoffice.server import start_server
from backoffice.store import open_store
from okno.bench import percentile

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
        engine, Period(START, START + timedelta(days=3))
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


def _waits_by_hour(history: Shape) -> dict[int, list[float]]:
    """Minutes from issue to first call of every visitor of two weeks of three branches,
    by the local hour the ticket was issued."""
    issued: dict[tuple[str, str], int] = {}
    waits: dict[int, list[float]] = {}
    for branch, pairs in region(branch_ids(3), START, 14, history):
        for _, payload in pairs:
            event = json.loads(payload)
            if event["ticket"] is None:
                continue
            key = (branch, event["ticket"]["id"])
            if event["kind"] == "ticket_issued":
                issued[key] = event["at_ms"]
            elif event["kind"] == "ticket_called":
                since = issued[key]
                hour = datetime.fromtimestamp(since / 1000, ZoneInfo(TIMEZONE)).hour
                waits.setdefault(hour, []).append((event["at_ms"] - since) / 60_000)
    return waits


def test_the_generated_region_looks_like_a_good_centre_with_a_few_peaks() -> None:
    by_hour = _waits_by_hour(Shape())
    waits = sorted(w for hour in by_hour.values() for w in hour)
    over_15 = sum(w > 15 for w in waits) / len(waits)
    assert 0 < over_15 <= 0.05, "a few wait over 15 minutes, most do not"
    assert percentile(waits, 50) < 5
    assert percentile(waits, 90) < 15
    assert 15 < waits[-1] < 60, "peaks, but nobody waits an hour"
    evening = sorted(w for hour, hour_waits in by_hour.items() if hour >= 17 for w in hour_waits)
    assert percentile(evening, 90) < 15 and evening[-1] < 45


def test_a_hall_of_a_fixed_size_keeps_it_and_a_busier_day_gets_more_desks() -> None:
    assert staffing(SHAPE, 0) == 3
    assert staffing(Shape(), 6) == 0, "closed on Sunday"
    assert staffing(Shape(), 0) > staffing(Shape(), 5) > 0, "Monday's crowd, Saturday's half"
