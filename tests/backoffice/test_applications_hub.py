"""Applications recorded and moved on a real hub over gRPC, synced through the real Sync
path into PostgreSQL: the summary's figures, worked out by hand, and nothing personal."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backoffice import schema
from backoffice.period import Period
from backoffice.rebuild import rebuild
from backoffice.reports import report
from backoffice.store import open_store
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.backoffice.hubsync import synced
from tests.hub.applications.helpers import PHONE, accepted
from tests.hub.conftest import ADMINISTRATOR, Served

pytestmark = pytest.mark.timeout(120)
S = applications_pb2
DAY_MINUTES = 24 * 60
# Tuesday 2026-12-08, 10:00 in Moscow: the passport's planned day (12-07) has passed.
READ_AT = int(datetime(2026, 12, 8, 10, tzinfo=ZoneInfo("Europe/Moscow")).timestamp() * 1000)


async def test_a_hubs_applications_reach_the_summary_once_each(served: Served, pg_url: str) -> None:
    async def move(number: str, status: S.ApplicationStatus.ValueType) -> None:
        # Signed in anew each time: a sign-in does not outlast the days the clock moves.
        channel = await served.staff_channel(ADMINISTRATOR)
        stub = applications_pb2_grpc.ApplicationsStub(channel)
        done = await stub.SetStatus(S.SetApplicationStatusRequest(number=number, status=status))
        await channel.close()
        assert done.applied

    # Monday 11-23: the passport is planned for 12-07, the EGRN extracts for 11-26 and the
    # SNILS for 11-30 (working days, tests/hub/applications/test_core.py).
    passport = await accepted(served)
    late = await accepted(served, "egrn")
    on_time = await accepted(served, "egrn")
    snils = await accepted(served, "snils")
    await move(passport.number, S.APPLICATION_STATUS_IN_WORK)
    await move(snils.number, S.APPLICATION_STATUS_CANCELLED)
    served.clock.advance(DAY_MINUTES)  # Tuesday 11-24
    await move(on_time.number, S.APPLICATION_STATUS_READY)
    served.clock.advance(3 * DAY_MINUTES)  # Friday 11-27, a day after the EGRN's date
    await move(late.number, S.APPLICATION_STATUS_READY)
    await move(late.number, S.APPLICATION_STATUS_ISSUED)
    engine = open_store(pg_url)
    try:
        branch = await synced(served, engine)
        week = Period(date(2026, 11, 23), date(2026, 11, 29), now_ms=READ_AT)
        rows = report("applications").run(engine, week).rows
        with engine.connect() as connection:
            kept = list(connection.execute(select(schema.applications)))
            payloads = list(connection.execute(select(schema.raw_events.c.payload)).scalars())
        rebuild(engine, lambda: 0.0)
        with engine.connect() as connection:
            assert list(connection.execute(select(schema.applications))) == kept
    finally:
        engine.dispose()
    # branch, service, authority, received, accepted, in work, suspended, ready, issued,
    # refused, cancelled, overdue, ready late
    assert rows == [
        (branch, "egrn", "Росреестр", 2, 0, 0, 0, 1, 1, 0, 0, 0, 1),
        (branch, "passport", "ГУ по вопросам миграции МВД", 1, 0, 1, 0, 0, 0, 0, 0, 1, 0),
        (branch, "snils", "Социальный фонд России", 1, 0, 0, 0, 0, 0, 0, 1, 0, 0),
    ]
    assert len(kept) == 4
    # The back office holds no contact of any applicant.
    digits = PHONE.removeprefix("+7")
    assert not [p for p in payloads if digits in p or PHONE in p]
