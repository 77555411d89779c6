"""The ZVT adapter against the simulated terminal over a real pty pair."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from payment_terminal.adapter import SaleStatus, TerminalAdapter, ZvtAdapter
from payment_terminal.sim import Mode, SimulatedTerminal


@pytest.fixture
def sim() -> Iterator[SimulatedTerminal]:
    with SimulatedTerminal() as terminal:
        yield terminal


@pytest.fixture
def adapter(sim: SimulatedTerminal) -> Iterator[ZvtAdapter]:
    zvt = ZvtAdapter.open(
        f"serial://{sim.port_path}?baudrate=9600", ack_timeout=0.3, answer_timeout=0.4
    )
    yield zvt
    zvt.close()


def test_is_an_adapter(adapter: ZvtAdapter) -> None:
    typed: TerminalAdapter = adapter
    typed.register()


def test_sale_approved_with_prompts(adapter: ZvtAdapter, sim: SimulatedTerminal) -> None:
    prompts: list[str] = []
    outcome = adapter.sale(250_00, "p1", prompts.append)
    assert prompts == ["Вставьте карту", "Введите PIN"]
    assert outcome.status is SaleStatus.APPROVED
    assert (outcome.amount, outcome.receipt, outcome.trace) == (250_00, "1", "1")
    assert outcome.terminal_id == str(sim.terminal_id)
    assert sim.charged() == 250_00


@pytest.mark.parametrize(
    ("mode", "status"),
    [(Mode.DECLINE, SaleStatus.DECLINED), (Mode.CANCEL, SaleStatus.CANCELLED)],
)
def test_refusals_are_outcomes(
    adapter: ZvtAdapter, sim: SimulatedTerminal, mode: Mode, status: SaleStatus
) -> None:
    sim.mode = mode
    outcome = adapter.sale(100, "p1")
    assert outcome.status is status
    assert outcome.reason
    assert sim.charged() == 0


@pytest.mark.parametrize("mode", [Mode.SILENT, Mode.GARBAGE, Mode.BAD_CRC])
def test_no_clear_answer_is_unknown(
    adapter: ZvtAdapter, sim: SimulatedTerminal, mode: Mode
) -> None:
    sim.mode = mode
    outcome = adapter.sale(100, "p1")
    assert outcome.status is SaleStatus.UNKNOWN
    assert outcome.amount == 100


def test_last_transaction_and_reversal(adapter: ZvtAdapter, sim: SimulatedTerminal) -> None:
    assert adapter.last_transaction() is None
    sale = adapter.sale(700, "p1")
    last = adapter.last_transaction()
    assert last is not None
    assert (last.receipt, last.amount) == (sale.receipt, 700)
    assert adapter.reversal(sale.receipt).status is SaleStatus.APPROVED
    assert sim.charged() == 0
    assert adapter.reversal(sale.receipt).status is SaleStatus.TERMINAL_ERROR
