"""A service's state fee paid at the kiosk's card terminal before the ticket. Pure.

The terminal is reached through a :class:`Payer` (``payment_terminal.agent.PaymentAgent``
in the kiosk's process, whose Charge and Paid these are), which records the payment on
the hub under the charge's idempotency key before the terminal is asked: so the key is
made once per visitor's intent (the offer screen) and reused by every tap until the
payment ends, and a double tap never charges twice. A declined or cancelled payment ends
that intent; trying again is a new one. An unknown outcome offers no retry: the hub
resolves it with the terminal, and the visitor takes a ticket and shows the desk. Card
payment is offered only while the kiosk's terminal answers (``Payer.ready``): a kiosk
without one, or with one that does not answer, sends the visitor to pay at the desk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Protocol

from kiosk.states import PrintState
from payment_terminal.agent import Charge, Paid, PaidState, Resolved

__all__ = ["Charge", "Paid", "PaidState", "Payer", "Payment", "Step", "rubles"]


# Outcomes after which nothing was charged: trying again is a new intent.
NOTHING_CHARGED = (PaidState.DECLINED, PaidState.CANCELLED, PaidState.UNAVAILABLE)
# Those after which another try may go through (another card, or the card this time);
# a terminal that was unavailable will not be so a second later.
RETRYABLE = (PaidState.DECLINED, PaidState.CANCELLED)


class Payer(Protocol):
    """The payment agent as the kiosk uses it (``payment_terminal.agent``)."""

    @property
    def ready(self) -> bool:
        """The terminal answered its registration and no exchange broke since."""
        ...

    async def recover(self) -> Sequence[Resolved]:
        """Register at the terminal and settle what a crash left open."""
        ...

    async def pay(self, charge: Charge, on_prompt: Callable[[str], None]) -> Paid: ...


class Step(StrEnum):
    OFFER = "offer"
    PAYING = "paying"
    OUTCOME = "outcome"


class Payment:
    """One visitor's payment for one service: the offer, the terminal's prompts, the end."""

    def __init__(self, service_id: str, fee_kopecks: int, purpose: str) -> None:
        self.service_id = service_id
        self.fee_kopecks = fee_kopecks
        self.purpose = purpose
        self.step = Step.OFFER
        self.key = ""
        self.prompt = ""
        self.paid: Paid | None = None
        # The receipt's print job: its id, state and error.
        self.receipt: tuple[int, PrintState, str] = (0, PrintState.NONE, "")

    def charge(self, new_key: Callable[[], str], identified: bool) -> Charge:
        """The charge for the terminal, under this intent's one key."""
        if not self.key:
            self.key = new_key()
        self.step, self.prompt, self.paid = Step.PAYING, "", None
        return Charge(self.key, self.service_id, self.fee_kopecks, self.purpose, identified)

    def ended(self, paid: Paid) -> None:
        self.paid, self.step = paid, Step.OUTCOME
        if paid.state in NOTHING_CHARGED:
            self.key = ""

    @property
    def approved_id(self) -> int:
        """The hub's id of the approved payment, for the ticket taken after it; else 0."""
        approved = self.paid is not None and self.paid.state is PaidState.APPROVED
        return self.paid.payment_id if approved and self.paid is not None else 0

    @property
    def may_retry(self) -> bool:
        return self.paid is not None and self.paid.state in RETRYABLE


def rubles(kopecks: int) -> str:
    """ "2 000 ₽", "350,50 ₽": the amount as a Russian price tag."""
    whole, part = divmod(kopecks, 100)
    text = f"{whole:,}".replace(",", "\u00a0")
    return f"{text},{part:02d}\u00a0₽" if part else f"{text}\u00a0₽"
