"""A ticket taken after paying the fee names the payment, so the operator sees it paid; a
payment stands for one ticket, whatever the day, and only an approved one for its service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

from protos.okno.v1 import payments_pb2, payments_pb2_grpc, queue_pb2
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device
from tests.hub.test_appointments_api import refusal
from tests.hub.test_payment_binding import begin

if TYPE_CHECKING:
    from protos.okno.v1.payments_pb2_grpc import PaymentsAsyncStub

APPROVED = payments_pb2.PAYMENT_STATE_APPROVED


async def paid(
    terminal: PaymentsAsyncStub, key: str, state: payments_pb2.PaymentState.ValueType = APPROVED
) -> int:
    """A payment of the state duty, settled as the terminal ended it."""
    begun = await terminal.Begin(begin(key))
    await terminal.Settle(
        payments_pb2.SettlePaymentRequest(
            payment_id=begun.payment_id, state=state, terminal_receipt="7", terminal_trace="70"
        )
    )
    return begun.payment_id


@asynccontextmanager
async def terminal_of(served: Served, folder: Path) -> AsyncIterator[PaymentsAsyncStub]:
    """The payments service as payment terminal T-1 calls it."""
    async with device(served, folder, "payment_terminal", "T-1") as channel:
        yield payments_pb2_grpc.PaymentsStub(channel)


async def issue(
    served: Served, payment_id: int, request_id: str, service: str = "state-duty"
) -> queue_pb2.IssueTicketResponse:
    return await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(
            request_id=request_id, service_id=service, payment_id=payment_id
        )
    )


async def test_a_paid_ticket_names_its_payment_and_a_retry_gets_the_same(
    served: Served, tmp_path: Path
) -> None:
    async with terminal_of(served, tmp_path) as terminal:
        payment_id = await paid(terminal, "kiosk-1:paid")
    issued = await issue(served, payment_id, "tap-1")
    assert issued.ticket.payment_id == payment_id
    again = await issue(served, payment_id, "tap-1")
    assert again.ticket.id == issued.ticket.id
    fetched = await served.queue.GetTicket(queue_pb2.GetTicketRequest(ticket_id=issued.ticket.id))
    assert fetched.payment_id == payment_id


async def test_a_payment_stands_for_one_ticket_today_and_on_later_days(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        async with terminal_of(served, tmp_path) as terminal:
            payment_id = await paid(terminal, "kiosk-1:once")
        await issue(served, payment_id, "tap-1")
        status, message, code = await refusal(issue(served, payment_id, "tap-2"))
        assert (status, code) == (grpc.StatusCode.FAILED_PRECONDITION, "payment_used")
        assert "already used for ticket" in message
    clock.advance(24 * 60)
    # The next morning yesterday's tickets are only in the database, which is asked.
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        status, message, code = await refusal(issue(served, payment_id, "tap-3"))
    assert (status, code) == (grpc.StatusCode.FAILED_PRECONDITION, "payment_used")
    assert "on an earlier day" in message


async def test_only_an_approved_payment_of_the_same_service_counts(
    served: Served, tmp_path: Path
) -> None:
    async with terminal_of(served, tmp_path) as terminal:
        declined = await paid(terminal, "kiosk-1:declined", payments_pb2.PAYMENT_STATE_DECLINED)
        approved = await paid(terminal, "kiosk-1:other")
    status, _, code = await refusal(issue(served, declined, "tap-1"))
    assert (status, code) == (grpc.StatusCode.FAILED_PRECONDITION, "payment_not_approved")
    status, _, code = await refusal(issue(served, approved, "tap-2", service="egrn"))
    assert (status, code) == (grpc.StatusCode.FAILED_PRECONDITION, "payment_other_service")
    status, _, code = await refusal(issue(served, 999, "tap-3"))
    assert (status, code) == (grpc.StatusCode.NOT_FOUND, "unknown_payment")
