"""Priority visitors over a real hub on loopback: a claim at the kiosk, judged at the desk.

The kiosk, the hall display and the desk unit are enrolled devices; the operators sign in
with their PINs. examples/branch.toml: "disabled" (ratio 2), "pregnant" and "small-children" are
claimable, "veteran" here is not (the config_file fixture below); "appointment" comes by
check-in only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from backoffice.aggregate import journal_row, parse
from protos.okno.v1 import admin_pb2, common_pb2, queue_pb2, queue_pb2_grpc
from tests.hub.conftest import ADMINISTRATOR, Served
from tests.hub.devices import device, refused

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

pytestmark = pytest.mark.timeout(60)
OPERATOR = "ivanova-a"  # desk-01's (examples/branch.toml)
OTHER = "petrov-s"  # desk-02's


@pytest.fixture
async def kiosk(served: Served, tmp_path: Path) -> AsyncIterator[QueueServiceAsyncStub]:
    async with device(served, tmp_path, "kiosk", "K-1") as channel:
        yield queue_pb2_grpc.QueueServiceStub(channel)


async def desk_of(served: Served, operator_id: str, desk_id: str) -> QueueServiceAsyncStub:
    queue = queue_pb2_grpc.QueueServiceStub(await served.staff_channel(operator_id))
    await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk_id))
    return queue


async def take(
    kiosk: QueueServiceAsyncStub, served: Served, priority: str = ""
) -> common_pb2.Ticket:
    served.clock.advance(1)
    issued = await kiosk.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id="passport", priority=priority)
    )
    return issued.ticket


async def next_number(desk: QueueServiceAsyncStub, desk_id: str = "desk-01") -> str:
    called = await desk.CallNext(queue_pb2.DeskRequest(desk_id=desk_id))
    await desk.StartService(queue_pb2.DeskRequest(desk_id=desk_id))
    await desk.FinishService(queue_pb2.DeskRequest(desk_id=desk_id))
    return called.ticket.number


def logged(served: Served, kind: str) -> list[dict[str, object]]:
    with sqlite3.connect(served.db) as db:
        rows = db.execute("SELECT seq, payload FROM events WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(payload) for _, payload in rows]


async def test_a_claim_is_called_by_its_ratio_and_confirmed_with_who_saw_the_document(
    served: Served, kiosk: QueueServiceAsyncStub
) -> None:
    regular = [await take(kiosk, served) for _ in range(2)]
    claims = [await take(kiosk, served, "disabled") for _ in range(2)]
    assert [(t.priority, t.priority_claimed) for t in claims] == [("disabled", True)] * 2
    assert not regular[0].priority_claimed
    desk = await desk_of(served, OPERATOR, "desk-01")

    called = await desk.CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
    assert called.ticket.number == claims[0].number
    confirmed = await desk.ConfirmPriority(queue_pb2.DeskRequest(desk_id="desk-01"))
    code, error = await refused(desk.ConfirmPriority(queue_pb2.DeskRequest(desk_id="desk-01")))
    assert (code, error) == (grpc.StatusCode.FAILED_PRECONDITION, "no_priority_claim")
    await desk.StartService(queue_pb2.DeskRequest(desk_id="desk-01"))
    await desk.FinishService(queue_pb2.DeskRequest(desk_id="desk-01"))

    assert (confirmed.ticket.priority, confirmed.ticket.priority_claimed) == ("disabled", False)
    # Ratio 2 of "disabled" to 1 regular: the smooth round robin gives D, R, D, R.
    rest = [await next_number(desk) for _ in range(3)]
    assert rest == [regular[0].number, claims[1].number, regular[1].number]
    [event] = logged(served, "priority_confirmed")
    assert event["entry"] == {
        "action": "priority_confirmed",
        "actor": f"staff:{OPERATOR}",
        "subject": claims[0].id,
        "outcome": "ok",
        "door": "network",
    }
    # The back office keeps who confirmed in its journal (backoffice/aggregate.py).
    row = journal_row(parse(int(str(event["seq"])), json.dumps(event)))
    assert row is not None and (row["action"], row["actor"]) == (
        "priority_confirmed",
        f"staff:{OPERATOR}",
    )
    code, error = await refused(desk.ConfirmPriority(queue_pb2.DeskRequest(desk_id="desk-01")))
    assert (code, error) == (grpc.StatusCode.FAILED_PRECONDITION, "no_current_ticket")


async def test_a_removed_priority_keeps_the_visitors_place_by_issue_time(
    served: Served, kiosk: QueueServiceAsyncStub
) -> None:
    first = await take(kiosk, served)
    claimed = await take(kiosk, served, "disabled")
    later = await take(kiosk, served)
    desk = await desk_of(served, OPERATOR, "desk-01")
    called = await desk.CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
    assert called.ticket.number == claimed.number

    code, _ = await refused(
        desk.RemovePriority(queue_pb2.RemovePriorityRequest(desk_id="desk-01", reason="  "))
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    removed = await desk.RemovePriority(
        queue_pb2.RemovePriorityRequest(desk_id="desk-01", reason="Нет справки")
    )

    ticket = removed.ticket
    assert ticket.state == common_pb2.TICKET_STATE_WAITING
    assert (ticket.priority, ticket.priority_claimed, ticket.desk_id) == ("", False, "")
    assert ticket.waiting_since_unix_ms == ticket.issued_at_unix_ms
    assert removed.desk.current_ticket_id == ""
    order = [await next_number(desk) for _ in range(3)]
    assert order == [first.number, claimed.number, later.number]
    [event] = logged(served, "priority_removed")
    assert event["detail"] == "Нет справки"
    assert isinstance(event["entry"], dict) and event["entry"]["actor"] == f"staff:{OPERATOR}"


async def test_only_the_operator_at_the_desk_judges_its_claim(
    served: Served, kiosk: QueueServiceAsyncStub, tmp_path: Path
) -> None:
    await take(kiosk, served, "small-children")
    desk = await desk_of(served, OPERATOR, "desk-01")
    await desk.CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
    other = await desk_of(served, OTHER, "desk-02")

    code, error = await refused(other.ConfirmPriority(queue_pb2.DeskRequest(desk_id="desk-01")))
    assert (code, error) == (grpc.StatusCode.PERMISSION_DENIED, "not_your_desk")
    async with device(served, tmp_path, "staff_desk", "S-2", desk="desk-02") as unit:
        buttons = queue_pb2_grpc.QueueServiceStub(unit)
        code, _ = await refused(buttons.ConfirmPriority(queue_pb2.DeskRequest(desk_id="desk-01")))
        assert code is grpc.StatusCode.PERMISSION_DENIED
        code, _ = await refused(
            buttons.RemovePriority(
                queue_pb2.RemovePriorityRequest(desk_id="desk-01", reason="нет документа")
            )
        )
        assert code is grpc.StatusCode.PERMISSION_DENIED
    assert logged(served, "priority_confirmed") == logged(served, "priority_removed") == []


async def test_a_hall_display_issues_no_ticket_priority_or_not(
    served: Served, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "hall_display", "D-1") as channel:
        board = queue_pb2_grpc.QueueServiceStub(channel)
        code, _ = await refused(
            board.IssueTicket(
                queue_pb2.IssueTicketRequest(service_id="passport", priority="disabled")
            )
        )
    assert code is grpc.StatusCode.PERMISSION_DENIED


@pytest.fixture
def config_file(config_file: Path) -> Path:
    """The example with veterans confirmed only by the hall administrator, not claimed
    (for every test here: the other categories are as the example has them)."""
    text = config_file.read_text(encoding="utf-8")
    veteran = text.index('id = "veteran"')
    at = text.index("claimable = true", veteran)
    config_file.write_text(text[:at] + "claimable = false" + text[at + 16 :], encoding="utf-8")
    return config_file


async def test_the_kiosk_claims_only_claimable_categories_and_says_which(
    served: Served, kiosk: QueueServiceAsyncStub
) -> None:
    asked = {
        "nobody": kiosk.IssueTicket(
            queue_pb2.IssueTicketRequest(service_id="passport", priority="nobody")
        ),
        "veteran": kiosk.IssueTicket(
            queue_pb2.IssueTicketRequest(service_id="passport", priority="veteran")
        ),
        "appointment": kiosk.IssueTicket(
            queue_pb2.IssueTicketRequest(service_id="passport", priority="appointment")
        ),
    }
    answers = {}
    for name, call in asked.items():
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        answers[name] = (caught.value.code(), caught.value.details())
    assert answers["nobody"][0] is grpc.StatusCode.NOT_FOUND
    assert 'no priority category "nobody"' in str(answers["nobody"][1])
    assert answers["veteran"] == (
        grpc.StatusCode.FAILED_PRECONDITION,
        'a visitor may not claim priority "veteran" at the kiosk: the categories claimed '
        'there are "disabled", "pregnant", "small-children"',
    )
    assert answers["appointment"][0] is grpc.StatusCode.FAILED_PRECONDITION

    listed = await served.admin.ListServices(admin_pb2.ListServicesRequest())
    assert [(p.id, p.claimable) for p in listed.priorities] == [
        ("appointment", False),
        ("disabled", True),
        ("veteran", False),
        ("pregnant", True),
        ("small-children", True),
    ]
    assert listed.priorities[1].document_ru == "справка МСЭ об инвалидности"


async def test_the_administrator_issues_a_confirmed_priority_ticket(served: Served) -> None:
    issued = await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id="passport", priority="veteran")
    )

    assert (issued.ticket.priority, issued.ticket.priority_claimed) == ("veteran", False)
    [event] = logged(served, "priority_confirmed")
    assert isinstance(event["entry"], dict)
    assert (event["entry"]["actor"], event["entry"]["subject"]) == (
        f"staff:{ADMINISTRATOR}",
        issued.ticket.id,
    )
