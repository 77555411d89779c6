"""Applications on a real hub over gRPC: numbered, planned in working days, changed only as
the statuses allow, each change of the information system applied once."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import grpc
import pytest

from hub.domain import applications as rules
from hub.domain.applications import ApplicationStatus
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.hub.applications.helpers import PHONE, SYSTEM, accepted
from tests.hub.conftest import Served
from tests.hub.devices import refused

S = applications_pb2
MONDAY = date(2026, 11, 23)


def test_working_days_skip_weekends_and_closed_dates_and_count_working_saturdays() -> None:
    assert rules.working_days_after(MONDAY, 0) == MONDAY
    assert rules.working_days_after(MONDAY, 5) == date(2026, 11, 30)
    assert rules.working_days_after(MONDAY, 5, closed=[date(2026, 11, 25)]) == date(2026, 12, 1)
    saturday = date(2026, 11, 28)
    assert rules.working_days_after(MONDAY, 5, extra_working=[saturday]) == saturday


def test_numbers_are_read_as_people_type_them() -> None:
    assert rules.normalise_number(" 261123 017 ") == "261123-017"
    assert rules.normalise_number("261123–0170") == "261123-0170"
    for wrong in ("", "26112-017", "261123-01x", "2611230171234", "２６１１２３０１７"):
        assert rules.normalise_number(wrong) == ""
    for place in (1, 999, 1000, 10_000, 99_999):
        assert rules.normalise_number(rules.number(MONDAY, place)) == rules.number(MONDAY, place)


async def test_an_application_is_numbered_and_planned_in_working_days(served: Served) -> None:
    first = await accepted(served)
    second = await accepted(served, "egrn")
    # Monday 2026-11-23: the passport takes 10 working days, the EGRN extract 3.
    assert (first.number, first.planned_ready) == ("261123-001", "2026-12-07")
    assert (second.number, second.planned_ready) == ("261123-002", "2026-11-26")
    assert first.status == S.APPLICATION_STATUS_ACCEPTED
    assert first.authority == "ГУ по вопросам миграции МВД"
    assert first.phone_hint.endswith("67") and PHONE not in first.phone_hint
    with sqlite3.connect(served.db) as db:
        payloads = [
            json.loads(p)
            for (p,) in db.execute("SELECT payload FROM events WHERE kind LIKE 'application_%'")
        ]
    assert [p["application"]["number"] for p in payloads] == ["261123-001", "261123-002"]
    # The log (and the back office after it) holds no contact.
    assert all(PHONE not in json.dumps(p, ensure_ascii=False) for p in payloads)
    assert payloads[0]["application"]["changed_by"] == "operator:andreev-m"


async def test_statuses_follow_the_allowed_moves_and_refusals_change_nothing(
    served: Served,
) -> None:
    app = await accepted(served)
    stub = applications_pb2_grpc.ApplicationsStub(served.channel)

    def asked(status: int, **more: object) -> S.SetApplicationStatusRequest:
        fields = {"number": app.number, "status": status, **more}
        return S.SetApplicationStatusRequest(**fields)  # type: ignore[arg-type]

    code, error = await refused(stub.SetStatus(asked(S.APPLICATION_STATUS_ISSUED)))
    assert (code, error) == (grpc.StatusCode.FAILED_PRECONDITION, "not_allowed")
    code, error = await refused(stub.SetStatus(asked(S.APPLICATION_STATUS_SUSPENDED)))
    assert (code, error) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid_request")
    code, error = await refused(
        stub.SetStatus(asked(S.APPLICATION_STATUS_IN_WORK, planned_ready="2026-11-20"))
    )
    assert error == "bad_planned_date"
    code, error = await refused(stub.SetStatus(asked(S.APPLICATION_STATUS_READY, number="1")))
    assert error == "unknown_application"
    after = await stub.Get(S.GetApplicationRequest(number=app.number))
    assert after.status == S.APPLICATION_STATUS_ACCEPTED
    suspended = await stub.SetStatus(
        asked(S.APPLICATION_STATUS_SUSPENDED, reason="нужна справка о составе семьи")
    )
    assert suspended.applied and suspended.application.reason.startswith("нужна")
    ready = await stub.SetStatus(asked(S.APPLICATION_STATUS_READY))
    assert ready.application.collect_by == "2026-12-23"
    issued = await stub.SetStatus(asked(S.APPLICATION_STATUS_ISSUED))
    assert issued.application.status == S.APPLICATION_STATUS_ISSUED
    code, error = await refused(stub.SetStatus(asked(S.APPLICATION_STATUS_CANCELLED)))
    assert error == "not_allowed"


async def test_the_information_system_applies_each_change_once_and_never_an_older_one(
    served: Served,
) -> None:
    app = await accepted(served)
    system = applications_pb2_grpc.ApplicationsStub(await served.staff_channel(SYSTEM))
    change = S.SetApplicationStatusRequest(
        number=app.number,
        status=S.APPLICATION_STATUS_IN_WORK,
        change_id="ais-1",
        changed_at_unix_ms=1_000,
    )
    first = await system.SetStatus(change)
    again = await system.SetStatus(change)
    assert (first.applied, again.applied) == (True, False)
    assert again.application.changed_at_unix_ms == first.application.changed_at_unix_ms
    older = S.SetApplicationStatusRequest(
        number=app.number,
        status=S.APPLICATION_STATUS_READY,
        change_id="ais-0",
        changed_at_unix_ms=999,
    )
    assert await refused(system.SetStatus(older)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "stale_change",
    )
    without_id = S.SetApplicationStatusRequest(number=app.number, status=S.APPLICATION_STATUS_READY)
    assert (await refused(system.SetStatus(without_id)))[1] == "invalid_request"
    # The information system's account sets statuses and does nothing else.
    code, _ = await refused(
        system.List(S.ListApplicationsRequest(status=S.APPLICATION_STATUS_READY))
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    with sqlite3.connect(served.db) as db:
        changes = db.execute("SELECT change_id, number FROM application_changes").fetchall()
        (changed_by,) = db.execute(
            "SELECT json_extract(payload, '$.application.changed_by') FROM events "
            "WHERE kind = 'application_changed'"
        ).fetchone()
    assert changes == [("ais-1", app.number)]
    assert changed_by == "system:ais-mfc"


async def test_a_retried_accept_gets_the_same_application(served: Served) -> None:
    first = await accepted(served, request_id="desk-01-req-7")
    stub = applications_pb2_grpc.ApplicationsStub(served.channel)
    again = await stub.Accept(
        S.AcceptApplicationRequest(ticket_id=first.ticket_id, request_id="desk-01-req-7")
    )
    assert again.number == first.number
    _, error = await refused(
        stub.Accept(S.AcceptApplicationRequest(ticket_id=first.ticket_id, phone=PHONE))
    )
    assert error == "no_consent"  # a phone without the applicant's consent


@pytest.mark.parametrize("status", list(ApplicationStatus))
def test_every_status_has_its_moves(status: ApplicationStatus) -> None:
    assert (not rules.ALLOWED[status]) == status.ended
