"""Between the terminal, the hub's payment records and the kiosk's screen (pure).

A terminal's :class:`SaleOutcome` becomes a ``Settle`` request for the hub; a hub record
becomes a :class:`Paid`, with a reason in Russian and English for the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from payment_terminal.adapter import SaleOutcome, SaleStatus
from payment_terminal.codec import RUB
from payment_terminal.messages import money
from protos.okno.v1 import payments_pb2 as pb

ALREADY_REVERSED = 0xB4  # ZVT result code: the terminal had reversed it already


class PaidState(StrEnum):
    """How a payment ended, as the kiosk shows it."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REVERSED = "reversed"  # not confirmed: nothing charged, or the charge returned
    UNKNOWN = "unknown"  # not resolved yet: the agent resolves it on its next call
    UNAVAILABLE = "unavailable"  # nothing was sent: the hub or the terminal is away


@dataclass(frozen=True)
class Paid:
    """How a payment ended, for the visitor's screen and receipt."""

    state: PaidState
    payment_id: int  # 0: the hub never recorded it (UNAVAILABLE)
    reason_ru: str
    reason_en: str
    receipt_lines: tuple[str, ...] = ()


_TO_HUB = {
    SaleStatus.APPROVED: pb.PAYMENT_STATE_APPROVED,
    SaleStatus.DECLINED: pb.PAYMENT_STATE_DECLINED,
    SaleStatus.CANCELLED: pb.PAYMENT_STATE_CANCELLED,
    SaleStatus.TERMINAL_ERROR: pb.PAYMENT_STATE_DECLINED,  # refused before any charge
    SaleStatus.UNKNOWN: pb.PAYMENT_STATE_UNKNOWN,
}
_FROM_HUB = {
    pb.PAYMENT_STATE_APPROVED: PaidState.APPROVED,
    pb.PAYMENT_STATE_DECLINED: PaidState.DECLINED,
    pb.PAYMENT_STATE_CANCELLED: PaidState.CANCELLED,
    pb.PAYMENT_STATE_REVERSED: PaidState.REVERSED,
    pb.PAYMENT_STATE_PENDING: PaidState.UNKNOWN,
    pb.PAYMENT_STATE_UNKNOWN: PaidState.UNKNOWN,
}
_REASONS = {
    PaidState.APPROVED: ("Оплата прошла", "Payment approved"),
    PaidState.UNKNOWN: (
        "Результат оплаты пока неизвестен, обратитесь к сотруднику",
        "The payment's result is not known yet; please ask a member of staff",
    ),
    PaidState.UNAVAILABLE: ("Оплата картой сейчас недоступна", "Card payment is not available now"),
}
_NOT_CHARGED = ("Оплата не подтверждена, деньги не списаны", "Not confirmed; nothing was charged")
_RETURNED = (
    "Оплата не подтверждена и отменена, деньги возвращены на карту",
    "Not confirmed and reversed; the money is returned to the card",
)


def request(payment_id: int, outcome: SaleOutcome) -> pb.SettlePaymentRequest:
    """The hub's Settle for a sale's outcome."""
    return pb.SettlePaymentRequest(
        payment_id=payment_id,
        state=_TO_HUB[outcome.status],
        result_code=outcome.result_code,
        reason=outcome.reason,
        terminal_serial=outcome.terminal_id,
        terminal_trace=outcome.trace,
        terminal_receipt=outcome.receipt,
        amount_kopecks=outcome.amount,
        currency=outcome.currency,
    )


def charged_as_asked(outcome: SaleOutcome, amount: int) -> bool:
    """Whether the terminal charged exactly ``amount`` kopecks in roubles."""
    return outcome.amount == amount and outcome.currency == RUB


def mismatch(outcome: SaleOutcome, amount: int) -> str:
    """Why an approval is not this payment's, for the hub's record and the log."""
    return f"the terminal charged {money(outcome.amount, outcome.currency)}, not {money(amount)}"


def reversed_request(
    payment: pb.Payment, reversal: SaleOutcome, receipt: str, why: str = "charged and not confirmed"
) -> pb.SettlePaymentRequest:
    """REVERSED, naming the receipt reversed at the terminal (so no payment claims it)."""
    return pb.SettlePaymentRequest(
        payment_id=payment.payment_id,
        state=pb.PAYMENT_STATE_REVERSED,
        result_code=reversal.result_code,
        reason=f"{why}: reversed at the terminal (receipt {receipt})",
        terminal_serial=reversal.terminal_id,
        terminal_trace=reversal.trace,
        terminal_receipt=receipt,
    )


def reversed_at_terminal(reversal: SaleOutcome) -> bool:
    """Whether the money is back: the reversal went through now or had before."""
    return reversal.status is SaleStatus.APPROVED or reversal.result_code == ALREADY_REVERSED


def transaction(last: SaleOutcome) -> pb.TerminalTransaction:
    return pb.TerminalTransaction(
        amount_kopecks=last.amount,
        terminal_receipt=last.receipt,
        terminal_trace=last.trace,
        terminal_serial=last.terminal_id,
        currency=last.currency,
    )


def state(payment: pb.Payment) -> PaidState:
    return _FROM_HUB[payment.state]


def paid(payment_id: int, outcome: SaleOutcome) -> Paid:
    """What the visitor sees after the terminal told the sale's end."""
    found = _FROM_HUB[_TO_HUB[outcome.status]]
    ru, en = _split(outcome.reason) if found is not PaidState.APPROVED else _REASONS[found]
    lines = outcome.receipt_lines if outcome.receipt else ()
    if not lines and outcome.receipt and outcome.status is SaleStatus.APPROVED:
        lines = terminal_slip(outcome)  # registered without print lines
    return Paid(found, payment_id, ru, en, lines)


APPROVED_MARK = "ОДОБРЕНО"


def terminal_slip(outcome: SaleOutcome) -> tuple[str, ...]:
    """The terminal's part of a receipt, composed from its status information.

    For a terminal registered without print lines (``messages.KIOSK_RECEIPTS``): the
    references the bank and the terminal know the charge by, and the amount in the
    currency the terminal reported (never assumed). No card number: the masked
    PAN is left out on purpose, the card's scheme is enough for the visitor.
    """
    lines = [
        f"Сумма: {money(outcome.amount, outcome.currency)}",
        f"Терминал: {outcome.terminal_id}",
        f"Операция № {outcome.trace}, чек № {outcome.receipt}",
    ]
    if outcome.when:
        lines.append(f"Дата и время: {outcome.when}")
    if outcome.card_name:
        lines.append(f"Карта: {outcome.card_name}")
    return (*lines, APPROVED_MARK)


def recorded(payment: pb.Payment, receipt_lines: tuple[str, ...] = ()) -> Paid:
    """What the visitor sees of a payment as the hub holds it."""
    found = state(payment)
    if found is PaidState.REVERSED:
        ru, en = _RETURNED if payment.terminal_receipt else _NOT_CHARGED
    elif found in _REASONS:
        ru, en = _REASONS[found]
    else:
        ru, en = _split(payment.reason)
    return Paid(found, payment.payment_id, ru, en, receipt_lines)


def returned(payment_id: int) -> Paid:
    """A charge reversed at the terminal: the money is back on the card."""
    ru, en = _RETURNED
    return Paid(PaidState.REVERSED, payment_id, ru, en)


def unavailable(payment_id: int, detail: str) -> Paid:
    ru, en = _REASONS[PaidState.UNAVAILABLE]
    return Paid(PaidState.UNAVAILABLE, payment_id, ru, f"{en} ({detail})")


def unknown(payment_id: int, detail: str) -> Paid:
    ru, en = _REASONS[PaidState.UNKNOWN]
    return Paid(PaidState.UNKNOWN, payment_id, ru, f"{en} ({detail})")


def _split(reason: str) -> tuple[str, str]:
    """The terminal's "Russian / English" reason, in its two languages."""
    ru, _, en = reason.partition(" / ")
    return ru, en or ru
