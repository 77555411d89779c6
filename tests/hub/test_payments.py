"""Card payments on the hub: the state machine, one record per key, recovery after a crash."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import grpc
import pytest

from hub.domain.payments import (
    Payment,
    PaymentState,
    Settlement,
    TerminalTransaction,
    resolve,
    settle,
)
from hub.errors import IllegalTransition, InvalidRequest
from hub.store import payments as store
from payment_terminal.adapter import SaleOutcome, SaleStatus, ZvtAdapter
from payment_terminal.sim import Mode, SimulatedTerminal
from protos.okno.v1 import payments_pb2, payments_pb2_grpc
from tests.hub.conftest import Served, SteppedClock, serve_hub

P = PaymentState
TERMINAL = "payment_terminal-T-1"


def pending(amount: int = 500_00) -> Payment:
    return Payment(7, "k1", "passport", amount, "Госпошлина", False, TERMINAL, 1)


def after(state: PaymentState) -> Payment:
    payment = pending()
    if state is P.PENDING:
        return payment
    if state is not P.UNKNOWN and state is not P.REVERSED:
        return settle(payment, Settlement(state, terminal_receipt="1"), 2)
    payment = settle(payment, Settlement(P.UNKNOWN), 2)
    if state is P.REVERSED:
        payment = settle(payment, Settlement(P.REVERSED), 3)
    return payment


ALLOWED = {
    (P.PENDING, P.APPROVED),
    (P.PENDING, P.DECLINED),
    (P.PENDING, P.CANCELLED),
    (P.PENDING, P.UNKNOWN),
    (P.PENDING, P.REVERSED),
    (P.UNKNOWN, P.APPROVED),
    (P.UNKNOWN, P.REVERSED),
}


@pytest.mark.parametrize("start", list(PaymentState))
@pytest.mark.parametrize("to", [s for s in PaymentState if s is not P.PENDING])
def test_state_machine_table(start: PaymentState, to: PaymentState) -> None:
    payment = after(start)
    settlement = Settlement(to, 0, "changed", "", "", "2")
    if (start, to) in ALLOWED:
        settled = settle(payment, settlement, 10)
        assert (settled.state, settled.settled_at_ms, settled.terminal_receipt) == (to, 10, "2")
    else:
        with pytest.raises(IllegalTransition):
            settle(payment, settlement, 10)


def test_the_same_settlement_again_changes_nothing() -> None:
    approved = settle(pending(), Settlement(P.APPROVED, terminal_receipt="1"), 2)
    assert settle(approved, approved.settlement(), 99) is approved


def test_approval_needs_a_receipt() -> None:
    with pytest.raises(InvalidRequest, match="receipt"):
        settle(pending(), Settlement(P.APPROVED), 2)


def test_resolve_by_the_terminals_last_transaction() -> None:
    unknown = after(P.UNKNOWN)
    mine = TerminalTransaction(500_00, "4", "9", "52001233")
    confirmed = resolve(unknown, mine, set())
    assert (confirmed.state, confirmed.terminal_receipt) == (P.APPROVED, "4")
    assert resolve(unknown, mine, {"4"}).state is P.REVERSED  # someone else's receipt
    assert resolve(unknown, TerminalTransaction(1, "5"), set()).state is P.REVERSED
    assert resolve(unknown, None, set()).state is P.REVERSED
    with pytest.raises(IllegalTransition):
        resolve(after(P.APPROVED), mine, set())


def begin_request(key: str = "kiosk-1:0001") -> payments_pb2.BeginPaymentRequest:
    return payments_pb2.BeginPaymentRequest(
        idempotency_key=key,
        service_id="passport",
        amount_kopecks=500_00,
        purpose="Государственная пошлина за выдачу паспорта",
        terminal_id=TERMINAL,
    )


async def test_begin_twice_gives_one_record(served: Served) -> None:
    stub = payments_pb2_grpc.PaymentsStub(served.channel)
    first, second = await asyncio.gather(stub.Begin(begin_request()), stub.Begin(begin_request()))
    assert first.payment_id == second.payment_id
    assert sorted([first.created, second.created]) == [False, True]
    assert first.state == payments_pb2.PAYMENT_STATE_PENDING
    listed = await stub.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert [p.payment_id for p in listed.payments] == [first.payment_id]
    other = begin_request()
    other.amount_kopecks = 1
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Begin(other)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_settle_and_refusals(served: Served) -> None:
    stub = payments_pb2_grpc.PaymentsStub(served.channel)
    begun = await stub.Begin(begin_request())
    settle_request = payments_pb2.SettlePaymentRequest(
        payment_id=begun.payment_id,
        state=payments_pb2.PAYMENT_STATE_DECLINED,
        result_code=5,
        reason="отказ банка",
    )
    declined = await stub.Settle(settle_request)
    assert declined.state == payments_pb2.PAYMENT_STATE_DECLINED
    assert (await stub.Settle(settle_request)) == declined
    settle_request.state = payments_pb2.PAYMENT_STATE_APPROVED
    settle_request.terminal_receipt = "1"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Settle(settle_request)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    settle_request.payment_id = 999
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Settle(settle_request)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def _settle_request(payment_id: int, outcome: SaleOutcome) -> payments_pb2.SettlePaymentRequest:
    states = {
        SaleStatus.APPROVED: payments_pb2.PAYMENT_STATE_APPROVED,
        SaleStatus.DECLINED: payments_pb2.PAYMENT_STATE_DECLINED,
        SaleStatus.CANCELLED: payments_pb2.PAYMENT_STATE_CANCELLED,
        SaleStatus.TERMINAL_ERROR: payments_pb2.PAYMENT_STATE_DECLINED,
        SaleStatus.UNKNOWN: payments_pb2.PAYMENT_STATE_UNKNOWN,
    }
    return payments_pb2.SettlePaymentRequest(
        payment_id=payment_id,
        state=states[outcome.status],
        result_code=outcome.result_code,
        reason=outcome.reason,
        terminal_serial=outcome.terminal_id,
        terminal_trace=outcome.trace,
        terminal_receipt=outcome.receipt,
    )


async def pay(stub: payments_pb2_grpc.PaymentsAsyncStub, zvt: ZvtAdapter, key: str) -> int:
    """An agent's sale: Begin, and only a fresh PENDING goes to the terminal."""
    begun = await stub.Begin(begin_request(key))
    if not begun.created:
        return begun.payment_id  # the sale may be out already: resolve it, never resend
    outcome = await asyncio.to_thread(zvt.sale, begun.amount_kopecks, str(begun.payment_id))
    await stub.Settle(_settle_request(begun.payment_id, outcome))
    return begun.payment_id


async def recover(
    served: Served, stub: payments_pb2_grpc.PaymentsAsyncStub, zvt: ZvtAdapter
) -> None:
    """What the agent does at start: resolve every unresolved payment by asking the terminal."""
    listed = await stub.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    for found in listed.payments:
        last = await asyncio.to_thread(zvt.last_transaction)
        claimed = await served.hub.read_store(lambda r: store.claimed_receipts(r, TERMINAL))
        payment = await served.hub.read_store(
            functools.partial(store.payment, payment_id=found.payment_id)
        )
        tx = (
            None
            if last is None
            else TerminalTransaction(last.amount, last.receipt, last.trace, last.terminal_id)
        )
        decided = resolve(payment, tx, claimed)
        request = payments_pb2.SettlePaymentRequest(
            payment_id=found.payment_id,
            state=payments_pb2.PAYMENT_STATE_APPROVED
            if decided.state is P.APPROVED
            else payments_pb2.PAYMENT_STATE_REVERSED,
            reason=decided.reason,
            terminal_serial=decided.terminal_serial,
            terminal_trace=decided.terminal_trace,
            terminal_receipt=decided.terminal_receipt,
        )
        await stub.Settle(request)


async def test_crash_after_the_charge_is_resolved_and_never_charged_twice(
    config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hub.db"
    with SimulatedTerminal() as sim:
        zvt = ZvtAdapter.open(
            f"serial://{sim.port_path}?baudrate=9600", ack_timeout=0.3, answer_timeout=0.4
        )
        try:
            # The hub records the payment, the card is charged, then the hub dies before
            # the outcome is settled.
            async with serve_hub(config_file, db, SteppedClock()) as served:
                stub = payments_pb2_grpc.PaymentsStub(served.channel)
                begun = await stub.Begin(begin_request("kiosk-1:0002"))
                charged = await asyncio.to_thread(zvt.sale, 500_00, str(begun.payment_id))
                assert charged.status is SaleStatus.APPROVED
            # A second payment whose sale got no clear answer: UNKNOWN, nothing charged.
            sim.mode = Mode.SILENT
            async with serve_hub(config_file, db, SteppedClock()) as served:
                stub = payments_pb2_grpc.PaymentsStub(served.channel)
                await recover(served, stub, zvt)
                first = await stub.Begin(begin_request("kiosk-1:0002"))
                assert first.state == payments_pb2.PAYMENT_STATE_APPROVED
                assert first.terminal_receipt == charged.receipt
                # The kiosk retries its request: the same record, no second sale.
                assert await pay(stub, zvt, "kiosk-1:0002") == first.payment_id
                assert len(sim.ledger) == 1
                second = await pay(stub, zvt, "kiosk-1:0003")
                listed = await stub.ListUnresolved(
                    payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL)
                )
                assert [p.state for p in listed.payments] == [payments_pb2.PAYMENT_STATE_UNKNOWN]
            sim.mode = Mode.APPROVE
            async with serve_hub(config_file, db, SteppedClock()) as served:
                stub = payments_pb2_grpc.PaymentsStub(served.channel)
                await recover(served, stub, zvt)
                again = await stub.Begin(begin_request("kiosk-1:0003"))
                assert again.payment_id == second
                # The terminal's last transaction is the first payment's: not this one.
                assert again.state == payments_pb2.PAYMENT_STATE_REVERSED
                assert await pay(stub, zvt, "kiosk-1:0003") == second
        finally:
            zvt.close()
        assert len(sim.ledger) == 1
        assert sim.charged() == 500_00
