"""Priority judged at a desk reaches a real PostgreSQL back office: the events are taken,
who judged is in its journal, and the reason typed at the desk is not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backoffice import schema
from backoffice.period import Period
from backoffice.reports import report
from backoffice.store import open_store
from protos.okno.v1 import queue_pb2, queue_pb2_grpc
from tests.backoffice.hubsync import synced
from tests.backoffice.refused import refusals
from tests.hub.conftest import Served

pytestmark = pytest.mark.timeout(120)
DAY = "2026-11-23"
OPERATOR = "ivanova-a"
REASON = "Иванова, паспорт 4510 123456, без справки"


async def test_judged_claims_are_synced_without_the_typed_reason(
    served: Served, pg_url: str
) -> None:
    hub = served.hub
    for _ in range(2):
        await hub.tickets.issue("passport", priority="disabled", claimed=True)
    desk = queue_pb2_grpc.QueueServiceStub(await served.staff_channel(OPERATOR))
    at = queue_pb2.DeskRequest(desk_id="desk-01")
    await desk.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    await desk.CallNext(at)
    await desk.ConfirmPriority(at)
    await desk.StartService(at)
    await desk.FinishService(at)
    await desk.CallNext(at)
    await desk.RemovePriority(queue_pb2.RemovePriorityRequest(desk_id="desk-01", reason=REASON))
    engine = open_store(pg_url)
    try:
        await synced(served, engine)
        rows = report("journal").run(engine, Period(date(2026, 11, 23), date(2026, 11, 23))).rows
        with engine.connect() as connection:
            payloads = connection.execute(select(schema.raw_events.c.payload)).scalars().all()
        refused = refusals(engine)
    finally:
        engine.dispose()

    assert refused == []
    judged = [row[3:6] for row in rows if str(row[3]).startswith("priority_")]
    assert [(action, actor) for action, actor, _ in judged] == [
        ("priority_confirmed", f"staff:{OPERATOR}"),
        ("priority_removed", f"staff:{OPERATOR}"),
    ]
    assert not any("4510" in str(p) for p in payloads)
