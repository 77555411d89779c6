"""The driver against the simulated terminal over a real pty pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from payment_terminal.adapter import SaleStatus, ZvtAdapter
from payment_terminal.codec import Apdu, decode_apdu
from payment_terminal.driver import PaymentTerminal, Prompt, State, run
from payment_terminal.errors import (
    CancelledByVisitor,
    Declined,
    FrameError,
    LinkError,
    TerminalError,
    TerminalTimeout,
)
from payment_terminal.messages import (
    INTERMEDIATE_STATUS_WANTED,
    KIOSK_RECEIPTS,
    TERMINAL_PRINT_LINES,
    Outcome,
)
from payment_terminal.sim import SOFTWARE_VERSION, Mode, SimulatedTerminal


@pytest.fixture
def sim() -> Iterator[SimulatedTerminal]:
    with SimulatedTerminal() as terminal:
        yield terminal


@pytest.fixture
def terminal(sim: SimulatedTerminal) -> Iterator[PaymentTerminal]:
    pt = PaymentTerminal.open(f"serial://{sim.port_path}?baudrate=9600", ack_timeout=0.3)
    pt.answer_timeout = 0.4
    yield pt
    pt.close()


def test_register(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    assert terminal.register().approved
    assert sim.commands == [b"\x06\x00"]


def test_sale_approved_with_prompts_and_receipt(  # unregistered: the terminal's own setup
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    prompts: list[Prompt] = []
    result = run(terminal.sale(150_00), prompts.append)
    assert [p.text for p in prompts] == ["Вставьте карту", "Введите PIN"]
    assert result.approved
    assert (result.amount, result.trace, result.receipt) == (150_00, 1, 1)
    assert result.terminal_id == sim.terminal_id
    assert result.receipt_lines == ("ОПЛАТА", "Сумма: 150.00 RUB")
    assert sim.charged() == 150_00
    assert terminal.state is State.IDLE


def test_registered_for_kiosk_receipts_no_print_lines_and_the_status_information(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    sim.clock = lambda: datetime(2026, 11, 23, 15, 30, 12)
    terminal.register()  # the driver's default: KIOSK_RECEIPTS
    assert sim.config == KIOSK_RECEIPTS
    result = run(terminal.sale(150_00))
    assert result.approved and result.receipt_lines == ()
    assert (result.amount, result.trace, result.receipt) == (150_00, 1, 1)
    assert (result.when, result.card_name) == ("23.11 15:30:12", "MIR")


def test_registered_for_print_lines_the_slip_comes_line_by_line(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    terminal.config = TERMINAL_PRINT_LINES
    terminal.register()
    assert run(terminal.sale(150_00)).receipt_lines == ("ОПЛАТА", "Сумма: 150.00 RUB")
    assert terminal.repeat_receipt().receipt_lines == ("Копия чека 1",)


def test_registered_without_intermediate_status_no_prompts(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    terminal.config = KIOSK_RECEIPTS & ~INTERMEDIATE_STATUS_WANTED
    terminal.register()
    prompts: list[Prompt] = []
    assert run(terminal.sale(150_00), prompts.append).approved
    assert prompts == []


def test_declined(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sim.mode = Mode.DECLINE
    result = run(terminal.sale(100))
    assert result.outcome is Outcome.DECLINED
    assert "do not honour" in result.reason
    with pytest.raises(Declined) as caught:
        result.raise_for_outcome()
    assert caught.value.result_code == 0x05
    assert sim.charged() == 0


def test_cancelled_by_visitor(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sim.mode = Mode.CANCEL
    result = run(terminal.sale(100))
    assert result.outcome is Outcome.CANCELLED
    with pytest.raises(CancelledByVisitor):
        result.raise_for_outcome()
    assert sim.ledger == []


def test_terminal_that_never_answers_times_out(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    sim.mode = Mode.SILENT
    with pytest.raises(TerminalTimeout) as caught:
        run(terminal.sale(100))
    assert isinstance(caught.value, TimeoutError)
    assert terminal.state is State.BROKEN


def test_garbage_is_a_frame_error(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sim.mode = Mode.GARBAGE
    with pytest.raises(FrameError, match="garbage"):
        run(terminal.sale(100))


def test_bad_crc_is_naked_then_a_frame_error(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    sim.mode = Mode.BAD_CRC
    with pytest.raises(FrameError, match="bad CRC"):
        run(terminal.sale(100))


def test_naked_frame_is_repeated_twice(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sim.link.nak_next = 2
    assert run(terminal.sale(100)).approved
    assert len(sim.ledger) == 1


def test_third_nak_gives_up(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sim.link.nak_next = 3
    with pytest.raises(FrameError, match="NAK"):
        run(terminal.sale(100))
    assert sim.ledger == []


def test_repeated_frame_after_lost_ack_charges_once(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    sim.link.mute_next = 1
    assert run(terminal.sale(500)).approved
    assert sim.repeats == 1
    assert len(sim.ledger) == 1


def test_a_second_identical_sale_is_a_new_charge(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    assert run(terminal.sale(500)).approved
    assert run(terminal.sale(500)).approved
    assert [t.receipt for t in sim.ledger] == [1, 2]
    assert sim.repeats == 0


def test_repeat_receipt_and_reversal(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    sale = run(terminal.sale(700))
    again = terminal.repeat_receipt()
    assert (again.receipt, again.trace, again.amount) == (sale.receipt, sale.trace, 700)
    assert sale.receipt is not None
    assert run(terminal.reversal(sale.receipt)).approved
    assert sim.charged() == 0
    twice = run(terminal.reversal(sale.receipt))
    assert twice.outcome is Outcome.TERMINAL_ERROR
    assert twice.result_code == 0xB4


def test_status_enquiry_and_end_of_day(terminal: PaymentTerminal, sim: SimulatedTerminal) -> None:
    status = terminal.status_enquiry()
    assert (status.software_version, status.ready) == (SOFTWARE_VERSION, True)
    assert terminal.end_of_day().approved
    assert sim.commands == [b"\x05\x01", b"\x06\x50"]


def test_a_reversal_has_its_own_trace_and_receipt(
    terminal: PaymentTerminal, sim: SimulatedTerminal
) -> None:
    sale = run(terminal.sale(700))
    assert (sale.trace, sale.receipt) == (1, 1)
    reversal = run(terminal.reversal(1))
    assert (reversal.trace, reversal.receipt, reversal.original_trace) == (2, 2, 1)
    assert reversal.amount == 700
    # The terminal's last transaction is now the reversal, told as one.
    last = terminal.repeat_receipt()
    assert (last.trace, last.receipt, last.original_trace) == (2, 2, 1)
    assert sim.charged() == 0


def test_another_currency_is_refused_at_registration_and_sale(sim: SimulatedTerminal) -> None:
    euro = PaymentTerminal.open(f"serial://{sim.port_path}?baudrate=9600", ack_timeout=0.3)
    euro.currency = 978
    try:
        with pytest.raises(Declined) as refused:
            euro.register()
        assert refused.value.result_code == 0x6F  # wrong currency
        sale = run(euro.sale(500_00))
    finally:
        euro.close()
    assert (sale.outcome, sale.result_code) == (Outcome.DECLINED, 0x6F)
    assert sim.ledger == [] and sim.config == TERMINAL_PRINT_LINES  # nothing charged, kept


def test_a_wrong_password_is_refused(sim: SimulatedTerminal) -> None:
    wrong = PaymentTerminal.open(f"serial://{sim.port_path}?baudrate=9600", ack_timeout=0.3)
    wrong.password = 654321
    try:
        with pytest.raises(TerminalError) as refused:
            wrong.register()
        last = wrong.repeat_receipt()
        with pytest.raises(TerminalError):
            wrong.status_enquiry()
    finally:
        wrong.close()
    assert refused.value.result_code == 0x83
    assert (last.outcome, last.result_code) == (Outcome.TERMINAL_ERROR, 0x83)


@pytest.mark.parametrize(
    "command",
    [b"\x06\xc0", b"\x06\x31", b"\x06\x70", b"\x08\x01", b"\x06\xb0"],
    ids=["read card", "refund", "diagnosis", "service mode", "abort when idle"],
)
def test_a_command_the_terminal_does_not_offer_is_refused_with_84_83(
    terminal: PaymentTerminal, sim: SimulatedTerminal, command: bytes
) -> None:
    terminal.link.send(Apdu(command, bytes.fromhex("12 34 56")).encode())
    answer = decode_apdu(terminal.link.receive(1.0))
    assert answer.command == b"\x84\x83"
    assert sim.ledger == []


def test_amount_must_be_positive(terminal: PaymentTerminal) -> None:
    with pytest.raises(ValueError, match="positive"):
        terminal.sale(0)


def test_missing_port_is_a_link_error() -> None:
    with pytest.raises(LinkError) as caught:
        PaymentTerminal.open("serial:///dev/no-such-terminal")
    assert isinstance(caught.value, ConnectionError)


# What a real terminal adds to an approval: masked PAN (22), card sequence number (17),
# ec-Cash chip offline data (92, LLLVAR), PIN data (D1, LLVAR), card type (8A).
REAL_TERMINALS_BMPS = bytes.fromhex(
    "22 F0 F8 67 28 EE EE EE EE 12 34 17 00 01 92 F0 F0 F4 01 02 03 04 D1 F0 F2 00 10 8A 05"
)


def test_an_approval_with_every_bmp_a_real_terminal_adds_is_approved() -> None:
    with SimulatedTerminal(more_bmps=REAL_TERMINALS_BMPS) as sim:
        zvt = ZvtAdapter.open(f"serial://{sim.port_path}", ack_timeout=0.3, answer_timeout=0.6)
        try:
            outcome = zvt.sale(500_00, "1")
        finally:
            zvt.close()
    assert (outcome.status, outcome.amount, outcome.currency) == (SaleStatus.APPROVED, 500_00, 643)
    assert (outcome.trace, outcome.receipt) == ("1", "1")
