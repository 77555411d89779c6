"""Errors of the payment terminal, each saying what a person can do about it.

The specific errors also inherit a builtin, so code that knows nothing of okno still
catches them sensibly (a silent terminal is a ``TimeoutError``, a broken frame a
``ValueError``). ``code`` is stable: logs, screens and tests match on it, never on the
message. No message ever holds a card number.
"""

from __future__ import annotations

from okno.errors import OknoError


class PaymentError(OknoError):
    """Root of the payment terminal's errors."""

    code = "payment_error"


class TerminalTimeout(PaymentError, TimeoutError):
    """The terminal did not answer in time; whether the card was charged is unknown."""

    code = "terminal_timeout"


class FrameError(PaymentError, ValueError):
    """Bytes on the line are not a valid ZVT frame or APDU (bad CRC, bad length, garbage)."""

    code = "frame_error"


class LinkError(PaymentError, ConnectionError):
    """The serial link to the terminal cannot be opened or was lost."""

    code = "link_error"


class HubUnreachable(PaymentError, ConnectionError):
    """The hub did not answer: no payment may start; an unsettled one is settled later."""

    code = "hub_unreachable"


class Declined(PaymentError):
    """The card's bank or the terminal declined the payment; nothing was charged."""

    code = "declined"

    def __init__(self, result_code: int, reason: str) -> None:
        super().__init__(f"declined: {reason} (result code {result_code:#04x})")
        self.result_code = result_code
        self.reason = reason


class CancelledByVisitor(PaymentError):
    """The visitor cancelled at the terminal (or let it time out); nothing was charged."""

    code = "cancelled_by_visitor"


class TerminalError(PaymentError, RuntimeError):
    """The terminal reported a fault of its own (no host link, printer, system error)."""

    code = "terminal_error"

    def __init__(self, result_code: int, reason: str) -> None:
        super().__init__(f"terminal error: {reason} (result code {result_code:#04x})")
        self.result_code = result_code
        self.reason = reason
