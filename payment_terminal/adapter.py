"""The interface every payment terminal protocol plugs into, and ZVT as its first adapter.

What an adapter promises (docs/payment_terminal.md, "Adapter interface"):

- ``sale`` sends the charge at most once per call and never retries it by itself; it
  returns a :class:`SaleOutcome` for every ending it can tell apart (approved, declined,
  cancelled, terminal error) and ``UNKNOWN`` when it cannot tell whether the card was
  charged (timeout, lost link, garbage). It does not raise for those.
- ``last_transaction`` asks the terminal what its last transaction was (ZVT: repeat
  receipt), so the hub can match an ``UNKNOWN`` payment by amount and reference.
- ``reversal`` cancels a charge by the terminal's own reference (ZVT: receipt number).
- Prompts for the visitor go to the ``on_prompt`` callback as they arrive, on the
  caller's thread; no card data ever reaches it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from payment_terminal.codec import RUB
from payment_terminal.driver import PaymentTerminal, Prompt, Result, run
from payment_terminal.errors import PaymentError
from payment_terminal.messages import KIOSK_RECEIPTS, Outcome

log = logging.getLogger(__name__)


class SaleStatus(Enum):
    """How a terminal operation ended, as the hub records it."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    TERMINAL_ERROR = "terminal_error"  # refused before anything was charged
    UNKNOWN = "unknown"  # the card may or may not have been charged


@dataclass(frozen=True)
class SaleOutcome:
    """The end of a sale, reversal or enquiry, with the terminal's references."""

    status: SaleStatus
    reason: str = ""
    result_code: int = 0
    amount: int = 0
    # ISO 4217 numeric code of ``amount`` as the terminal reported it; a terminal that
    # does not say runs in the currency it was registered with (it refuses any other).
    currency: int = RUB
    terminal_id: str = ""
    trace: str = ""
    receipt: str = ""  # the terminal's reference a reversal names
    when: str = ""  # the terminal's date and time of it, "DD.MM hh:mm:ss"
    card_name: str = ""  # the card's scheme as the terminal names it; never the number
    receipt_lines: tuple[str, ...] = field(default=(), repr=False)
    reverses: str = ""  # set when this transaction is a reversal: the trace it reversed


PromptCallback = Callable[[str], None]


class TerminalAdapter(Protocol):
    """One payment terminal, whatever protocol it speaks."""

    def register(self) -> None:
        """Make the terminal accept this register; raises PaymentError if it does not."""
        ...

    def sale(
        self, amount: int, reference: str, on_prompt: PromptCallback | None = None
    ) -> SaleOutcome:
        """Charge ``amount`` kopecks once; ``reference`` is the hub's payment id."""
        ...

    def reversal(self, receipt: str) -> SaleOutcome:
        """Reverse the charge the terminal knows by ``receipt``."""
        ...

    def last_transaction(self) -> SaleOutcome | None:
        """The terminal's last transaction (repeat receipt), or None if it has none."""
        ...

    def close(self) -> None: ...


_STATUS = {
    Outcome.APPROVED: SaleStatus.APPROVED,
    Outcome.DECLINED: SaleStatus.DECLINED,
    Outcome.CANCELLED: SaleStatus.CANCELLED,
    Outcome.TERMINAL_ERROR: SaleStatus.TERMINAL_ERROR,
}


def _outcome(result: Result, currency: int) -> SaleOutcome:
    """The adapter's view of a ZVT result; ``currency`` is the registered one, if not told."""
    return SaleOutcome(
        _STATUS[result.outcome],
        result.reason,
        result.result_code,
        result.amount or 0,
        result.currency or currency,
        "" if result.terminal_id is None else str(result.terminal_id),
        "" if result.trace is None else str(result.trace),
        "" if result.receipt is None else str(result.receipt),
        result.when or "",
        result.card_name or "",
        result.receipt_lines,
        "" if result.original_trace is None else str(result.original_trace),
    )


class ZvtAdapter:
    """The ZVT driver behind the adapter interface."""

    def __init__(self, terminal: PaymentTerminal) -> None:
        self.terminal = terminal

    @classmethod
    def open(
        cls, url: str, *, ack_timeout: float, answer_timeout: float, config: int = KIOSK_RECEIPTS
    ) -> ZvtAdapter:
        """Open a ZVT terminal at a serial URL; ``config`` is the registration's config byte."""
        terminal = PaymentTerminal.open(
            url, ack_timeout=ack_timeout, answer_timeout=answer_timeout, config=config
        )
        return cls(terminal)

    def register(self) -> None:
        self.terminal.register()

    def sale(
        self, amount: int, reference: str, on_prompt: PromptCallback | None = None
    ) -> SaleOutcome:
        def show(prompt: Prompt) -> None:
            if on_prompt is not None:
                on_prompt(prompt.text)

        try:
            result = run(self.terminal.sale(amount), show)
        except PaymentError as err:
            # Sent, and no clear answer: the charge must be resolved, never resent.
            log.warning("sale unknown reference=%s error=%s", reference, err.code)
            return SaleOutcome(SaleStatus.UNKNOWN, str(err), amount=amount)
        return _outcome(result, self.terminal.currency)

    def reversal(self, receipt: str) -> SaleOutcome:
        try:
            return _outcome(run(self.terminal.reversal(int(receipt))), self.terminal.currency)
        except PaymentError as err:
            return SaleOutcome(SaleStatus.UNKNOWN, str(err))

    def last_transaction(self) -> SaleOutcome | None:
        result = self.terminal.repeat_receipt()
        if result.receipt is None:
            return None
        return _outcome(result, self.terminal.currency)

    def close(self) -> None:
        self.terminal.close()
