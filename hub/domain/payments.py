"""Card payments of state fees: the record's states and the rules between them (pure).

```
            settle                            resolve (ask the terminal)
 PENDING ─────────► APPROVED / DECLINED / CANCELLED
    │                    ▲
    │ settle / resolve   │ confirmed by the terminal's last transaction
    ▼                    │
 UNKNOWN ────────────────┴──────► REVERSED (not confirmed: reversed, or never charged)
```

A payment is written PENDING under its idempotency key before the sale goes to the
terminal; a second Begin with that key returns the record already there, so a sale is
never sent twice. PENDING after a crash means the sale may have gone out: it is resolved
like UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from hub.errors import IllegalTransition, InvalidRequest, PaymentNotUsable

# Every fee is in kopecks of the rouble (ISO 4217 643); a charge in anything else is not one.
RUB = 643
# The largest amount the hub takes, in kopecks: 10,000,000 ₽, far above any state fee, and
# small enough that the region's sums of a day can never overflow a 64-bit integer.
MAX_AMOUNT = 1_000_000_000


class PaymentState(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    REVERSED = "reversed"


FINAL = frozenset(
    {PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.REVERSED}
)
UNRESOLVED = frozenset({PaymentState.PENDING, PaymentState.UNKNOWN})

TRANSITIONS: dict[PaymentState, frozenset[PaymentState]] = {
    PaymentState.PENDING: frozenset(
        {
            PaymentState.APPROVED,
            PaymentState.DECLINED,
            PaymentState.CANCELLED,
            PaymentState.UNKNOWN,
            PaymentState.REVERSED,
        }
    ),
    PaymentState.UNKNOWN: frozenset({PaymentState.APPROVED, PaymentState.REVERSED}),
}


@dataclass(frozen=True, slots=True)
class Settlement:
    """How a payment ended, with the terminal's references."""

    state: PaymentState
    result_code: int = 0
    reason: str = ""
    terminal_serial: str = ""
    terminal_trace: str = ""
    terminal_receipt: str = ""


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment as the hub keeps it; what the state payments system needs."""

    id: int
    idempotency_key: str
    service_id: str
    amount: int  # kopecks
    purpose: str
    payer_identified: bool
    terminal_id: str  # the hub's device id of the terminal
    created_at_ms: int
    state: PaymentState = PaymentState.PENDING
    settled_at_ms: int = 0
    result_code: int = 0
    reason: str = ""
    terminal_serial: str = ""
    terminal_trace: str = ""
    terminal_receipt: str = ""

    def same_request(self, other: Payment) -> bool:
        """Whether ``other`` asks for this same payment (a retry, not a new one)."""
        return (
            self.service_id,
            self.amount,
            self.purpose,
            self.payer_identified,
            self.terminal_id,
        ) == (
            other.service_id,
            other.amount,
            other.purpose,
            other.payer_identified,
            other.terminal_id,
        )

    def settlement(self) -> Settlement:
        return Settlement(
            self.state,
            self.result_code,
            self.reason,
            self.terminal_serial,
            self.terminal_trace,
            self.terminal_receipt,
        )


def check_new(payment: Payment, known_services: set[str]) -> None:
    """Refuse a payment the hub cannot record."""
    if not payment.idempotency_key:
        raise InvalidRequest("a payment names its idempotency_key")
    if not payment.terminal_id:
        raise InvalidRequest("a payment names its terminal_id")
    if payment.service_id not in known_services:
        raise InvalidRequest(f"no service {payment.service_id!r} in this branch")
    check_amount(payment.amount)


def check_amount(amount: int, field: str = "amount_kopecks") -> None:
    """Refuse an amount no state fee can have: below 1 kopeck or above MAX_AMOUNT."""
    if not 1 <= amount <= MAX_AMOUNT:
        raise InvalidRequest(
            f"{field} must be 1..{MAX_AMOUNT} kopecks (at most 10,000,000 ₽), got {amount}"
        )


def settle(payment: Payment, settlement: Settlement, now_ms: int) -> Payment:
    """The payment after ``settlement``; the same settlement again changes nothing."""
    if payment.state is not PaymentState.PENDING and payment.settlement() == settlement:
        return payment
    if settlement.state is PaymentState.APPROVED and not settlement.terminal_receipt:
        raise InvalidRequest("an approved payment carries the terminal's receipt number")
    if settlement.state not in TRANSITIONS.get(payment.state, frozenset()):
        raise IllegalTransition(
            f"payment {payment.id} is {payment.state.value}: it cannot become "
            f"{settlement.state.value}"
        )
    return replace(
        payment,
        state=settlement.state,
        settled_at_ms=now_ms,
        result_code=settlement.result_code,
        reason=settlement.reason,
        terminal_serial=settlement.terminal_serial,
        terminal_trace=settlement.terminal_trace,
        terminal_receipt=settlement.terminal_receipt,
    )


@dataclass(frozen=True, slots=True)
class TerminalTransaction:
    """The terminal's last transaction, as its repeat receipt tells it."""

    amount: int
    receipt: str
    trace: str = ""
    terminal_serial: str = ""
    currency: int = 0  # ISO 4217 numeric; 0: not told, the terminal's own (roubles)

    @property
    def reference(self) -> tuple[str, str]:
        """What names one charge of a terminal: its receipt and trace numbers together.

        Terminals start receipt numbers again after each end of day while the trace number
        runs on, so a receipt number alone may name two charges of different days.
        """
        return self.receipt, self.trace


class Verdict(Enum):
    """What the terminal's last transaction says about an unresolved payment."""

    CONFIRMED = "confirmed"  # it is this payment's charge: APPROVED
    REVERSE = "reverse"  # a charge no payment holds, not this one's: reverse it, then REVERSED
    NOT_CHARGED = "not_charged"  # nothing of this payment was charged: REVERSED as it is


def judge(
    payment: Payment, last: TerminalTransaction | None, claimed: set[tuple[str, str]]
) -> Verdict:
    """Decide an unresolved payment from the terminal's last transaction.

    The last transaction is this payment's when it is of the same amount, in roubles, and
    no other
    payment already holds its receipt and trace numbers (``claimed``): the card was
    charged once. A charge no payment
    holds but of another amount cannot be confirmed as this payment; since every sale is
    recorded before it goes out, it is money nobody accounts for, and it is reversed at
    the terminal. Otherwise (no transaction, or another payment's) nothing was charged.
    Unresolved payments are judged newest first, since only the newest may have been the
    terminal's last sale; each judged charge is then held, so an older one never claims it.
    """
    if payment.state not in UNRESOLVED:
        raise IllegalTransition(f"payment {payment.id} is {payment.state.value}, not unresolved")
    if last is not None and last.amount:
        check_amount(last.amount, "last.amount_kopecks")
    if last is None or last.reference in claimed:
        return Verdict.NOT_CHARGED
    charged = charge_matches(payment, last.amount, last.currency)
    return Verdict.CONFIRMED if charged else Verdict.REVERSE


def check_newest(payment: Payment, unresolved: list[Payment]) -> None:
    """Refuse to resolve an unresolved payment while a newer one of its terminal is unresolved.

    ``unresolved``: the terminal's unresolved payments, oldest first. Only the newest may
    have been the terminal's last sale (see :func:`judge`).
    """
    if payment.state in UNRESOLVED and unresolved[-1].id != payment.id:
        raise IllegalTransition(
            f"payment {unresolved[-1].id} of this terminal is newer and unresolved: "
            "resolve the newest first, only it may be the terminal's last sale"
        )


def charge_matches(payment: Payment, amount: int, currency: int) -> bool:
    """Whether the terminal charged exactly this payment's amount, in roubles (0: not told)."""
    return amount == payment.amount and currency in (0, RUB)


def check_charged(payment: Payment, amount: int, currency: int) -> None:
    """Refuse to approve ``payment`` at an amount or currency the terminal did not charge.

    ``amount`` 0 means the caller did not say (an older agent); it is then taken on the
    caller's word, as before.
    """
    if amount and not charge_matches(payment, amount, currency):
        raise InvalidRequest(
            f"payment {payment.id} is {payment.amount} kopecks in roubles, but the terminal "
            f"charged {amount} in currency {currency}: reverse that charge, never approve it"
        )


def resolve(
    payment: Payment, last: TerminalTransaction | None, claimed: set[tuple[str, str]]
) -> Settlement | None:
    """The settlement the terminal's answer decides, or None: reverse ``last`` first."""
    verdict = judge(payment, last, claimed)
    if verdict is Verdict.CONFIRMED:
        assert last is not None
        return Settlement(
            PaymentState.APPROVED,
            reason="confirmed by the terminal's repeat receipt",
            terminal_serial=last.terminal_serial,
            terminal_trace=last.trace,
            terminal_receipt=last.receipt,
        )
    if verdict is Verdict.REVERSE:
        return None
    return Settlement(PaymentState.REVERSED, reason="not confirmed by the terminal: not charged")


def check_pays_for(payment: Payment, service_id: str) -> None:
    """Refuse a payment that cannot stand for the fee of a ticket for ``service_id``."""
    if payment.state is not PaymentState.APPROVED:
        raise PaymentNotUsable(
            "payment_not_approved",
            f"payment {payment.id} is {payment.state.value}, not approved: take the ticket "
            "without it and pay at the desk",
        )
    if payment.service_id != service_id:
        raise PaymentNotUsable(
            "payment_other_service",
            f"payment {payment.id} paid for {payment.service_id}, not {service_id}: take the "
            "ticket for the service that was paid for",
        )


@dataclass(frozen=True, slots=True)
class FeePaid:
    """A payment shown for a new ticket's fee, as the store holds it.

    ``earlier_ticket``: the number of a ticket of an earlier day it already paid for, or
    "" (today's tickets are the engine's to check, so that a retry gets its ticket).
    """

    payment: Payment
    earlier_ticket: str = ""


def check_fee(fee: FeePaid, service_id: str) -> None:
    """Refuse a payment that cannot pay for a new ticket for ``service_id``."""
    check_pays_for(fee.payment, service_id)
    if fee.earlier_ticket:
        raise PaymentNotUsable(
            "payment_used",
            f"payment {fee.payment.id} was already used for ticket {fee.earlier_ticket} on an "
            "earlier day: a fee is paid for one ticket",
        )
