"""A simulated ZVT terminal on the far end of a pty pair, with fault switches.

The driver opens :attr:`SimulatedTerminal.port_path` with pyserial; the simulator answers
on the pty's master in its own thread. Its ledger is what a bank would have charged.
"""

from __future__ import annotations

import os
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from types import TracebackType

from payment_terminal import bmp, codec, enquiry, messages
from payment_terminal.errors import PaymentError, TerminalTimeout
from payment_terminal.transport import FdPort, Link, Port

POLL = 0.02  # how often the thread looks at its stop event
SOFTWARE_VERSION = "okno-sim ZVT 13.11"  # what a status enquiry reports
FUNCTION_NOT_POSSIBLE = 0x83  # ZVT error list: refused, unsupported or wrong password
WRONG_CURRENCY = 0x6F  # ZVT error list: a currency other than the terminal's own
# What the simulator executes; every other command is refused with 84 83, as a real
# terminal refuses a function it does not offer.
SUPPORTED = frozenset(
    {
        codec.REGISTRATION,
        codec.AUTHORISATION,
        codec.REVERSAL,
        codec.REPEAT_RECEIPT,
        codec.END_OF_DAY,
        codec.STATUS_ENQUIRY,
    }
)
ECR_WAIT = 3.0  # how long the terminal waits for the ECR's 80 00 00 before giving up
SLOW_S = 2.0  # the card time of a SLOW terminal


class Mode(Enum):
    """How the simulated terminal answers an authorisation."""

    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"  # the visitor presses Stop at the PIN pad
    SILENT = "silent"  # acknowledges the command, then never answers
    GARBAGE = "garbage"  # answers with bytes that are no frame
    BAD_CRC = "bad_crc"  # every answer frame carries a wrong CRC
    DROP = "drop"  # charges the card, then the link drops before the result is told
    SLOW = "slow"  # approves, after the visitor took SLOW_S seconds at the PIN pad


@dataclass
class Transaction:
    """One charge in the simulator's ledger, or a reversal (``reverses``: its trace)."""

    receipt: int
    trace: int
    amount: int
    when: datetime
    currency: int = codec.RUB
    reversed: bool = False
    reverses: int | None = None


class PacedPort:
    """A port as slow as a serial line at ``baudrate`` both ways (a pty is instant).

    A write leaves once its bytes would have been on the wire; bytes read are handed on
    once their last one would have arrived. 10 bits a byte (8N1).
    """

    def __init__(self, port: Port, baudrate: int) -> None:
        self._port = port
        self._byte_s = 10 / baudrate

    def write(self, data: bytes) -> None:
        time.sleep(len(data) * self._byte_s)
        self._port.write(data)

    def read_some(self, timeout: float) -> bytes:
        data = self._port.read_some(timeout)
        time.sleep(len(data) * self._byte_s)
        return data

    def close(self) -> None:
        self._port.close()


class SimulatedTerminal:
    """A ZVT payment terminal speaking the real wire protocol over a pty.

    Faults: :attr:`mode` for how a sale ends; ``link.nak_next`` / ``link.mute_next`` to NAK
    or leave unacknowledged the next frames from the ECR.
    """

    def __init__(
        self,
        mode: Mode = Mode.APPROVE,
        *,
        terminal_id: int = 52001233,
        decline_code: int = 0x05,
        prompts: tuple[str, ...] = ("Вставьте карту", "Введите PIN"),
        card_time: float = 0.0,
        baudrate: int | None = None,
        config: int = messages.TERMINAL_PRINT_LINES,
        card_name: str = "MIR",
        clock: Callable[[], datetime] = datetime.now,
        password: int = 123456,
        currency: int = codec.RUB,
        charge_as: tuple[int, int] | None = None,
        more_bmps: bytes = b"",
    ) -> None:
        self.mode = mode
        self.password = password
        self.currency = currency  # the only currency this terminal takes (ISO 4217)
        # A faulty terminal: charges (amount, currency) whatever it was asked, and says so.
        self.charge_as = charge_as
        # BMPs a real terminal adds to an approval's status information (masked PAN,
        # chip data, PIN data...), encoded as on the wire; the simulator's own are fewer.
        self.more_bmps = more_bmps
        # The config byte in force: the terminal's own setup until an ECR registers
        # (print lines and prompts, as a register that never registered gets them).
        self.config = config
        self.card_name = card_name
        self.clock = clock
        # Seconds the visitor spends at the PIN pad before the bank answers (a bench
        # subtracts it to measure the protocol alone).
        self.card_time = card_time
        self.terminal_id = terminal_id
        self.decline_code = decline_code
        self.prompts = prompts
        self.ledger: list[Transaction] = []  # charges
        self.reversals: list[Transaction] = []  # each with its own trace and receipt
        self.commands: list[bytes] = []  # control fields of every command executed
        self.repeats = 0  # repeated frames recognised and not executed again
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self.port_path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty survives until the driver opens it
        port: Port = FdPort(self._master)
        if baudrate is not None:
            port = PacedPort(port, baudrate)
        self.link = Link(port, ack_timeout=1.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-zvt", daemon=True)
        self._next_trace = 1
        self._next_receipt = 1

    def start(self) -> SimulatedTerminal:
        """Start answering."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close both ends of the pty (the cable is pulled)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.link.close()
        os.close(self._slave)

    def __enter__(self) -> SimulatedTerminal:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        last: bytes | None = None
        while not self._stop.is_set():
            try:
                apdu = self.link.receive(POLL)
            except TerminalTimeout:
                continue
            except PaymentError:
                continue
            if apdu == codec.ACK_APDU:
                continue
            if self.link.last_muted:
                # Received but not acknowledged (as if the ACK were lost): the ECR repeats it.
                last = apdu
                continue
            if apdu == last:
                # ZVT §2.2: a repeated frame is the same request, executed once.
                self.repeats += 1
            last = None
            self._execute(apdu)

    def _execute(self, raw: bytes) -> None:
        while True:
            try:
                apdu = codec.decode_apdu(raw)
                self.commands.append(apdu.command)
                self._handle(apdu)
            except _NewCommand as new:
                raw = new.raw  # the ECR started over: the command it sent now is served
                continue
            except PaymentError:
                pass  # the ECR went away mid-command; wait for the next one
            return

    def _tell(self, apdu: codec.Apdu) -> None:
        """Send a message to the ECR and wait for its 80 00 00.

        An ECR that stays silent for ECR_WAIT is gone (the command ends); one that sends a
        command instead has started over (a restarted cash register).
        """
        self.link.send(apdu.encode())
        deadline = time.monotonic() + ECR_WAIT
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                got = self.link.receive(POLL)
            except TerminalTimeout:
                continue
            if got == codec.ACK_APDU:
                return
            raise _NewCommand(got)
        raise _Done

    def _handle(self, apdu: codec.Apdu) -> None:
        command = apdu.command
        if command not in SUPPORTED:
            self._refuse(FUNCTION_NOT_POSSIBLE)
        elif command == codec.AUTHORISATION:
            self._authorise(apdu)
        elif command == codec.REGISTRATION:
            self._register(messages.parse_registration(apdu.data))
        elif messages.password_of(apdu.data) != self.password:
            self._refuse(FUNCTION_NOT_POSSIBLE)
        else:
            self.link.send(codec.ACK_APDU)
            self._administer(apdu)

    def _refuse(self, code: int) -> None:
        """84 xx instead of 80 00 00: the command is not executed (ZVT §2.1)."""
        self.link.send(messages.refusal(code).encode())

    def _register(self, registration: messages.Registration) -> None:
        if registration.password != self.password:
            self._refuse(FUNCTION_NOT_POSSIBLE)
            return
        if registration.currency not in (None, self.currency):
            self._refuse(WRONG_CURRENCY)
            return
        self.config = registration.config
        self.link.send(codec.ACK_APDU)
        # Completion: status byte, terminal id, and the currency code when the ECR sent one.
        data = bytes([0x19, 0x00, codec.BMP_TID]) + codec.bcd(self.terminal_id, 4)
        if registration.currency is not None:
            data += bytes([codec.BMP_CURRENCY]) + codec.bcd(self.currency, 2)
        self._tell(codec.Apdu(codec.COMPLETION, data))

    def _administer(self, apdu: codec.Apdu) -> None:
        """The commands that open with the password, after the 80 00 00."""
        command = apdu.command
        if command == codec.STATUS_ENQUIRY:
            self._tell(enquiry.status_enquiry_completion(SOFTWARE_VERSION))
            return
        if command == codec.REVERSAL:
            self._reverse(bmp.parse_bmps(apdu.data[3:]))
        elif command == codec.REPEAT_RECEIPT and (self.ledger or self.reversals):
            last = max((*self.ledger, *self.reversals), key=lambda t: t.trace)
            self._tell(self._status(0, last))
            self._print(f"Копия чека {last.receipt}")
        elif command == codec.END_OF_DAY:
            self._tell(self._status(0))
            self._next_receipt = 1  # receipt numbers start again each day; the trace runs on
        self._tell(codec.Apdu(codec.COMPLETION, bytes([0x19, 0x00])))

    def _status(self, code: int, tx: Transaction | None = None) -> codec.Apdu:
        if tx is None:
            return messages.status_information(code, terminal_id=self.terminal_id)
        return messages.status_information(
            code,
            tx.amount,
            tx.trace,
            tx.receipt,
            self.terminal_id,
            currency=tx.currency,
            when=tx.when,
            card_name=self.card_name,
            original_trace=tx.reverses,
        )

    def _print(self, *lines: str) -> None:
        """The slip as print lines, if the ECR registered for them (ZVT config 0x02|0x80)."""
        if messages.sends_print_lines(self.config):
            for line in lines:
                self._tell(messages.print_line(line))

    def _transaction(self, amount: int, currency: int, reverses: int | None = None) -> Transaction:
        """A new transaction with the next receipt and trace numbers, at the terminal's time."""
        tx = Transaction(
            self._next_receipt, self._next_trace, amount, self.clock(), currency, reverses=reverses
        )
        self._next_receipt += 1
        self._next_trace += 1
        return tx

    def _authorise(self, apdu: codec.Apdu) -> None:
        fields = bmp.parse_bmps(apdu.data)
        asked = fields.get(codec.BMP_CURRENCY)
        if asked is not None and codec.from_bcd(asked) != self.currency:
            self._refuse(WRONG_CURRENCY)
            return
        amount = codec.from_bcd(fields[codec.BMP_AMOUNT])
        self.link.send(codec.ACK_APDU)
        prompts = self.prompts if self.config & messages.INTERMEDIATE_STATUS_WANTED else ()
        for i, text in enumerate(prompts):
            self._tell(messages.intermediate_status(0x0A if i == 0 else 0x01, text))
        mode = self.mode
        time.sleep(max(self.card_time, SLOW_S if mode is Mode.SLOW else 0.0))
        if mode is Mode.SILENT:
            return
        if mode is Mode.GARBAGE:
            self.link.write_raw(b"\x00\xffNO CARRIER\r\n\x7f")
            return
        if mode is Mode.BAD_CRC:
            frame = codec.encode_frame(codec.Apdu(codec.ABORT_FROM_PT, b"\x6c").encode())
            for _ in range(3):
                self.link.write_raw(frame[:-1] + bytes([frame[-1] ^ 0xFF]))
            return
        if mode is Mode.CANCEL:
            self._tell(codec.Apdu(codec.ABORT_FROM_PT, bytes([messages.RESULT_CANCELLED])))
            return
        if mode is Mode.DECLINE:
            self._tell(self._status(self.decline_code))
            self._tell(codec.Apdu(codec.ABORT_FROM_PT, bytes([self.decline_code])))
            return
        tx = self._transaction(*(self.charge_as or (amount, self.currency)))
        self.ledger.append(tx)
        if mode is Mode.DROP:
            return
        told = self._status(0, tx)
        result, references = told.data[:2], told.data[2:]  # 27 xx first, as real ones do
        self._tell(codec.Apdu(told.command, result + self.more_bmps + references))
        self._print("ОПЛАТА", f"Сумма: {messages.money(tx.amount, tx.currency)}")
        self._tell(codec.Apdu(codec.COMPLETION, bytes([0x19, 0x00])))

    def _reverse(self, fields: dict[int, bytes]) -> None:
        """A reversal is a transaction of its own: new trace and receipt, BMP 37 the original."""
        receipt = codec.from_bcd(fields.get(codec.BMP_RECEIPT, b"\x00\x00"))
        tx = next((t for t in reversed(self.ledger) if t.receipt == receipt), None)
        if tx is None or tx.reversed:
            self._tell(codec.Apdu(codec.ABORT_FROM_PT, bytes([0xB5 if tx is None else 0xB4])))
            raise _Done
        tx.reversed = True
        reversal = self._transaction(tx.amount, tx.currency, reverses=tx.trace)
        self.reversals.append(reversal)
        self._tell(self._status(0, reversal))

    def charged(self) -> int:
        """Kopecks charged and not reversed: what the visitors' banks took."""
        return sum(t.amount for t in self.ledger if not t.reversed)


class _Done(PaymentError):
    """The command already ended (with an abort); nothing more to send."""


class _NewCommand(PaymentError):
    """The ECR sent a command while the terminal waited for its acknowledgement."""

    def __init__(self, raw: bytes) -> None:
        super().__init__("the ECR started a new command")
        self.raw = raw
