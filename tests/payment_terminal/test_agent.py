"""The payment agent against a real hub on loopback and the simulated terminal on a pty."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from datetime import datetime
from typing import Any

import grpc
import pytest

from payment_terminal.adapter import ZvtAdapter
from payment_terminal.agent import Charge, PaidState, PaymentAgent, receipt
from payment_terminal.messages import KIOSK_RECEIPTS, TERMINAL_PRINT_LINES
from payment_terminal.sim import Mode, SimulatedTerminal
from protos.okno.v1 import payments_pb2, payments_pb2_grpc
from tests.hub.conftest import Served
from tests.payment_terminal.conftest import TERMINAL

DUTY = Charge("kiosk-01:0001", "state-duty", 500_00, "Госпошлина за выдачу выписки", False)


SALE_TIME = datetime(2026, 11, 23, 15, 30, 12)


@pytest.fixture
def sim() -> Iterator[SimulatedTerminal]:
    with SimulatedTerminal(clock=lambda: SALE_TIME) as terminal:
        yield terminal


def agent_for(
    channel: grpc.aio.Channel, sim: SimulatedTerminal, config: int = KIOSK_RECEIPTS
) -> PaymentAgent:
    return PaymentAgent.zvt(
        channel,
        TERMINAL,
        f"serial://{sim.port_path}?baudrate=9600",
        ack_timeout=0.3,
        answer_timeout=0.6,
        config=config,
    )


@pytest.fixture
async def agent(sim: SimulatedTerminal, terminal: grpc.aio.Channel) -> AsyncIterator[PaymentAgent]:
    made = agent_for(terminal, sim)
    yield made
    await made.close()


def charge(key: str, amount: int = 500_00) -> Charge:
    return Charge(key, "state-duty", amount, "Госпошлина за выдачу выписки", True)


def settled_events(served: Served) -> list[dict[str, Any]]:
    """The payment_settled payloads in the hub's event log, as the back office reads them."""
    with closing(sqlite3.connect(served.db)) as db:
        rows = db.execute(
            "SELECT payload FROM events WHERE kind = 'payment_settled' ORDER BY seq"
        ).fetchall()
    return [json.loads(payload)["payment"] for (payload,) in rows]


async def test_approved_sale_with_prompts_receipt_and_event(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent
) -> None:
    prompts: list[str] = []
    paid = await agent.pay(DUTY, prompts.append)

    assert paid.state is PaidState.APPROVED
    assert prompts == ["Вставьте карту", "Введите PIN"]
    assert (paid.reason_ru, paid.reason_en) == ("Оплата прошла", "Payment approved")
    assert sim.charged() == 500_00
    # Registered for kiosk receipts: no print lines; the receipt from the status information.
    assert sim.commands[0] == b"\x06\x00" and sim.config == KIOSK_RECEIPTS
    assert receipt(DUTY, paid) == (
        "Госпошлина за выдачу выписки",
        "Сумма: 500.00 руб.",
        f"Платёж № {paid.payment_id}",
        "",
        "Сумма: 500.00 RUB",
        f"Терминал: {sim.terminal_id}",
        "Операция № 1, чек № 1",
        "Дата и время: 23.11 15:30:12",
        "Карта: MIR",
        "ОДОБРЕНО",
    )
    events = settled_events(served)
    assert events == [
        {
            "payment_id": paid.payment_id,
            "state": "approved",
            "amount_kopecks": 500_00,
            "service_id": "state-duty",
            "purpose": "Госпошлина за выдачу выписки",
            "payer_identified": False,
            "terminal_id": TERMINAL,
            "terminal_serial": str(sim.terminal_id),
            "terminal_trace": "1",
            "terminal_receipt": "1",
        }
    ]


async def test_a_terminal_registered_for_print_lines_gives_its_own_slip(
    served: Served,
    sim: SimulatedTerminal,
    terminal: grpc.aio.Channel,
) -> None:
    agent = agent_for(terminal, sim, TERMINAL_PRINT_LINES)
    try:
        paid = await agent.pay(DUTY, print)
    finally:
        await agent.close()

    assert paid.state is PaidState.APPROVED
    assert receipt(DUTY, paid)[-2:] == ("ОПЛАТА", "Сумма: 500.00 RUB")
    assert "ОДОБРЕНО" not in receipt(DUTY, paid)


async def test_a_refusal_prints_no_approval(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent
) -> None:
    sim.mode = Mode.DECLINE
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.DECLINED
    assert paid.receipt_lines == ()


async def test_a_reopened_port_registers_again(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent
) -> None:
    sim.mode = Mode.SILENT  # unknown: the agent drops the port
    await agent.pay(charge("kiosk-01:0000"), print)
    sim.mode = Mode.APPROVE
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.APPROVED
    assert sim.commands.count(b"\x06\x00") == 2


async def test_a_retried_key_is_never_sent_again(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent
) -> None:
    first = await agent.pay(DUTY, print)
    again = await agent.pay(DUTY, print)

    assert (again.state, again.payment_id) == (PaidState.APPROVED, first.payment_id)
    assert len(sim.ledger) == 1
    assert sim.commands.count(b"\x06\x01") == 1
    assert len(settled_events(served)) == 1


@pytest.mark.parametrize(
    ("mode", "state", "reason_ru"),
    [
        (Mode.DECLINE, PaidState.DECLINED, "Отказ банка-эмитента"),
        (Mode.CANCEL, PaidState.CANCELLED, "Отменено покупателем или по тайм-ауту"),
    ],
)
async def test_refusals_end_the_payment_uncharged(
    *,
    served: Served,
    sim: SimulatedTerminal,
    agent: PaymentAgent,
    mode: Mode,
    state: PaidState,
    reason_ru: str,
) -> None:
    sim.mode = mode
    paid = await agent.pay(DUTY, print)

    assert (paid.state, paid.reason_ru) == (state, reason_ru)
    assert sim.charged() == 0
    assert [e["state"] for e in settled_events(served)] == [state.value]


async def test_a_dropped_link_after_the_charge_is_confirmed_once(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent
) -> None:
    sim.mode = Mode.DROP
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.APPROVED
    assert sim.charged() == 500_00
    assert [e["terminal_receipt"] for e in settled_events(served)] == ["1"]


@pytest.mark.parametrize("mode", [Mode.SILENT, Mode.BAD_CRC, Mode.GARBAGE])
async def test_no_clear_answer_and_no_charge_ends_reversed_as_never_charged(
    served: Served, sim: SimulatedTerminal, agent: PaymentAgent, mode: Mode
) -> None:
    await agent.pay(charge("kiosk-01:0000"), print)  # an earlier payment is the last sale
    sim.mode = mode
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.REVERSED
    assert paid.reason_en == "Not confirmed; nothing was charged"
    assert sim.charged() == 500_00  # the earlier payment only
    assert sim.commands.count(b"\x06\x30") == 0  # nothing to reverse


async def test_a_nak_storm_leaves_the_payment_unknown_until_the_line_is_clean(
    served: Served,
    sim: SimulatedTerminal,
    agent: PaymentAgent,
    terminal: grpc.aio.Channel,
) -> None:
    await agent.recover()  # registered at start
    sim.link.nak_next = 1000  # the terminal refuses every frame
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.UNKNOWN
    assert paid.reason_en.startswith("The payment's result is not known yet")
    listed = await payments_pb2_grpc.PaymentsStub(terminal).ListUnresolved(
        payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL)
    )
    [kept] = listed.payments
    assert kept.state == payments_pb2.PAYMENT_STATE_UNKNOWN
    assert kept.reason == "the other end refused the frame 3 times (NAK)"

    sim.link.nak_next = 0
    again = await agent.pay(DUTY, print)  # the kiosk asks again with the same key

    assert (again.state, again.payment_id) == (PaidState.REVERSED, paid.payment_id)
    assert sim.commands.count(b"\x06\x01") == 0  # the sale never got through
    assert sim.charged() == 0


async def test_a_charge_that_is_not_this_payment_is_reversed_at_the_terminal(
    served: Served,
    sim: SimulatedTerminal,
    terminal: grpc.aio.Channel,
) -> None:
    # A payment recorded, then the agent died; the terminal's last transaction is a
    # charge of another amount that no payment holds.
    stub = payments_pb2_grpc.PaymentsStub(terminal)
    begun = await stub.Begin(
        payments_pb2.BeginPaymentRequest(
            idempotency_key="kiosk-01:0009",
            service_id="state-duty",
            amount_kopecks=500_00,
            purpose="Госпошлина",
            terminal_id=TERMINAL,
        )
    )
    zvt = ZvtAdapter.open(f"serial://{sim.port_path}", ack_timeout=0.3, answer_timeout=0.6)
    zvt.sale(300_00, "not recorded")
    zvt.close()
    assert sim.charged() == 300_00

    agent = agent_for(terminal, sim)
    try:
        [resolved] = await agent.recover()
    finally:
        await agent.close()

    assert (resolved.payment_id, resolved.state) == (begun.payment_id, PaidState.REVERSED)
    assert "reversed at the terminal" in resolved.reason
    assert sim.ledger[0].reversed
    assert sim.charged() == 0
    assert settled_events(served)[0]["terminal_receipt"] == "1"


async def test_hub_unreachable_sends_nothing(sim: SimulatedTerminal) -> None:
    nowhere = grpc.ssl_channel_credentials()
    async with grpc.aio.secure_channel("127.0.0.1:9", nowhere) as channel:
        agent = PaymentAgent.zvt(
            channel, TERMINAL, f"serial://{sim.port_path}", ack_timeout=0.3, deadline_s=0.5
        )
        try:
            paid = await agent.pay(DUTY, print)
        finally:
            await agent.close()

    assert (paid.state, paid.payment_id) == (PaidState.UNAVAILABLE, 0)
    assert paid.reason_ru == "Оплата картой сейчас недоступна"
    assert sim.commands == [b"\x06\x00"]  # registered at open; no sale went out


async def test_terminal_unreachable_records_nothing(
    served: Served, terminal: grpc.aio.Channel
) -> None:
    agent = PaymentAgent.zvt(terminal, TERMINAL, "serial:///dev/no-such-terminal")
    paid = await agent.pay(DUTY, print)

    assert paid.state is PaidState.UNAVAILABLE
    assert "cannot open the payment terminal" in paid.reason_en
    assert settled_events(served) == []
    listed = await payments_pb2_grpc.PaymentsStub(terminal).ListUnresolved(
        payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL)
    )
    assert list(listed.payments) == []


async def test_recovery_without_the_terminal_leaves_every_payment_unknown(
    served: Served, terminal: grpc.aio.Channel
) -> None:
    stub = payments_pb2_grpc.PaymentsStub(terminal)
    for key in ("kiosk-01:0001", "kiosk-01:0002"):
        await stub.Begin(
            payments_pb2.BeginPaymentRequest(
                idempotency_key=key,
                service_id="state-duty",
                amount_kopecks=500_00,
                purpose="Госпошлина",
                terminal_id=TERMINAL,
            )
        )
    agent = PaymentAgent.zvt(terminal, TERMINAL, "serial:///dev/no-such-terminal")

    resolved = await agent.recover()

    assert [r.state for r in resolved] == [PaidState.UNKNOWN, PaidState.UNKNOWN]
    assert resolved[0].reason.startswith("the terminal could not be asked: cannot open")
    listed = await stub.ListUnresolved(payments_pb2.ListUnresolvedRequest(terminal_id=TERMINAL))
    assert len(listed.payments) == 2
