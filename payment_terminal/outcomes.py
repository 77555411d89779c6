"""Between the terminal, the hub's payment records and the kiosk's screen (pure).

A terminal's :class:`SaleOutcome` becomes a ``Settle`` request for the hub; a hub record
becomes a :class:`Paid`, with a reason in Russian and English for the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from payment_terminal.adapter import SaleOutcome, SaleStatus
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
    )


def reversed_request(
    payment: pb.Payment, reversal: SaleOutcome, receipt: str
) -> pb.SettlePaymentRequest:
    """REVERSED, naming the receipt reversed at the terminal (so no payment claims it)."""
    return pb.SettlePaymentRequest(
        payment_id=payment.payment_id,
        state=pb.PAYMENT_STATE_REVERSED,
        result_code=reversal.result_code,
        reason=f"charged and not confirmed: reversed at the terminal (receipt {receipt})",
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
    references the bank and the terminal know the charge by. No card number: the masked
    PAN is left out on purpose, the card's scheme is enough for the visitor.
    """
    roubles, kopecks = divmod(outcome.amount, 100)
    lines = [
        f"Сумма: {roubles}.{kopecks:02d} RUB",
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
