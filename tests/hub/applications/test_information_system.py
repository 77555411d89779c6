"""The centre's information system against a real hub over gRPC: its simulator's bursts
applied exactly once, and everything it may not do or send refused with a reason."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from typer.testing import CliRunner

from hub.ais.errors import SignInRefused
from hub.ais.plan import Kind, plan
from hub.ais.sim import SimulatedInformationSystem, signed_in
from hub.bench.applications import read_ledger, recorded
from okno.cli import app as okno
from protos.okno.v1 import applications_pb2, applications_pb2_grpc, queue_pb2, queue_pb2_grpc
from tests.hub.applications.helpers import PHONE, SYSTEM, accepted
from tests.hub.conftest import PIN, Served
from tests.hub.devices import refused

if TYPE_CHECKING:
    from protos.okno.v1.applications_pb2_grpc import ApplicationsAsyncStub

S = applications_pb2
# The information system's clock: its changes are stamped with its own time.
AIS_NOW = 1_795_000_000_000


def stub(channel: grpc.aio.Channel) -> ApplicationsAsyncStub:
    return applications_pb2_grpc.ApplicationsStub(channel)


def change_events(served: Served) -> list[dict[str, Any]]:
    with sqlite3.connect(served.db) as db:
        rows = db.execute("SELECT payload FROM events WHERE kind = 'application_changed'")
        return [json.loads(payload)["application"] for (payload,) in rows]


async def test_a_burst_with_resends_and_stale_changes_is_applied_exactly_once(
    served: Served,
) -> None:
    numbers = await recorded(served.channel, 60, per_visitor=20)
    pushes = plan(numbers, run="ais", start_ms=AIS_NOW, resends=0.2, stale=4, seed=3)
    async with await served.staff_channel(SYSTEM) as channel:
        verdict = await SimulatedInformationSystem(channel, in_flight=16).push(pushes)
    assert (verdict.new, verdict.resends, verdict.stale) == (60, 12, 4)
    assert verdict.exactly_once
    assert (verdict.applied_once, verdict.applied_twice, verdict.missing) == (60, 0, 0)
    assert verdict.answered_applied_before == 12
    assert (verdict.stale_refused, verdict.stale_applied, verdict.refusals) == (4, 0, {})
    events = change_events(served)
    assert sorted(e["change_id"] for e in events) == sorted(
        p.change_id for p in pushes.of(Kind.NEW)
    )
    ledger = read_ledger(served.db, "ais")
    assert (ledger.events, ledger.event_change_ids, ledger.rows) == (60, 60, 60)
    # A stale change left its application as the newer change made it.
    for old in pushes.of(Kind.STALE):
        newer = next(p for p in pushes.of(Kind.NEW) if p.number == old.number)
        now = await stub(served.channel).Get(S.GetApplicationRequest(number=old.number))
        assert now.status == newer.status


async def test_the_simulator_never_counts_a_refused_change_as_applied(served: Served) -> None:
    numbers = await recorded(served.channel, 3)
    unknown = "261123-999"
    pushes = plan([*numbers, unknown], run="ais", start_ms=AIS_NOW, resends=0, stale=0)
    async with await served.staff_channel(SYSTEM) as channel:
        verdict = await SimulatedInformationSystem(channel).push(pushes)
    assert not verdict.exactly_once
    assert (verdict.applied_once, verdict.missing) == (3, 1)
    assert verdict.refusals == {"unknown_application": 1}
    assert len(change_events(served)) == 3


async def test_a_wrong_pin_or_no_token_is_refused(served: Served) -> None:
    async with await served.staff_channel(SYSTEM):  # its PIN set, as on the hub's machine
        pass
    with pytest.raises(SignInRefused, match="UNAUTHENTICATED"):
        await signed_in(served.address, served.ca_pem, SYSTEM, "918273")
    app = await accepted(served)
    change = S.SetApplicationStatusRequest(
        number=app.number,
        status=S.APPLICATION_STATUS_READY,
        change_id="ais-1",
        changed_at_unix_ms=AIS_NOW,
    )
    code, _ = await refused(stub(served.stranger).SetStatus(change))
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert change_events(served) == []


Call = Callable[[grpc.aio.Channel], Awaitable[Any]]
NOT_ITS_BUSINESS: dict[str, Call] = {
    "Accept": lambda c: stub(c).Accept(S.AcceptApplicationRequest(ticket_id="2026-11-23/А001")),
    "List": lambda c: stub(c).List(S.ListApplicationsRequest(status=S.APPLICATION_STATUS_READY)),
    "LookUp": lambda c: stub(c).LookUp(
        S.LookUpApplicationRequest(number="261123-001", phone=PHONE)
    ),
    "IssueTicket": lambda c: queue_pb2_grpc.QueueServiceStub(c).IssueTicket(
        queue_pb2.IssueTicketRequest(service_id="passport")
    ),
    "CallNext": lambda c: queue_pb2_grpc.QueueServiceStub(c).CallNext(
        queue_pb2.DeskRequest(desk_id="desk-01")
    ),
    "GetQueueState": lambda c: queue_pb2_grpc.QueueServiceStub(c).GetQueueState(
        queue_pb2.GetQueueStateRequest()
    ),
}


@pytest.mark.parametrize("call", list(NOT_ITS_BUSINESS))
async def test_the_information_system_sets_statuses_and_nothing_else(
    served: Served, call: str
) -> None:
    async with await served.staff_channel(SYSTEM) as channel:
        code, _ = await refused(NOT_ITS_BUSINESS[call](channel))
    assert code == grpc.StatusCode.PERMISSION_DENIED


def system_change(
    number: str, fields: dict[str, Any] | None = None
) -> S.SetApplicationStatusRequest:
    """A change as the information system sends it: in work, id ais-1, made at AIS_NOW."""
    asked: dict[str, Any] = {
        "number": number,
        "status": S.APPLICATION_STATUS_IN_WORK,
        "change_id": "ais-1",
        "changed_at_unix_ms": AIS_NOW,
    }
    return S.SetApplicationStatusRequest(**(asked | (fields or {})))


# What the information system may send wrong, each after an in-work change (ais-1) was
# applied: the fields that make it wrong, and the code and hub's error it is refused with.
BAD_INPUT: dict[str, tuple[dict[str, Any], grpc.StatusCode, str]] = {
    "unknown number": (
        {"number": "261123-999", "change_id": "ais-2", "changed_at_unix_ms": AIS_NOW + 1},
        grpc.StatusCode.NOT_FOUND,
        "unknown_application",
    ),
    "status not allowed": (
        {
            "status": S.APPLICATION_STATUS_ISSUED,
            "change_id": "ais-2",
            "changed_at_unix_ms": AIS_NOW + 1,
        },
        grpc.StatusCode.FAILED_PRECONDITION,
        "not_allowed",
    ),
    "status unknown": (
        {"status": 42, "change_id": "ais-2", "changed_at_unix_ms": AIS_NOW + 1},
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid_request",
    ),
    "date in the past": (
        {
            "status": S.APPLICATION_STATUS_READY,
            "planned_ready": "2026-11-20",
            "change_id": "ais-2",
            "changed_at_unix_ms": AIS_NOW + 1,
        },
        grpc.StatusCode.INVALID_ARGUMENT,
        "bad_planned_date",
    ),
    "stale": (
        {
            "status": S.APPLICATION_STATUS_READY,
            "change_id": "ais-0",
            "changed_at_unix_ms": AIS_NOW - 1,
        },
        grpc.StatusCode.FAILED_PRECONDITION,
        "stale_change",
    ),
    "no change id": (
        {"status": S.APPLICATION_STATUS_READY, "change_id": ""},
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid_request",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
async def test_bad_input_is_refused_with_a_reason_changes_nothing_and_logs_no_phone(
    served: Served, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    fields, code, error = BAD_INPUT[case]
    app = await accepted(served)
    async with await served.staff_channel(SYSTEM) as channel:
        system = stub(channel)
        await system.SetStatus(system_change(app.number))
        before = await system.Get(S.GetApplicationRequest(number=app.number))
        caplog.clear()
        caplog.set_level(logging.DEBUG)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await system.SetStatus(system_change(app.number, fields))
        after = await system.Get(S.GetApplicationRequest(number=app.number))
    trailers = dict(caught.value.trailing_metadata() or ())
    assert (caught.value.code(), trailers.get("okno-error")) == (code, error)
    assert caught.value.details()  # the reason, for the integrator's log
    assert after == before
    assert [e["change_id"] for e in change_events(served)] == ["ais-1"]
    assert f"code={error}" in caplog.text
    if error != "invalid_request":  # the others are refused before the application is read
        assert (
            f"application change refused number={fields.get('number', app.number)} "
            f"by=system:{SYSTEM} code={error}"
        ) in caplog.text
    assert PHONE[2:] not in caplog.text


async def test_a_duplicate_is_answered_applied_before_and_changes_nothing(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    app = await accepted(served)
    async with await served.staff_channel(SYSTEM) as channel:
        first = await stub(channel).SetStatus(system_change(app.number))
        caplog.set_level(logging.INFO)
        again = await stub(channel).SetStatus(system_change(app.number))
    assert (first.applied, again.applied) == (True, False)
    assert again.application == first.application
    assert len(change_events(served)) == 1
    assert f"application change repeated number={app.number} change=ais-1" in caplog.text
    assert PHONE[2:] not in caplog.text


async def test_okno_hub_sim_ais_says_what_the_hub_answered(served: Served, tmp_path: Path) -> None:
    numbers = await recorded(served.channel, 20)
    async with await served.staff_channel(SYSTEM):  # its PIN set
        pass
    ca = tmp_path / "ca.pem"
    ca.write_bytes(served.ca_pem)
    listed = tmp_path / "numbers.txt"
    listed.write_text("\n".join(numbers[1:]) + "\n")
    options = ["--hub", served.address, "--hub-ca", str(ca), "--numbers-file", str(listed)]
    words = ["hub", "sim", "ais", numbers[0].replace("-", ""), *options, "--stale", "2"]
    ran = await asyncio.to_thread(CliRunner().invoke, okno, words, env={"OKNO_AIS_PIN": PIN})
    assert ran.exit_code == 0, ran.output
    assert "applied once 20 of 20; twice 0; missing 0" in ran.output
    assert "resends answered applied before: 2 of 2" in ran.output
    assert "stale refused: 2 of 2; applied: 0" in ran.output
    assert ran.output.rstrip().endswith("exactly once: yes")
    wrong = await asyncio.to_thread(
        CliRunner().invoke, okno, [*words, "26112"], env={"OKNO_AIS_PIN": PIN}
    )
    assert wrong.exit_code == 2
    assert "'26112' is not an application number" in wrong.output
    assert len(change_events(served)) == 20
