"""Payments that cannot be forged, over real gRPC with real device certificates: a payment
is bound to the terminal that began it, a ticket takes only the service's configured fee,
and a resolve needs the terminal's own record."""

from __future__ import annotations

from pathlib import Path

import grpc

from protos.okno.v1 import payments_pb2, payments_pb2_grpc, queue_pb2, queue_pb2_grpc
from tests.hub.conftest import Served
from tests.hub.devices import device, refused

FEE = 50_000  # examples/branch.toml: the state duty is 500 ₽
APPROVED = payments_pb2.PAYMENT_STATE_APPROVED
NOT_YOURS = (grpc.StatusCode.PERMISSION_DENIED, "not_your_payment")
T1 = "payment_terminal-T-1"


def begin(key: str, amount: int = FEE, terminal: str = T1) -> payments_pb2.BeginPaymentRequest:
    """A Begin naming its own terminal, with a purpose of the caller's (which the hub drops)."""
    return payments_pb2.BeginPaymentRequest(
        idempotency_key=key,
        service_id="state-duty",
        amount_kopecks=amount,
        purpose="Иванов И.И. +79161234567",
        terminal_id=terminal,
    )


def approve(
    payment_id: int, receipt: str, serial: str = "TID-1"
) -> payments_pb2.SettlePaymentRequest:
    return payments_pb2.SettlePaymentRequest(
        payment_id=payment_id,
        state=APPROVED,
        terminal_serial=serial,
        terminal_trace=receipt,
        terminal_receipt=receipt,
    )


async def test_another_terminal_cannot_settle_or_resolve_a_payment_it_did_not_begin(
    served: Served, tmp_path: Path
) -> None:
    async with (
        device(served, tmp_path, "payment_terminal", "T-1") as mine,
        device(served, tmp_path, "payment_terminal", "T-2") as other,
    ):
        own = payments_pb2_grpc.PaymentsStub(mine)
        thief = payments_pb2_grpc.PaymentsStub(other)
        begun = await own.Begin(begin("k-1"))
        assert await refused(thief.Settle(approve(begun.payment_id, "1"))) == NOT_YOURS
        resolve = payments_pb2.ResolvePaymentRequest(payment_id=begun.payment_id)
        assert await refused(thief.Resolve(resolve)) == NOT_YOURS
        listed = payments_pb2.ListUnresolvedRequest(terminal_id=T1)
        assert await refused(thief.ListUnresolved(listed)) == NOT_YOURS
        # Nor may it begin a payment in another terminal's name.
        assert await refused(thief.Begin(begin("k-2"))) == NOT_YOURS
        assert not (await thief.ListUnresolved(payments_pb2.ListUnresolvedRequest())).payments
        assert (await own.Settle(approve(begun.payment_id, "1"))).state == APPROVED
        # A Begin that names no terminal is bound to the one asking.
        unnamed = await own.Begin(begin("k-3", terminal=""))
        assert unnamed.terminal_id == T1
        await own.Settle(approve(unnamed.payment_id, "3"))
    admin = payments_pb2_grpc.PaymentsStub(served.channel)
    left = await admin.ListUnresolved(listed)
    assert not left.payments


async def test_a_one_kopeck_payment_cannot_pay_a_500_rouble_state_duty(
    served: Served, tmp_path: Path
) -> None:
    wrong = (grpc.StatusCode.INVALID_ARGUMENT, "wrong_fee")
    async with (
        device(served, tmp_path, "payment_terminal", "T-1") as terminal,
        device(served, tmp_path, "kiosk", "K-1") as kiosk,
    ):
        payments = payments_pb2_grpc.PaymentsStub(terminal)
        # A payment is exactly its service's fee from the hub's configuration: not one kopeck,
        # not a free service's, not 2^63-1.
        assert await refused(payments.Begin(begin("k-1", amount=1))) == wrong
        assert await refused(payments.Begin(begin("k-1", amount=2**63 - 1))) == wrong
        free = payments_pb2.BeginPaymentRequest(
            idempotency_key="k-3", service_id="passport", amount_kopecks=1
        )
        assert await refused(payments.Begin(free)) == wrong
        paid = await payments.Begin(begin("k-2"))
        await payments.Settle(approve(paid.payment_id, "2"))
        tickets = queue_pb2_grpc.QueueServiceStub(kiosk)
        fair = queue_pb2.IssueTicketRequest(service_id="state-duty", payment_id=paid.payment_id)
        issued = await tickets.IssueTicket(fair)
    # The purpose is the configuration's, whatever the caller typed.
    assert (paid.amount_kopecks, paid.purpose) == (FEE, "Госпошлина за выдачу выписки")
    assert issued.ticket.payment_id == paid.payment_id
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.payment_id for t in state.tickets] == [paid.payment_id]


async def test_a_resolve_with_an_invented_transaction_is_refused(
    served: Served, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "payment_terminal", "T-1") as terminal:
        payments = payments_pb2_grpc.PaymentsStub(terminal)
        earlier = await payments.Begin(begin("k-1"))
        await payments.Settle(approve(earlier.payment_id, "1"))
        lost = await payments.Begin(begin("k-2"))
        unknown = payments_pb2.SettlePaymentRequest(
            payment_id=lost.payment_id, state=payments_pb2.PAYMENT_STATE_UNKNOWN
        )
        await payments.Settle(unknown)
        invented = payments_pb2.TerminalTransaction(
            amount_kopecks=FEE, terminal_receipt="999", terminal_trace="999", terminal_serial="X"
        )
        without_receipt = payments_pb2.TerminalTransaction(
            amount_kopecks=FEE, terminal_serial="TID-1"
        )
        for last in (invented, without_receipt):
            request = payments_pb2.ResolvePaymentRequest(payment_id=lost.payment_id, last=last)
            refusal = await refused(payments.Resolve(request))
            assert refusal == (grpc.StatusCode.FAILED_PRECONDITION, "unknown_transaction")
        assert (await payments.ListUnresolved(payments_pb2.ListUnresolvedRequest())).payments
        own = payments_pb2.TerminalTransaction(
            amount_kopecks=FEE, terminal_receipt="2", terminal_trace="2", terminal_serial="TID-1"
        )
        resolved = await payments.Resolve(
            payments_pb2.ResolvePaymentRequest(payment_id=lost.payment_id, last=own)
        )
    assert resolved.payment.state == APPROVED
    assert resolved.payment.terminal_receipt == "2"
