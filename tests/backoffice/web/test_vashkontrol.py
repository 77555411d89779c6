"""The "Ваш контроль" export is streamed: a long period never sits in memory whole."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine

from backoffice.history import event
from backoffice.period import Period
from backoffice.store import Batch, add_branch, open_store, store
from backoffice.web import create_app
from backoffice.web.vashkontrol import csv_chunks
from hub.sync.signing import sign
from tests.backoffice.hand import DAY, at, numbered
from tests.backoffice.web.signed import manager

BRANCH = "branch-rated"
# Ratings on Monday (DAY), and five times as many on Tuesday.
RATINGS = 4_000
TUESDAY = "2026-03-03"
MONDAY = Period(date(2026, 3, 2), date(2026, 3, 2))
BOTH = Period(date(2026, 3, 2), date(2026, 3, 3))


def rated(engine: Engine) -> None:
    secret = add_branch(engine, BRANCH)
    events = []
    for n in range(6 * RATINGS):
        day, shift = (DAY, 0) if n < RATINGS else (TUESDAY, 86_400_000)
        data = event("ticket_rated", at(9, 0) + shift + n, day, None, None)
        data["rating"] = {
            "ticket_id": f"{DAY}/{n}",
            "service_id": "passport",
            "desk_id": f"desk-{n % 10}",
            "operator_id": "op-1",
            "score": 1 + n % 5,
            "channel": "kiosk",
        }
        events.append(data)
    batch = numbered(events)
    store(engine, Batch(BRANCH, batch, sign(secret, BRANCH, batch)))


def streamed(engine: Engine, period: Period) -> tuple[int, int]:
    """(bytes of the export, the most memory held while it was written)."""
    tracemalloc.start()
    try:
        size = sum(len(piece) for piece in csv_chunks(engine, period))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, peak


def test_the_exports_memory_does_not_grow_with_its_period(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    rated(engine)
    small, small_peak = streamed(engine, MONDAY)
    large, large_peak = streamed(engine, BOTH)
    engine.dispose()
    assert large > 5 * small
    assert large_peak < 1.5 * small_peak, f"{small_peak} then {large_peak} bytes at most"


async def test_the_streamed_export_has_every_rating_once(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    rated(engine)
    transport = httpx.ASGITransport(
        app=create_app(engine, hosts=["dashboard"], clock=lambda: at(18, 0))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://dashboard", cookies=manager(engine)
    ) as client:
        answer = await client.get(f"/ratings/vashkontrol.csv?from={DAY}&to={DAY}")
    engine.dispose()
    assert answer.status_code == 200
    assert "content-length" not in answer.headers
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == RATINGS
    assert {r["day"] for r in rows} == {DAY}
    assert [int(r["score"]) for r in rows[:6]] == [1, 2, 3, 4, 5, 1]
    assert {r["office_id"] for r in rows} == {BRANCH}
