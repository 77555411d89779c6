"""The ticket printer's operations over an injected transport, with typed errors.

Synchronous on purpose: the agent runs one printer in one thread. Nothing here waits
without a deadline. A job counts as printed only when the printer answers the process ID
request (GS ( H fn 48) sent after it: a printer answers it once it has processed every
byte before it, and an empty or open printer never gets there. A job that raises was not
printed yet, but may still be in the printer's buffer: :meth:`TicketPrinter.printed_after_all`
says whether it came out before the job is sent again.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType

from ticket_printer import codec
from ticket_printer.codec import (
    STATUS_REQUESTS,
    NvKeys,
    PrinterState,
    PrinterStatus,
    ProcessDone,
    StatusAnswer,
)
from ticket_printer.errors import (
    BadStatus,
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrintTimeout,
)
from ticket_printer.layout import (
    Logo,
    TextSlip,
    TicketSlip,
    render_pairing_code,
    render_slip,
    render_test_page,
    render_ticket,
)
from ticket_printer.profile import PAPER_80, PrinterProfile
from ticket_printer.transport import Transport, open_transport

__all__ = ["PrinterState", "PrinterStatus", "TicketPrinter"]

log = logging.getLogger(__name__)

# A printer answers DLE EOT within milliseconds, even in the middle of a job.
STATUS_TIMEOUT_S = 0.5
# While a job prints, ask this often whether the paper ran out or the cover opened.
POLL_INTERVAL_S = 0.25
JOB_TIMEOUT_S = 10.0
# Writing NV memory takes seconds on real printers (flash erase).
LOGO_TIMEOUT_S = 30.0
LOGO_JOB_ID = 9999
_READ_CHUNK = 256
_CAN = b"\x18"


class TicketPrinter:
    """One ESC/POS ticket printer: status, NV logo, jobs confirmed by process ID."""

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile = PAPER_80,
        *,
        logo: Logo | None = None,
        status_timeout_s: float = STATUS_TIMEOUT_S,
        poll_interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.logo = logo
        self.logo_stored = False
        self.status_timeout_s = status_timeout_s
        self.poll_interval_s = poll_interval_s
        self._tail = b""
        self._statuses: list[int] = []
        self._done: set[str] = set()
        self._nv_keys: NvKeys | None = None

    @classmethod
    def open(
        cls, url: str, profile: PrinterProfile = PAPER_80, *, logo: Logo | None = None
    ) -> TicketPrinter:
        """A driver on the link ``url`` names (see :func:`open_transport`)."""
        return cls(open_transport(url), profile, logo=logo)

    def close(self) -> None:
        """Close the link."""
        self.transport.close()

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading answers -------------------------------------------------------------

    def _pump(self, timeout_s: float) -> None:
        """Read what arrives within ``timeout_s`` and sort it by kind of answer."""
        data = self.transport.read(_READ_CHUNK, max(timeout_s, 0.0))
        if not data:
            return
        try:
            answers, self._tail = codec.scan_answers(self._tail + data)
        except BadStatus:
            self._tail = b""
            self._drain()
            raise
        for answer in answers:
            match answer:
                case StatusAnswer(byte):
                    self._statuses.append(byte)
                case ProcessDone(process_id):
                    self._done.add(process_id)
                case NvKeys():
                    self._nv_keys = answer

    def _drain(self) -> None:
        """Throw away what is waiting, so that garbage does not spoil the next answer."""
        for _ in range(64):
            if not self.transport.read(_READ_CHUNK, 0.0):
                return

    # -- status ----------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2 and 4; PrinterOffline if nothing answers, BadStatus for garbage."""
        if not self.transport.answers:
            return PrinterStatus()
        self._pump(0.0)
        if self._statuses:
            # Late answers to an earlier request must not pass for this one's.
            log.warning("dropping stale status bytes %s", bytes(self._statuses).hex(" "))
            self._statuses.clear()
        self.transport.write(b"".join(codec.status_request(n) for n in STATUS_REQUESTS))
        deadline = time.monotonic() + self.status_timeout_s
        while len(self._statuses) < len(STATUS_REQUESTS):
            left = deadline - time.monotonic()
            # Past the deadline, still read what is waiting: on a loaded machine this
            # thread may wake late, with the answer long in the buffer.
            self._pump(left)
            if left <= 0:
                break
        got, self._statuses = bytes(self._statuses), []
        if len(got) > len(STATUS_REQUESTS):
            self._drain()
            raise BadStatus(
                f"{self.transport.url}: three status requests got {got.hex(' ')}: more "
                "answers than questions; check that nothing else talks on the line"
            )
        if len(got) < len(STATUS_REQUESTS) and self._tail:
            # The deadline passed in the middle of an answer: it will never be complete.
            tail, self._tail = self._tail, b""
            raise BadStatus(
                f"{self.transport.url}: the printer sent {tail.hex(' ')} and stopped "
                "(truncated answer): check the cable and the baud rate"
            )
        if not got:
            raise PrinterOffline(
                f"{self.transport.url}: no answer to a status request in "
                f"{self.status_timeout_s} s; is the printer switched on and not in an error?"
            )
        if len(got) < len(STATUS_REQUESTS):
            raise BadStatus(
                f"{self.transport.url}: three status requests got only {got.hex(' ')} "
                "(truncated): check the cable and the baud rate"
            )
        status = PrinterStatus()
        for n, byte in zip(STATUS_REQUESTS, got, strict=False):
            status |= codec.parse_status(n, bytes((byte,)))
        return status

    def state(self) -> PrinterState:
        """The printer's condition for the hub; "offline" when it does not answer."""
        try:
            return self.status().state
        except PrinterOffline:
            return PrinterState.OFFLINE

    def _raise_for(self, status: PrinterStatus, what: str) -> None:
        """The error for a printer that cannot print ``what`` now; nothing if it can."""
        if status.paper_out:
            raise PaperOut(f"paper out: put in a new roll; {what} was not printed")
        if status.cover_open:
            raise CoverOpen(f"cover open: close it; {what} was not printed")
        if status.error:
            raise PrinterError(
                f"printer error (cutter jam or overheated head?): check it, then switch it "
                f"off and on; {what} was not printed"
            )
        if not status.online:
            raise PrinterOffline(f"printer is offline; {what} was not printed")

    # -- jobs ------------------------------------------------------------------------

    def print_job(self, data: bytes, job_id: int, timeout_s: float = JOB_TIMEOUT_S) -> None:
        """Print ``data``; return only once the printer confirms it processed all of it."""
        what = f"job {job_id}"
        self._raise_for(self.status(), what)
        process_id = codec.process_id_for(job_id)
        self._done.discard(process_id)
        self.transport.write(data + codec.process_id_request(process_id))
        if not self.transport.answers:
            return
        self._wait_done(process_id, what, timeout_s)
        self._done.discard(process_id)
        log.debug("printed job=%d bytes=%d", job_id, len(data))

    def printed_after_all(self, job_id: int, timeout_s: float = JOB_TIMEOUT_S) -> bool:
        """Whether a job whose printing raised came out after all; False only once the
        printer proved it does not hold the job, else the reason it cannot tell yet.

        A printer with a receive buffer keeps what it got while it could not print (paper
        out, cover open) and prints it once it can; a status answer that came too late
        says nothing of the job either. Sending the job again could give the visitor two
        tickets. GS ( H is answered in the order received, so once a fresh request sent
        now is answered, the job's own answer has come if it ever will.
        """
        if not self.transport.answers:
            return False
        what = f"job {job_id}"
        self._raise_for(self.status(), what)
        # Any ID but the job's own: only one job is ever in the printer's hands.
        fence = codec.process_id_for(job_id + 1)
        self._done.discard(fence)
        self.transport.write(codec.process_id_request(fence))
        self._wait_done(fence, what, timeout_s)
        self._done.discard(fence)
        process_id = codec.process_id_for(job_id)
        printed = process_id in self._done
        self._done.discard(process_id)
        return printed

    def _wait_done(self, process_id: str, what: str, timeout_s: float) -> None:
        """Return once the printer answered ``process_id``; raise why it stopped, or
        PrintTimeout after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        next_check = time.monotonic() + self.poll_interval_s
        while process_id not in self._done:
            now = time.monotonic()
            if now >= deadline:
                self._unconfirmed(process_id, what, timeout_s)
                return
            if now >= next_check:
                # Real-time status is answered even mid-job: an empty roll shows at once.
                status = self.status()
                if process_id not in self._done:
                    self._raise_for(status, what)
                next_check = now + self.poll_interval_s
                continue
            self._pump(min(deadline, next_check) - now)

    def _unconfirmed(self, process_id: str, what: str, timeout_s: float) -> None:
        """After the deadline: the cause the printer reports, else PrintTimeout."""
        status = self.status()
        if process_id in self._done:
            return
        self._raise_for(status, what)
        raise PrintTimeout(
            f"{what} was not confirmed within {timeout_s} s although the printer reports "
            f"{status.reason}; it may not be printed"
        )

    def print_ticket(self, slip: TicketSlip, job_id: int, timeout_s: float = JOB_TIMEOUT_S) -> None:
        """Lay out and print one queue ticket (the logo from NV memory if stored)."""
        data = render_ticket(slip, self.profile, self.logo, logo_stored=self.logo_stored)
        self.print_job(data, job_id, timeout_s)

    def print_slip(self, slip: TextSlip, job_id: int, timeout_s: float = JOB_TIMEOUT_S) -> None:
        """Lay out and print a slip of text lines (a receipt), confirmed like a ticket."""
        data = render_slip(slip, self.profile, self.logo, logo_stored=self.logo_stored)
        self.print_job(data, job_id, timeout_s)

    def print_pairing_code(self, code: str, job_id: int, timeout_s: float = JOB_TIMEOUT_S) -> None:
        """Print the code a technician types to enroll this printer."""
        self.print_job(render_pairing_code(code, self.profile), job_id, timeout_s)

    def print_test_page(self, job_id: int = 1, timeout_s: float = JOB_TIMEOUT_S) -> None:
        """Print the test page of :func:`render_test_page`."""
        self.print_job(render_test_page(self.profile), job_id, timeout_s)

    # -- logo ------------------------------------------------------------------------

    def configure(self, profile: PrinterProfile, logo: Logo | None) -> None:
        """Print for ``profile`` from now on, with ``logo`` (None: none) stored if it can be."""
        self.profile = profile
        if logo is None:
            self.logo, self.logo_stored = None, False
        else:
            self.store_logo(logo)

    def stored_nv_keys(self) -> tuple[str, ...] | None:
        """Keys of the NV graphics the printer holds; None if it will not say."""
        self._nv_keys = None
        self.transport.write(codec.nv_key_list_request())
        deadline = time.monotonic() + self.status_timeout_s
        while self._nv_keys is None and time.monotonic() < deadline:
            self._pump(deadline - time.monotonic())
        answer = self._nv_keys
        if answer is None:
            return None
        if answer.more:
            # More than 40 keys: end the handshake rather than page through them.
            self.transport.write(_CAN)
            return None
        return answer.keys

    def store_logo(
        self, logo: Logo, *, force: bool = False, timeout_s: float = LOGO_TIMEOUT_S
    ) -> bool:
        """Keep ``logo`` in NV memory unless already there; True if it was written.

        NV memory is flash that wears out after some thousands of writes, so the logo
        is written once per printer, not once per start of the agent.
        """
        self.logo = logo
        self.logo_stored = False
        if not (self.profile.has_nv_graphics and self.transport.answers):
            return False
        if not force and logo.key in (self.stored_nv_keys() or ()):
            self.logo_stored = True
            return False
        self.print_job(codec.nv_define(logo.key, logo.image), LOGO_JOB_ID, timeout_s)
        self.logo_stored = True
        return True
