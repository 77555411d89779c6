"""Tickets to the hall's printers: a print job is a "print" command to a ticket printer.

The hub never promises a print it cannot make: a printer that is offline or reports an
error (paper out) gets no job, and the answer says why, so the kiosk tells the visitor
before they walk away expecting paper. A job is kept until the printer says it printed
it, and one request (the same ticket, or the same reprint request) makes one job.
"""

from __future__ import annotations

import logging
import math

from google.protobuf import json_format
from google.protobuf.message import Message

from hub.api import scope
from hub.api.doorkeeper import current
from hub.api.status import Context, rpc
from hub.devices.fleet import Fleet
from hub.devices.registry import Admission, Presence
from hub.domain.branch import Branch
from hub.domain.model import Ticket, WaitEstimate
from hub.errors import InvalidRequest, NotFound, Refused
from hub.service import Hub
from okno.links import ticket_url
from okno.logtext import oneline
from protos.okno.v1 import common_pb2, printing_pb2, printing_pb2_grpc

log = logging.getLogger(__name__)
PRINTER_KIND = "ticket_printer"
PRINT_KINDS = ("print", "print_slip")  # a ticket, a slip of text lines
MAX_SLIP_LINES = 80
MAX_LINE_CHARS = 200


class Printers:
    def __init__(self, fleet: Fleet) -> None:
        self._fleet = fleet

    def unready(self, printer_id: str) -> str:
        """Why the printer cannot print now, or "" when it can."""
        try:
            printer = self._fleet.device(printer_id)
        except NotFound:
            return f"no printer {printer_id}"
        if printer.kind != PRINTER_KIND:
            return f"{printer_id} is a {printer.kind}, not a ticket printer"
        if printer.admission is not Admission.APPROVED:
            return f"printer {printer_id} is {printer.admission.value}"
        presence = printer.presence(self._fleet.now_ms())
        if presence is Presence.OFFLINE:
            return "printer offline"
        return printer.error if presence is Presence.ERROR else ""

    def warning(self, printer_id: str) -> str:
        """What a printer that still prints warns of ("paper near end"), or ""."""
        return self._fleet.device(printer_id).warning

    async def submit(
        self, printer_id: str, slip: printing_pb2.TicketSlip, key: str
    ) -> common_pb2.PrintJob:
        """Send the ticket to the printer, once per ``key``; a refusal is a FAILED job."""
        return await self._send(printer_id, "print", slip, key, f"ticket={slip.number}")

    async def submit_text(
        self, printer_id: str, slip: printing_pb2.TextSlip, key: str
    ) -> common_pb2.PrintJob:
        """Send a slip of text lines to the printer, once per ``key``."""
        return await self._send(printer_id, "print_slip", slip, key, f"lines={len(slip.lines)}")

    async def _send(
        self, printer_id: str, kind: str, slip: Message, key: str, what: str
    ) -> common_pb2.PrintJob:
        reason = self.unready(printer_id)
        if reason:
            log.info(
                "print refused printer=%s %s reason=%s", oneline(printer_id), what, oneline(reason)
            )
            return common_pb2.PrintJob(
                printer_id=printer_id, state=common_pb2.PRINT_JOB_STATE_FAILED, error=reason
            )
        payload = json_format.MessageToJson(slip, indent=None)
        job_id = await self._fleet.send(printer_id, kind, payload, key=key)
        log.info("print queued printer=%s %s job=%d", oneline(printer_id), what, job_id)
        return common_pb2.PrintJob(
            job_id=job_id, printer_id=printer_id, state=common_pb2.PRINT_JOB_STATE_QUEUED
        )

    async def job(self, job_id: int) -> common_pb2.PrintJob:
        record = await self._fleet.command(job_id)
        if record.kind not in PRINT_KINDS:
            raise NotFound(f"command {job_id} is not a print job")
        if not record.acked:
            state = common_pb2.PRINT_JOB_STATE_QUEUED
        elif record.outcome == "done":
            state = common_pb2.PRINT_JOB_STATE_PRINTED
        else:
            state = common_pb2.PRINT_JOB_STATE_FAILED
        error = record.outcome if state == common_pb2.PRINT_JOB_STATE_FAILED else ""
        return common_pb2.PrintJob(
            job_id=job_id, printer_id=record.device_id, state=state, error=error
        )


def slip(
    branch: Branch, ticket: Ticket, estimate: WaitEstimate | None, *, large: bool = False
) -> printing_pb2.TicketSlip:
    """What the printer prints for a ticket; without an estimate it is a copy; ``large``
    for a visitor the kiosk's voice guides."""
    service = next(s for s in branch.services if s.id == ticket.service_id)
    category = branch.priority(ticket.priority)
    shown = category is not None and category.id != branch.appointments.priority
    desks = sorted(d.number for d in branch.desks if ticket.service_id in d.services)
    made = printing_pb2.TicketSlip(
        ticket_id=ticket.id,
        number=ticket.number,
        service_name=service.name_ru,
        service_name_en=service.name_en,
        issued_at_unix_ms=ticket.issued_at_ms,
        timezone=branch.timezone,
        desk_numbers=desks,
        status_url=ticket_url(branch.ticket_page_url, ticket.id),
        appointment_unix_ms=ticket.priority_from_ms if ticket.priority else 0,
        branch_name=branch.name,
        copy=estimate is None,
        priority_name=category.name_ru if shown and category is not None else "",
        priority_claimed=shown and ticket.priority_claimed,
        large=large,
    )
    if estimate is not None:
        made.people_ahead = estimate.people_ahead
        made.wait_known = estimate.known
        made.wait_minutes = math.ceil(estimate.wait_s / 60) if estimate.known else 0
    return made


def check_slip(request: printing_pb2.PrintSlipRequest) -> None:
    """Refuse a slip no printer could print sensibly (it would waste a visitor's paper)."""
    if not request.printer_id or not request.request_id:
        raise InvalidRequest("a slip names printer_id and request_id")
    if not request.title.strip():
        raise InvalidRequest("a slip needs a title")
    if len(request.lines) > MAX_SLIP_LINES:
        raise InvalidRequest(
            f"a slip holds at most {MAX_SLIP_LINES} lines, not {len(request.lines)}"
        )
    long = [n for n, line in enumerate(request.lines, 1) if len(line) > MAX_LINE_CHARS]
    if long:
        raise InvalidRequest(f"line {long[0]} is over {MAX_LINE_CHARS} characters")


async def print_text(
    printers: Printers, request: printing_pb2.PrintSlipRequest
) -> common_pb2.PrintJob:
    """A slip of text lines on the caller's printer, one job per request_id; refused with
    the reason when the printer cannot print (PrintSlip, and the catalogue's checklist)."""
    check_slip(request)
    scope.check_printer(current(), request.printer_id)
    job = await printers.submit_text(
        request.printer_id,
        printing_pb2.TextSlip(title=request.title, lines=request.lines),
        key=f"slip:{request.request_id}",
    )
    if job.state == common_pb2.PRINT_JOB_STATE_FAILED:
        raise Refused(f"cannot print the slip: {job.error}")
    return job


class PrintingServicer(printing_pb2_grpc.PrintingServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._printers = Printers(hub.fleet)

    @rpc
    async def ReprintTicket(
        self, request: printing_pb2.ReprintTicketRequest, context: Context
    ) -> common_pb2.PrintJob:
        if not request.ticket_id or not request.printer_id or not request.request_id:
            raise InvalidRequest("a reprint names ticket_id, printer_id and request_id")
        ticket = await self._hub.ticket(request.ticket_id)
        job = await self._printers.submit(
            request.printer_id,
            slip(self._hub.loaded.branch, ticket, None),
            key=f"reprint:{request.request_id}",
        )
        if job.state == common_pb2.PRINT_JOB_STATE_FAILED:
            raise Refused(f"cannot reprint ticket {ticket.number}: {job.error}")
        return job

    @rpc
    async def PrintSlip(
        self, request: printing_pb2.PrintSlipRequest, context: Context
    ) -> common_pb2.PrintJob:
        return await print_text(self._printers, request)

    @rpc
    async def GetPrinterState(
        self, request: printing_pb2.GetPrinterStateRequest, context: Context
    ) -> printing_pb2.PrinterState:
        if not request.printer_id:
            raise InvalidRequest("name the printer: printer_id")
        reason = self._printers.unready(request.printer_id)
        if reason:
            return printing_pb2.PrinterState(ready=False, reason=reason)
        warning = self._printers.warning(request.printer_id)
        return printing_pb2.PrinterState(ready=True, reason=warning)

    @rpc
    async def GetPrintJob(
        self, request: printing_pb2.GetPrintJobRequest, context: Context
    ) -> common_pb2.PrintJob:
        job = await self._printers.job(request.job_id)
        # A kiosk follows the jobs of its own printer only: others' say who printed when.
        scope.check_printer(current(), job.printer_id)
        return job
