"""Card payments on the hub: the state machine, one record per key, recovery after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from hub.domain.payments import (
    MAX_AMOUNT,
    Payment,
    PaymentState,
    Settlement,
    TerminalTransaction,
    Verdict,
    check_newest,
    judge,
    resolve,
    settle,
)
from hub.errors import IllegalTransition, InvalidRequest
from protos.okno.v1 import payments_pb2, payments_pb2_grpc
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device
from tests.hub.test_payment_binding import FEE, begin

if TYPE_CHECKING:
    from protos.okno.v1.payments_pb2_grpc import PaymentsAsyncStub

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
    assert confirmed is not None
    assert (confirmed.state, confirmed.terminal_receipt) == (P.APPROVED, "4")
    assert judge(unknown, mine, {("4", "9")}) is Verdict.NOT_CHARGED  # someone else's charge
    # The same receipt number on another day (receipts start again after end of day, the
    # trace runs on): not someone else's, so this payment's.
    assert judge(unknown, mine, {("4", "3")}) is Verdict.CONFIRMED
    # A charge nobody holds, of another amount: reversed at the terminal first.
    assert judge(unknown, TerminalTransaction(1, "5"), set()) is Verdict.REVERSE
    assert resolve(unknown, TerminalTransaction(1, "5"), set()) is None
    not_charged = resolve(unknown, None, set())
    assert not_charged is not None
    assert not_charged.state is P.REVERSED
    with pytest.raises(IllegalTransition):
        resolve(after(P.APPROVED), mine, set())


def test_only_the_newest_unresolved_payment_of_a_terminal_may_be_resolved() -> None:
    older, newer = after(P.UNKNOWN), replace(pending(), id=8)
    with pytest.raises(IllegalTransition, match="payment 8 of this terminal is newer"):
        check_newest(older, [older, newer])
    check_newest(newer, [older, newer])
    # A payment already final is answered as it is, whatever is newer.
    check_newest(after(P.APPROVED), [newer])


@pytest.fixture
async def terminal(served: Served, tmp_path: Path) -> AsyncIterator[PaymentsAsyncStub]:
    """The payments service as payment terminal T-1 calls it, with its own certificate."""
    async with device(served, tmp_path, "payment_terminal", "T-1") as channel:
        yield payments_pb2_grpc.PaymentsStub(channel)


def begin_request(key: str = "kiosk-1:0001") -> payments_pb2.BeginPaymentRequest:
    """A Begin of the state duty's fee, as terminal T-1 sends it."""
    return begin(key, terminal=TERMINAL)


async def test_begin_twice_gives_one_record(terminal: PaymentsAsyncStub) -> None:
    first, second = await asyncio.gather(
        terminal.Begin(begin_request()), terminal.Begin(begin_request())
    )
    assert first.payment_id == second.payment_id
    assert sorted([first.created, second.created]) == [False, True]
    assert first.state == payments_pb2.PAYMENT_STATE_PENDING
    listed = await terminal.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert [p.payment_id for p in listed.payments] == [first.payment_id]
    other = begin_request()
    other.amount_kopecks = 1
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await terminal.Begin(other)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_settle_and_refusals(terminal: PaymentsAsyncStub) -> None:
    begun = await terminal.Begin(begin_request())
    settle_request = payments_pb2.SettlePaymentRequest(
        payment_id=begun.payment_id,
        state=payments_pb2.PAYMENT_STATE_DECLINED,
        result_code=5,
        reason="отказ банка",
    )
    declined = await terminal.Settle(settle_request)
    assert declined.state == payments_pb2.PAYMENT_STATE_DECLINED
    assert (await terminal.Settle(settle_request)) == declined
    settle_request.state = payments_pb2.PAYMENT_STATE_APPROVED
    settle_request.terminal_receipt = "1"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await terminal.Settle(settle_request)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    settle_request.payment_id = 999
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await terminal.Settle(settle_request)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def last(amount: int, receipt: str) -> payments_pb2.TerminalTransaction:
    return payments_pb2.TerminalTransaction(amount_kopecks=amount, terminal_receipt=receipt)


async def test_resolve_decides_newest_first_and_names_a_charge_to_reverse(
    terminal: PaymentsAsyncStub,
) -> None:
    older = await terminal.Begin(begin_request("kiosk-1:0001"))
    newer = await terminal.Begin(begin_request("kiosk-1:0002"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await terminal.Resolve(payments_pb2.ResolvePaymentRequest(payment_id=older.payment_id))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "resolve the newest first" in (caught.value.details() or "")

    # The terminal's last sale is of another amount and nobody's: reverse it first.
    answer = await terminal.Resolve(
        payments_pb2.ResolvePaymentRequest(payment_id=newer.payment_id, last=last(1_00, "7"))
    )
    assert answer.reverse_receipt == "7"
    assert answer.payment.state == payments_pb2.PAYMENT_STATE_PENDING
    await terminal.Settle(
        payments_pb2.SettlePaymentRequest(
            payment_id=newer.payment_id,
            state=payments_pb2.PAYMENT_STATE_REVERSED,
            terminal_receipt="7",
        )
    )
    # Receipt 7 is held now: the older payment was never charged.
    answer = await terminal.Resolve(
        payments_pb2.ResolvePaymentRequest(payment_id=older.payment_id, last=last(1_00, "7"))
    )
    assert (answer.payment.state, answer.reverse_receipt) == (
        payments_pb2.PAYMENT_STATE_REVERSED,
        "",
    )


async def test_resolve_confirms_the_payments_own_charge(terminal: PaymentsAsyncStub) -> None:
    begun = await terminal.Begin(begin_request())
    answer = await terminal.Resolve(
        payments_pb2.ResolvePaymentRequest(payment_id=begun.payment_id, last=last(500_00, "3"))
    )
    assert answer.payment.state == payments_pb2.PAYMENT_STATE_APPROVED
    assert answer.payment.terminal_receipt == "3"


def test_a_charge_in_another_currency_is_never_this_payments() -> None:
    unknown = after(P.UNKNOWN)
    euro = TerminalTransaction(500_00, "4", "9", "52001233", currency=978)
    assert judge(unknown, euro, set()) is Verdict.REVERSE
    assert resolve(unknown, euro, set()) is None  # reverse it first
    assert judge(unknown, replace(euro, currency=643), set()) is Verdict.CONFIRMED
    assert judge(unknown, replace(euro, currency=0), set()) is Verdict.CONFIRMED  # not told


async def refusal(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


@pytest.mark.parametrize("amount", [0, -1, 1, FEE - 1, FEE + 1, MAX_AMOUNT + 1, 2**63 - 1])
async def test_an_amount_other_than_the_services_fee_is_refused(
    terminal: PaymentsAsyncStub, amount: int
) -> None:
    asked = begin_request()
    asked.amount_kopecks = amount
    refused = await refusal(terminal.Begin(asked))
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"state-duty costs {FEE} kopecks in the hub's configuration, not {amount}" in (
        refused.details() or ""
    )
    listed = await terminal.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert list(listed.payments) == []


@pytest.fixture
def largest_fee(config_file: Path) -> Path:
    """The example branch with the state duty at the largest fee a terminal may take."""
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(
        text.replace(f"fee_kopecks = {FEE}", f"fee_kopecks = {MAX_AMOUNT}"), encoding="utf-8"
    )
    return config_file


async def test_the_largest_fee_is_taken(largest_fee: Path, tmp_path: Path) -> None:
    async with (
        serve_hub(largest_fee, tmp_path / "hub.db", SteppedClock()) as served,
        device(served, tmp_path, "payment_terminal", "T-1") as channel,
    ):
        begun = await payments_pb2_grpc.PaymentsStub(channel).Begin(begin("k-1", MAX_AMOUNT))
    assert begun.amount_kopecks == MAX_AMOUNT


async def test_a_charged_or_last_amount_out_of_range_is_refused_and_nothing_settled(
    terminal: PaymentsAsyncStub,
) -> None:
    begun = await terminal.Begin(begin_request())
    huge = 2**63 - 1
    settled = await refusal(
        terminal.Settle(
            payments_pb2.SettlePaymentRequest(
                payment_id=begun.payment_id,
                state=payments_pb2.PAYMENT_STATE_DECLINED,
                amount_kopecks=huge,
            )
        )
    )
    resolved = await refusal(
        terminal.Resolve(
            payments_pb2.ResolvePaymentRequest(payment_id=begun.payment_id, last=last(huge, "7"))
        )
    )
    for refused, field in ((settled, "amount_kopecks"), (resolved, "last.amount_kopecks")):
        assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert f"{field} must be 1..{MAX_AMOUNT} kopecks" in (refused.details() or "")
    listed = await terminal.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert [p.state for p in listed.payments] == [payments_pb2.PAYMENT_STATE_PENDING]


async def test_a_receipt_nested_in_the_last_transaction_is_bounded_like_any_field(
    terminal: PaymentsAsyncStub,
) -> None:
    begun = await terminal.Begin(begin_request())
    receipt = "9" * (3 * 2**20)
    refused = await refusal(
        terminal.Resolve(
            payments_pb2.ResolvePaymentRequest(
                payment_id=begun.payment_id, last=last(500_00, receipt)
            )
        )
    )
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"terminal_receipt is {len(receipt)} characters long; at most 64" in (
        refused.details() or ""
    )
    listed = await terminal.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert [p.state for p in listed.payments] == [payments_pb2.PAYMENT_STATE_PENDING]
