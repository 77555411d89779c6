"""The payment terminal's operations over a ZVT link: register, sale, reversal, refund..."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from enum import Enum

from payment_terminal import codec, enquiry, messages
from payment_terminal.errors import (
    CancelledByVisitor,
    Declined,
    FrameError,
    PaymentError,
    TerminalError,
)
from payment_terminal.messages import Outcome
from payment_terminal.transport import T3_ACK, Link, open_port

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 180.0  # a visitor may take minutes at the PIN pad


class State(Enum):
    """What the terminal is doing, as the driver knows it."""

    IDLE = "idle"
    BUSY = "busy"
    BROKEN = "broken"  # the last command ended without an answer: state unknown


@dataclass(frozen=True)
class Prompt:
    """A text the terminal wants the visitor to see."""

    status: int
    text: str


@dataclass(frozen=True)
class Result:
    """How a terminal command ended, with the terminal's references."""

    outcome: Outcome
    result_code: int
    reason: str
    amount: int | None = None
    currency: int | None = None  # ISO 4217 numeric, as the terminal reported it (BMP 49)
    trace: int | None = None
    receipt: int | None = None
    terminal_id: int | None = None
    when: str | None = None
    card_name: str | None = None
    original_trace: int | None = None  # set when this transaction reversed another
    receipt_lines: tuple[str, ...] = field(default=(), repr=False)
    completion: bytes = field(default=b"", repr=False)  # the data of the completion 06 0F

    @property
    def approved(self) -> bool:
        """True when the terminal approved (and, for a sale, charged)."""
        return self.outcome is Outcome.APPROVED

    def raise_for_outcome(self) -> Result:
        """Self when approved, else the matching typed error."""
        if self.outcome is Outcome.DECLINED:
            raise Declined(self.result_code, self.reason)
        if self.outcome is Outcome.CANCELLED:
            raise CancelledByVisitor(self.reason)
        if self.outcome is Outcome.TERMINAL_ERROR:
            raise TerminalError(self.result_code, self.reason)
        return self


class PaymentTerminal:
    """A ZVT terminal behind a :class:`Link`; one command at a time."""

    def __init__(
        self,
        link: Link,
        *,
        password: int = 123456,
        currency: int = codec.RUB,
        config: int = messages.KIOSK_RECEIPTS,
        answer_timeout: float = ANSWER_TIMEOUT,
    ) -> None:
        self.link = link
        self.password = password
        self.currency = currency
        self.config = config  # the registration's config byte (messages.KIOSK_RECEIPTS...)
        self.answer_timeout = answer_timeout
        self.state = State.IDLE
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        url: str,
        *,
        ack_timeout: float = T3_ACK,
        answer_timeout: float = ANSWER_TIMEOUT,
        config: int = messages.KIOSK_RECEIPTS,
    ) -> PaymentTerminal:
        """Open the terminal at a serial URL (``serial:///dev/ttyUSB0?baudrate=9600``)."""
        link = Link(open_port(url), ack_timeout=ack_timeout)
        return cls(link, config=config, answer_timeout=answer_timeout)

    def close(self) -> None:
        """Close the link."""
        self.link.close()

    def register(self) -> Result:
        """Registration 06 00 with :attr:`config`: the terminal accepts this ECR, or raises."""
        apdu = messages.registration(self.password, self.config, self.currency)
        return run(self._command(apdu)).raise_for_outcome()

    def sale(self, amount: int) -> Generator[Prompt, None, Result]:
        """Authorisation of ``amount`` kopecks: yields prompts, returns the result."""
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount}")
        return self._command(messages.authorisation(amount, self.currency))

    def reversal(self, receipt: int) -> Generator[Prompt, None, Result]:
        """Reversal 06 30 of the transaction with this receipt number."""
        return self._command(messages.reversal(receipt, self.password))

    def refund(self, amount: int) -> Generator[Prompt, None, Result]:
        """Refund 06 31 of ``amount`` kopecks."""
        return self._command(messages.refund(amount, self.password))

    def repeat_receipt(self) -> Result:
        """Repeat receipt 06 20: the last transaction as the terminal remembers it."""
        return run(self._command(messages.repeat_receipt(self.password)))

    def status_enquiry(self) -> enquiry.TerminalStatus:
        """Status enquiry 05 01: the terminal's software version and status code, or raises."""
        result = run(self._command(messages.status_enquiry(self.password)))
        result.raise_for_outcome()
        return enquiry.parse_status_enquiry_completion(result.completion)

    def end_of_day(self) -> Result:
        """End of day 06 50."""
        return run(self._command(messages.end_of_day(self.password)))

    def _command(self, apdu: codec.Apdu) -> Generator[Prompt, None, Result]:
        if not self._lock.acquire(blocking=False):
            raise PaymentError("the terminal is busy with another command")
        self.state = State.BUSY
        try:
            result = yield from self._exchange(apdu)
        except BaseException:
            self.state = State.BROKEN
            raise
        finally:
            self._lock.release()
        self.state = State.IDLE
        return result

    def _acknowledgement(self) -> codec.Apdu:
        """The terminal's 80 00 or 84 xx to our command, past messages of a broken-off one."""
        link = self.link
        deadline = time.monotonic() + link.ack_timeout
        while True:
            first = codec.decode_apdu(link.receive(max(deadline - time.monotonic(), 0.0)))
            if not _stale(first.command):
                return first

    def _exchange(self, apdu: codec.Apdu) -> Generator[Prompt, None, Result]:
        link = self.link
        link.discard()
        link.send(apdu.encode())
        first = self._acknowledgement()
        if first.command[0] == codec.REFUSED:  # ZVT §2.1: 84 xx, the command is refused
            code = first.command[1]
            return Result(messages.classify(code), code, messages.reason(code))
        if first.command != codec.ACK_APDU[:2]:
            raise FrameError(f"expected 80 00, got {first.command.hex(' ')}")
        status: messages.StatusInfo | None = None
        lines: list[str] = []
        while True:
            msg = codec.decode_apdu(link.receive(self.answer_timeout))
            link.send(codec.ACK_APDU)
            if msg.command == codec.INTERMEDIATE_STATUS:
                inter = messages.parse_intermediate(msg.data)
                yield Prompt(inter.status, inter.text)
            elif msg.command == codec.PRINT_LINE:
                lines.append(messages.parse_print_line(msg.data))
            elif msg.command == codec.STATUS_INFORMATION:
                status = messages.parse_status_information(msg.data)
                if status.unknown_tag is not None:
                    log.warning("status information read up to BMP %#04x", status.unknown_tag)
            elif msg.command == codec.ABORT_FROM_PT:
                return _result(messages.parse_abort(msg.data), status, lines)
            elif msg.command == codec.COMPLETION:
                code = status.result_code if status else 0
                return replace(_result(code, status, lines), completion=msg.data)


def _stale(command: bytes) -> bool:
    """A terminal message (not an answer to a command) from a command broken off earlier."""
    return command in _MESSAGES


_MESSAGES = frozenset(
    {
        codec.INTERMEDIATE_STATUS,
        codec.STATUS_INFORMATION,
        codec.PRINT_LINE,
        codec.COMPLETION,
        codec.ABORT_FROM_PT,
    }
)


def _result(code: int, status: messages.StatusInfo | None, lines: list[str]) -> Result:
    """The command's end: its result code, the status information's references, the slip."""
    outcome, reason = messages.classify(code), messages.reason(code)
    if status is None:
        return Result(outcome, code, reason, receipt_lines=tuple(lines))
    return Result(
        outcome,
        code,
        reason,
        amount=status.amount,
        currency=status.currency,
        trace=status.trace,
        receipt=status.receipt,
        terminal_id=status.terminal_id,
        when=status.when,
        card_name=status.card_name,
        original_trace=status.original_trace,
        receipt_lines=tuple(lines),
    )


def run(
    command: Generator[Prompt, None, Result], on_prompt: Callable[[Prompt], None] | None = None
) -> Result:
    """Drive a command to its end, passing each prompt to ``on_prompt``."""
    while True:
        try:
            prompt = next(command)
        except StopIteration as done:
            result: Result = done.value
            return result
        if on_prompt is not None:
            on_prompt(prompt)
