"""A payment is approved only at the amount and currency the terminal reports it charged.

The simulated terminal is made faulty (``charge_as``): asked for 500.00 RUB, it charges
and reports another amount or currency. On every path the agent and the hub take such an
approval for what it is, a charge that is not this payment's: reversed at the terminal
with a real ZVT reversal, never APPROVED.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from payment_terminal import outcomes
from payment_terminal.adapter import SaleOutcome, SaleStatus, ZvtAdapter
from payment_terminal.agent import PaidState, PaymentAgent, receipt
from payment_terminal.sim import Mode, SimulatedTerminal
from protos.okno.v1 import payments_pb2, payments_pb2_grpc
from tests.hub.conftest import Served
from tests.payment_terminal.conftest import TERMINAL
from tests.payment_terminal.test_agent import DUTY, SALE_TIME, agent_for, settled_events

EURO = 978


@pytest.fixture
def euro_40() -> Iterator[SimulatedTerminal]:
    """The issue's terminal: asked for 500.00 RUB, it approves 40.00 EUR."""
    with SimulatedTerminal(clock=lambda: SALE_TIME, charge_as=(40_00, EURO)) as terminal:
        yield terminal


async def test_an_approval_of_another_amount_and_currency_is_reversed_never_approved(
    served: Served,
    euro_40: SimulatedTerminal,
    terminal: grpc.aio.Channel,
) -> None:
    agent = agent_for(terminal, euro_40)
    try:
        paid = await agent.pay(DUTY, print)
    finally:
        await agent.close()

    assert paid.state is PaidState.REVERSED
    assert paid.reason_en == "Not confirmed and reversed; the money is returned to the card"
    assert paid.receipt_lines == ()  # no receipt of an approval
    assert euro_40.ledger[0].reversed and euro_40.charged() == 0
    assert euro_40.commands.count(b"\x06\x30") == 1
    [event] = settled_events(served)
    assert (event["state"], event["terminal_receipt"]) == ("reversed", "1")
    stub = payments_pb2_grpc.PaymentsStub(terminal)
    kept = await stub.Begin(_begin("kiosk-01:0001"))  # the same key: the record kept
    assert kept.state == payments_pb2.PAYMENT_STATE_REVERSED
    assert kept.reason.startswith("the terminal charged 40.00 EUR, not 500.00 RUB")


async def test_a_charge_in_another_currency_is_not_confirmed_by_the_repeat_receipt(
    served: Served,
    terminal: grpc.aio.Channel,
) -> None:
    # The same amount in euros, and the link drops before the result: the agent resolves
    # it from the terminal's last transaction, which the hub must not take as this one's.
    with SimulatedTerminal(Mode.DROP, charge_as=(500_00, EURO)) as sim:
        agent = agent_for(terminal, sim)
        try:
            paid = await agent.pay(DUTY, print)
        finally:
            await agent.close()
        assert sim.ledger[0].reversed and sim.charged() == 0

    assert paid.state is PaidState.REVERSED
    assert [e["state"] for e in settled_events(served)] == ["reversed"]


async def test_recovery_after_a_crash_reverses_a_charge_in_another_currency(
    served: Served,
    terminal: grpc.aio.Channel,
) -> None:
    stub = payments_pb2_grpc.PaymentsStub(terminal)
    begun = await stub.Begin(_begin("kiosk-01:0009"))
    with SimulatedTerminal(charge_as=(500_00, EURO)) as sim:
        # The agent that recorded the payment sent the sale and died before the answer.
        zvt = ZvtAdapter.open(f"serial://{sim.port_path}", ack_timeout=0.3, answer_timeout=0.6)
        zvt.sale(500_00, str(begun.payment_id))
        zvt.close()
        agent = agent_for(terminal, sim)
        try:
            [resolved] = await agent.recover()
        finally:
            await agent.close()
        assert sim.charged() == 0

    assert (resolved.payment_id, resolved.state) == (begun.payment_id, PaidState.REVERSED)
    assert "reversed at the terminal" in resolved.reason


async def test_the_hub_refuses_to_approve_a_charge_of_another_amount(
    served: Served, terminal: grpc.aio.Channel
) -> None:
    stub = payments_pb2_grpc.PaymentsStub(terminal)
    begun = await stub.Begin(_begin("kiosk-01:0003"))
    approve = payments_pb2.SettlePaymentRequest(
        payment_id=begun.payment_id,
        state=payments_pb2.PAYMENT_STATE_APPROVED,
        terminal_receipt="1",
        amount_kopecks=40_00,
        currency=EURO,
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.Settle(approve)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "never approve it" in (refused.value.details() or "")

    approve.amount_kopecks, approve.currency = 500_00, 643
    assert (await stub.Settle(approve)).state == payments_pb2.PAYMENT_STATE_APPROVED


def test_the_receipt_prints_the_currency_the_terminal_reported() -> None:
    charged = SaleOutcome(
        SaleStatus.APPROVED, amount=40_00, currency=EURO, terminal_id="52001233", trace="1"
    )
    assert outcomes.terminal_slip(charged)[0] == "Сумма: 40.00 EUR"
    paid = outcomes.paid(5, SaleOutcome(SaleStatus.APPROVED, amount=500_00, receipt="1"))
    assert receipt(DUTY, paid)[4] == "Сумма: 500.00 RUB"


def _begin(key: str) -> payments_pb2.BeginPaymentRequest:
    return payments_pb2.BeginPaymentRequest(
        idempotency_key=key,
        service_id=DUTY.service_id,
        amount_kopecks=DUTY.amount_kopecks,
        purpose=DUTY.purpose,
        terminal_id=TERMINAL,
        payer_identified=DUTY.payer_identified,
    )


class FakeTerminal:
    """A terminal that approves another amount and names no receipt: nothing to reverse."""

    def __init__(self) -> None:
        self.reversals: list[str] = []

    def register(self) -> None:
        return None

    def sale(self, amount: int, reference: str, on_prompt: object = None) -> SaleOutcome:
        return SaleOutcome(SaleStatus.APPROVED, amount=40_00, currency=EURO)

    def reversal(self, receipt: str) -> SaleOutcome:
        self.reversals.append(receipt)
        return SaleOutcome(SaleStatus.UNKNOWN, "not reached")

    def last_transaction(self) -> SaleOutcome | None:
        return SaleOutcome(SaleStatus.APPROVED, amount=40_00, currency=EURO)

    def close(self) -> None:
        return None


async def test_a_wrong_approval_that_cannot_be_reversed_is_held_unknown(
    served: Served, terminal: grpc.aio.Channel
) -> None:
    fake = FakeTerminal()
    agent = PaymentAgent(terminal, TERMINAL, lambda: fake)
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.UNKNOWN  # held: the visitor is sent to staff
    assert paid.reason_ru == "Результат оплаты пока неизвестен, обратитесь к сотруднику"
    assert fake.reversals == []
    listed = await payments_pb2_grpc.PaymentsStub(terminal).ListUnresolved(
        payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL)
    )
    [held] = listed.payments
    assert held.state == payments_pb2.PAYMENT_STATE_UNKNOWN
    assert held.reason.startswith("the terminal charged 40.00 EUR, not 500.00 RUB")
    assert settled_events(served) == []
