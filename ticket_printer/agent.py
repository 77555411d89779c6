"""The printer agent: print jobs from the hub session, each printed once, state reported.

One thread owns the printer (pyserial and sockets block); the event loop only queues
jobs and waits for them. A "print" command is acknowledged when the printer confirmed
the ticket, so the hub's job state is the paper's. A job that cannot print now (paper
out, cover open, cable pulled) stays queued on disk and prints when the printer is back;
the state is reported to the hub at once, so kiosks stop promising paper.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.protobuf import json_format

from protos.okno.v1 import devices_pb2, printing_pb2
from ticket_printer.codec import PrinterState
from ticket_printer.driver import TicketPrinter
from ticket_printer.errors import (
    BadStatus,
    CoverOpen,
    LinkLost,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrintTimeout,
)
from ticket_printer.jobs import Job, JobQueue, JobState
from ticket_printer.layout import Logo, TextSlip, TicketSlip
from ticket_printer.settings import PrinterSettings

log = logging.getLogger(__name__)
POLL_S = 0.5
RETRY_S = 1.0
DISCONNECTED = "printer disconnected"
GARBAGE = "printer answers garbage: check the cable and baud rate"

Report = Callable[[str, str], None]


class PrinterAgent:
    def __init__(
        self,
        open_printer: Callable[[], TicketPrinter],
        jobs: JobQueue,
        report: Report,
        *,
        settings: PrinterSettings | None = None,
        logo: Logo | None = None,
        poll_s: float = POLL_S,
        retry_s: float = RETRY_S,
    ) -> None:
        """``report(error, warning)`` tells the hub; it is called from the event loop.

        ``settings`` are the command line's, which the hub's settings override key by key.
        """
        self._open_printer = open_printer
        self._base = settings or PrinterSettings()
        self._settings = self._base
        self._logo = logo
        self._jobs = jobs
        self._report = report
        self._poll_s = poll_s
        self._retry_s = retry_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._waiters: dict[int, list[asyncio.Future[str]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reported: tuple[str, str] | None = None
        # The settings the open printer was last given (None: not yet).
        self._applied: PrinterSettings | None = None
        # The job whose printing raised, and whether it went as a copy: the printer may
        # still hold it, so it is not sent again before the printer proved it does not.
        self._unsettled: tuple[int, bool] | None = None

    def configure(self, config: dict[str, str]) -> None:
        """Settings from the hub (ticket_printer/settings.py); BadSettings says what is wrong."""
        self._settings = self._base.updated(config)
        self._wake.set()

    async def handle(self, command: devices_pb2.Command) -> str:
        """Run a command from the hub; "" once done, else why not (shown to the technician)."""
        if command.kind not in _READERS:
            return f'a ticket printer does not take "{command.kind}" commands'
        try:
            _READERS[command.kind](command.payload_json)
        except ValueError as bad:
            log.warning("print job refused job=%d reason=%s", command.id, bad)
            return f"bad print job: {bad}"[:200]
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[str] = loop.create_future()
        # Waiting before queueing: the printer thread may finish the job at once.
        self._waiters.setdefault(command.id, []).append(waiter)
        job = await asyncio.to_thread(
            self._jobs.add, command.id, command.payload_json, command.kind
        )
        if job.state in (JobState.PRINTED, JobState.FAILED):
            self._resolve(job.id, job.error)
        self._wake.set()
        try:
            return await waiter
        finally:
            waiters = self._waiters.get(command.id, [])
            if waiter in waiters:
                waiters.remove(waiter)

    async def run(self, stop: asyncio.Event) -> None:
        """Drive the printer until ``stop``; jobs on disk from before a restart go first."""
        self._loop = asyncio.get_running_loop()
        thread = threading.Thread(target=self._work, name="okno-printer", daemon=True)
        thread.start()
        try:
            await stop.wait()
        finally:
            self._stopping.set()
            self._wake.set()
            await asyncio.to_thread(thread.join)

    # -- the printer thread ------------------------------------------------------------

    def _work(self) -> None:
        printer: TicketPrinter | None = None
        while not self._stopping.is_set():
            try:
                if printer is None:
                    printer = self._open_printer()
                    self._applied = None
                    log.info("printer link open")
                job = self._jobs.next()
                # After taking the job: settings the hub heard acknowledged before it apply.
                while self._applied is not self._settings:
                    self._apply(printer, self._settings)
                if job is None:
                    self._show(printer.state())
                    self._pause(self._poll_s)
                else:
                    self._print(printer, job)
            except LinkLost as lost:
                log.warning("printer link lost reason=%s", lost)
                if printer is not None:
                    printer.close()
                printer = None
                self._show(PrinterState.OFFLINE, DISCONNECTED)
                self._pause(self._retry_s)
            except BadStatus as garbage:
                log.warning("printer status unreadable reason=%s", garbage)
                self._show(
                    PrinterState.ERROR, "printer answers garbage: check the cable and baud rate"
                )
                self._pause(self._retry_s)
            except PrinterError as cannot:
                log.info("printer cannot print code=%s reason=%s", cannot.code, cannot)
                self._show(_state_of(cannot))
                self._pause(self._retry_s)
        if printer is not None:
            printer.close()

    def _apply(self, printer: TicketPrinter, settings: PrinterSettings) -> None:
        """Print for the printer's capabilities from now on; its logo into NV memory once."""
        try:
            printer.configure(settings.profile, self._logo if settings.prints_logo else None)
        except LinkLost:
            raise
        except PrinterError as error:
            # Tickets still print, with the logo sent as a raster each time.
            log.warning("logo not stored in the printer reason=%s", error)
        self._applied = settings
        log.info(
            "printer settings paper_width=%d code_page=%s qr=%s logo=%s",
            settings.paper_width,
            settings.code_page,
            settings.qr,
            settings.logo,
        )

    def _print(self, printer: TicketPrinter, job: Job) -> None:
        try:
            slip = _READERS[job.kind](job.payload_json)
        except (KeyError, ValueError) as bad:
            failed = self._jobs.mark(job, JobState.FAILED, f"bad print job: {bad}"[:200])
            self._finished(failed)
            return
        if self._unsettled is not None and self._unsettled[0] == job.id:
            # Raises (the job still unsettled) while the printer cannot tell.
            came_out = printer.printed_after_all(job.id)
            _, copy = self._unsettled
            self._unsettled = None
            if came_out:
                log.info("printed after all job=%d %s", job.id, _what(slip))
                self._finished(self._jobs.mark(job, JobState.PRINTED))
                self._show(printer.state())
                return
            # Proven not on paper: it goes out again as it went (an original, unless a
            # crash had made it a copy).
            slip = replace(slip, copy=copy)
        elif job.state is JobState.SENDING:
            # Left "sending" by a crash: it may have come out, so this one says it is a copy.
            slip = replace(slip, copy=True)
        sending = self._jobs.mark(job, JobState.SENDING)
        try:
            if isinstance(slip, TextSlip):
                printer.print_slip(slip, job.id)
            else:
                printer.print_ticket(slip, job.id)
        except LinkLost:
            # Sent, perhaps printed, but the confirmation was lost with the cable: the
            # job stays "sending", so it comes out again marked as a copy.
            raise
        except PrinterError:
            # Not confirmed (paper out, cover open, a status answer late): it stays
            # "sending", a copy if the agent restarts, and is settled before it is resent.
            self._unsettled = (job.id, slip.copy)
            raise
        printed = self._jobs.mark(sending, JobState.PRINTED)
        log.info("printed job=%d %s copy=%s", job.id, _what(slip), slip.copy)
        self._finished(printed)
        self._show(printer.state())

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _finished(self, job: Job) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._resolve, job.id, job.error)

    def _show(self, state: PrinterState, reason: str = "") -> None:
        """Report a change of state to the hub (from the printer thread)."""
        error = "" if state.can_print else reason or state.value
        warning = state.value if state is PrinterState.PAPER_NEAR_END else ""
        if (error, warning) == self._reported:
            return
        self._reported = (error, warning)
        log.info("printer state=%s error=%s", state.value, error or "-")
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._report, error, warning)

    # -- back on the event loop --------------------------------------------------------

    def _resolve(self, job_id: int, error: str) -> None:
        for waiter in self._waiters.pop(job_id, []):
            if not waiter.done():
                waiter.set_result(error)


def _state_of(error: PrinterError) -> PrinterState:
    if isinstance(error, PaperOut):
        return PrinterState.PAPER_OUT
    if isinstance(error, CoverOpen):
        return PrinterState.COVER_OPEN
    if isinstance(error, (PrinterOffline, PrintTimeout)):
        return PrinterState.OFFLINE
    return PrinterState.ERROR


def ticket_slip(payload_json: str) -> TicketSlip:
    """The slip to print from a "print" command's payload; ValueError says what is wrong."""
    try:
        slip = json_format.Parse(payload_json, printing_pb2.TicketSlip())
    except json_format.ParseError as bad:
        raise ValueError(f"not a ticket slip ({bad})") from bad
    if not slip.number:
        raise ValueError("the ticket has no number")
    try:
        zone = ZoneInfo(slip.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as bad:
        raise ValueError(f"unknown time zone {slip.timezone!r}") from bad
    appointment = ""
    if slip.appointment_unix_ms:
        at = datetime.fromtimestamp(slip.appointment_unix_ms / 1000, zone)
        appointment = f"По записи на {at:%H:%M}"
    priority = ""
    if slip.priority_name:
        priority = f"Льгота: {slip.priority_name}"
        if slip.priority_claimed:
            priority += ". Покажите документ у окна"
    return TicketSlip(
        branch_name=slip.branch_name,
        number=slip.number,
        service_name=slip.service_name,
        issued_at=datetime.fromtimestamp(slip.issued_at_unix_ms / 1000, zone),
        people_ahead=slip.people_ahead,
        wait_minutes=slip.wait_minutes if slip.wait_known else None,
        desk_hint=_desks(list(slip.desk_numbers)),
        status_url=slip.status_url,
        appointment=appointment or None,
        copy=slip.copy,
        priority=priority or None,
        large=slip.large,
    )


def text_slip(payload_json: str) -> TextSlip:
    """The slip to print from a "print_slip" command's payload; ValueError says what is wrong."""
    try:
        slip = json_format.Parse(payload_json, printing_pb2.TextSlip())
    except json_format.ParseError as bad:
        raise ValueError(f"not a text slip ({bad})") from bad
    if not slip.title:
        raise ValueError("the slip has no title")
    return TextSlip(slip.title, tuple(slip.lines), slip.copy)


_READERS: dict[str, Callable[[str], TicketSlip | TextSlip]] = {
    "print": ticket_slip,
    "print_slip": text_slip,
}


def _what(slip: TicketSlip | TextSlip) -> str:
    """For the log: a ticket's number; a slip's size (its text may name the visitor)."""
    return (
        f"slip lines={len(slip.lines)}" if isinstance(slip, TextSlip) else f"ticket={slip.number}"
    )


def _desks(numbers: list[int]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"Окно {numbers[0]}"
    return "Окна: " + ", ".join(str(n) for n in numbers)
