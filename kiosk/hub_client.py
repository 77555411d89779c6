"""The kiosk's calls to the hub: the only module of the kiosk that speaks gRPC.

Every call has a deadline, so a hub that hangs is a hub that is down. gRPC errors are
mapped here, in one place: a refusal the hub explains (trailing metadata ``okno-error``)
becomes :class:`~kiosk.errors.Refusal` with that code; no answer (UNAVAILABLE, a
deadline) becomes :class:`~kiosk.errors.HubUnreachable`.

Issuing retries on UNAVAILABLE with the *same* request id until ``issue_within_s``: the
hub answers a repeated id with the ticket it already made, so a lost answer or a double
send never makes a second ticket.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import grpc
from google.protobuf.message import Message

from kiosk.booking import Booked, SlotList, SlotOffer
from kiosk.catalogue import Catalogue, Group, Service, Wait, grouped
from kiosk.catalogue_info import Guide, guide_from
from kiosk.claims import Category
from kiosk.core import CardVisitor
from kiosk.errors import HubUnreachable, Refusal
from kiosk.lookup import AppStatus, Found
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState, printer_health
from kiosk.ticket import Issued
from okno.runtime.refusals import no_answer, refusal, retried
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    applications_pb2,
    applications_pb2_grpc,
    appointments_pb2,
    appointments_pb2_grpc,
    catalogue_pb2,
    catalogue_pb2_grpc,
    common_pb2,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)

log = logging.getLogger(__name__)
R = TypeVar("R")

DEADLINE_S = 2.0
ISSUE_WITHIN_S = 4.0
_PRINT_STATES = {
    common_pb2.PRINT_JOB_STATE_QUEUED: PrintState.SENDING,
    common_pb2.PRINT_JOB_STATE_PRINTED: PrintState.PRINTED,
    common_pb2.PRINT_JOB_STATE_FAILED: PrintState.FAILED,
}


def translate(error: grpc.aio.AioRpcError) -> HubUnreachable | Refusal:
    """A gRPC error as the kiosk's: the hub's refusal code, or no answer."""
    refused = refusal(error)
    if refused is None:
        return HubUnreachable(no_answer(error))
    return Refusal(refused.reason, refused.details, {"message": refused.details, **refused.facts})


def _times(slot_ms: int, opens_ms: int, timezone: str, today: str) -> dict[str, str]:
    """A booking's slot and the opening of its check-in, as the screen words them."""
    zone = ZoneInfo(timezone) if timezone else None
    slot = datetime.fromtimestamp(slot_ms / 1000, UTC).astimezone(zone)
    times = {"time": f"{slot:%H:%M}", "day": f"{slot:%d.%m}", "date": slot.date().isoformat()}
    if opens_ms:
        opens = datetime.fromtimestamp(opens_ms / 1000, UTC).astimezone(zone)
        times["opens"] = f"{opens:%H:%M}"
    if times["date"] != today:
        times["other_day"] = "1"
    return times


def _minutes(seconds: int) -> int:
    return math.ceil(seconds / 60) if seconds > 0 else 0


def _print(job: common_pb2.PrintJob, asked: bool) -> tuple[PrintState, str, int]:
    if not asked:
        return PrintState.NONE, "", 0
    return _PRINT_STATES.get(job.state, PrintState.FAILED), job.error, job.job_id


def _issued(
    request_id: str,
    answer: appointments_pb2.CheckInResponse | queue_pb2.IssueTicketResponse,
    printed: bool,
) -> Issued:
    """A ticket (a walk-in's, or a check-in's with its booking's time) as the kiosk shows it."""
    state, error, job_id = _print(answer.print_job, printed)
    ticket, estimate = answer.ticket, answer.estimate
    booked = answer.booking.time if isinstance(answer, appointments_pb2.CheckInResponse) else ""
    return Issued(
        request_id,
        ticket.id,
        ticket.number,
        ticket.service_id,
        estimate.people_ahead,
        _minutes(estimate.estimated_wait_s),
        estimate.known,
        ticket.issued_at_unix_ms,
        job_id,
        state,
        error,
        appointment=booked,
        priority=ticket.priority if ticket.priority_claimed else "",
    )


def _found(app: applications_pb2.Application) -> Found:
    name = applications_pb2.ApplicationStatus.Name(app.status)
    return Found(
        app.number,
        app.service_id,
        app.service_name,
        app.authority,
        AppStatus(name.removeprefix("APPLICATION_STATUS_").lower()),
        app.planned_ready,
        app.collect_by,
        app.reason,
    )


def _slots(answer: appointments_pb2.ListSlotsResponse) -> SlotList:
    offers = tuple(SlotOffer(s.start_unix_ms, s.day, s.time, s.free) for s in answer.slots)
    return SlotList(answer.first_day, answer.last_day, offers)


class KioskHub:
    """The hub as the kiosk uses it, over one channel (mutual TLS or, in development, plain)."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        *,
        deadline_s: float = DEADLINE_S,
        issue_within_s: float = ISSUE_WITHIN_S,
    ) -> None:
        self._admin = admin_pb2_grpc.AdminStub(channel)
        self._queue = queue_pb2_grpc.QueueServiceStub(channel)
        self._printing = printing_pb2_grpc.PrintingStub(channel)
        self._appointments = appointments_pb2_grpc.AppointmentsStub(channel)
        self._applications = applications_pb2_grpc.ApplicationsStub(channel)
        self._catalogue = catalogue_pb2_grpc.CatalogueStub(channel)
        self._deadline_s = deadline_s
        self._issue_within_s = issue_within_s

    async def catalogue(self, settings: KioskSettings) -> Catalogue:
        """The branch, its services and their groups."""
        try:
            branch = await self._admin.GetBranch(
                admin_pb2.GetBranchRequest(), timeout=self._deadline_s
            )
            listed = await self._admin.ListServices(
                admin_pb2.ListServicesRequest(), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        services = [
            Service(s.id, s.prefix, s.name_ru, s.name_en, s.group_id, s.fee_kopecks, s.fee_purpose)
            for s in listed.services
        ]
        # The kiosk's own settings stand in where the branch names no groups or page.
        sent = [Group(g.id, g.name_ru, g.name_en) for g in listed.groups]
        services_t, groups = grouped(services, sent, settings.group_names)
        page = branch.ticket_page_url or settings.ticket_page_url
        return Catalogue(
            settings.title or branch.name,
            branch.timezone,
            services_t,
            groups,
            ticket_page_url=page,
            digest=branch.config_digest,
            keep_contacts_days=branch.keep_contacts_days,
            collect_service=branch.collect_service,
            categories=tuple(
                Category(p.id, p.name_ru, p.name_en, p.document_ru, p.document_en)
                for p in listed.priorities
                if p.claimable
            ),
        )

    async def guide(self, known_version: str) -> Guide | None:
        """The hub's catalogue of what each service asks and gives; None while
        ``known_version`` is current (the hub then sends only that)."""
        try:
            info = await self._catalogue.GetCatalogue(
                catalogue_pb2.GetCatalogueRequest(known_version=known_version),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return None if info.unchanged else guide_from(info)

    async def print_checklist(
        self, request_id: str, service_id: str, printer_id: str, language: str
    ) -> tuple[int, PrintState, str]:
        """A service's checklist on the printer, composed by the hub: its job, state, error.

        Retried with the same request id, so a lost answer never prints a second paper."""
        request = catalogue_pb2.PrintChecklistRequest(
            service_id=service_id, printer_id=printer_id, request_id=request_id, language=language
        )
        job = await self._retried(self._catalogue.PrintChecklist, request)
        state, error, job_id = _print(job, True)
        return job_id, state, error

    async def send_link(self, service_id: str, phone: str, language: str) -> str:
        """The service's link to ``phone`` by SMS; the phone as the hub shows it back."""
        try:
            sent = await self._catalogue.SendLink(
                catalogue_pb2.SendLinkRequest(
                    service_id=service_id, phone=phone, language=language
                ),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return sent.phone_hint

    async def digest(self) -> str:
        try:
            branch = await self._admin.GetBranch(
                admin_pb2.GetBranchRequest(), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return branch.config_digest

    async def waits(self) -> tuple[dict[str, Wait], int, str]:
        """Each service's wait for a newcomer, the hub's clock (Unix ms) and its day."""
        try:
            state = await self._queue.GetQueueState(
                queue_pb2.GetQueueStateRequest(), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        waits = {
            q.service_id: Wait(
                q.estimate.people_ahead, _minutes(q.estimate.estimated_wait_s), q.estimate.known
            )
            for q in state.queues
        }
        return waits, state.at_unix_ms, state.day

    async def printer(self, printer_id: str) -> tuple[Printer, str]:
        """Whether the kiosk's printer can print now, and why not."""
        try:
            state = await self._printing.GetPrinterState(
                printing_pb2.GetPrinterStateRequest(printer_id=printer_id),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        if state.ready:
            return Printer.READY, ""
        return printer_health(state.reason), state.reason

    async def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
        payment_id: int = 0,
        *,
        priority: str = "",
        large: bool = False,
    ) -> Issued:
        """A ticket (and its print job); Refusal or HubUnreachable, never a guess.

        A visitor identified by card sends the name (for the operator) and the SNILS hash;
        one who just paid the fee, the payment's id; one who claimed a priority category,
        its id; ``large``: the slip in large type.
        """
        request = queue_pb2.IssueTicketRequest(
            request_id=request_id,
            service_id=service_id,
            printer_id=printer_id,
            visitor_name=visitor.name if visitor else "",
            snils_hash=visitor.snils_hash if visitor else "",
            payment_id=payment_id,
            priority=priority,
            large_print=large,
        )
        answer = await self._retried(self._queue.IssueTicket, request)
        return _issued(request_id, answer, bool(printer_id))

    async def check_in(
        self, request_id: str, code: str, printer_id: str, timezone: str, today: str
    ) -> Issued:
        """The priority ticket of a booking; a refusal carries the booking's times."""
        request = appointments_pb2.CheckInRequest(
            request_id=request_id, code=code, printer_id=printer_id
        )
        try:
            answer = await self._retried(self._appointments.CheckIn, request)
        except Refusal as refusal:
            if refusal.reason in ("check_in_too_early", "check_in_too_late"):
                refusal.detail.update(await self._booking_times(code, timezone, today))
            raise
        return _issued(request_id, answer, bool(printer_id))

    async def check_in_by_card(
        self, request_id: str, snils_hash: str, printer_id: str, timezone: str, today: str
    ) -> Issued:
        """The priority ticket of the booking made with this card's SNILS hash; a refusal
        carries the booking's times, which the hub sends with it (there is no code)."""
        request = appointments_pb2.CheckInByCardRequest(
            request_id=request_id, snils_hash=snils_hash, printer_id=printer_id
        )
        try:
            answer = await self._retried(self._appointments.CheckInByCard, request)
        except Refusal as refusal:
            slot_ms = int(refusal.detail.get("slot-ms", "0") or 0)
            if slot_ms:
                opens_ms = int(refusal.detail.get("check-in-from-ms", "0") or 0)
                refusal.detail.update(_times(slot_ms, opens_ms, timezone, today))
            raise
        return _issued(request_id, answer, bool(printer_id))

    async def slots(self, service_id: str) -> SlotList:
        """Every slot of the service on the bookable days, with its free seats."""
        try:
            answer = await self._appointments.ListSlots(
                appointments_pb2.ListSlotsRequest(service_id=service_id), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return _slots(answer)

    async def free_after(self, service_id: str, after_ms: int, limit: int) -> SlotList:
        """The first slots with a free seat after a moment (a slot just taken)."""
        try:
            answer = await self._appointments.FindFreeSlots(
                appointments_pb2.FindFreeSlotsRequest(
                    service_id=service_id, after_unix_ms=after_ms, limit=limit
                ),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return _slots(answer)

    async def book(
        self,
        request_id: str,
        service_id: str,
        slot_start_ms: int,
        phone: str,
        snils_hash: str = "",
    ) -> Booked:
        """A booking made at this kiosk; the same request id is the same booking."""
        request = appointments_pb2.BookRequest(
            request_id=request_id,
            service_id=service_id,
            slot_start_unix_ms=slot_start_ms,
            channel=appointments_pb2.BOOKING_CHANNEL_KIOSK,
            phone=phone,
            snils_hash=snils_hash,
        )
        booking = (await self._retried(self._appointments.Book, request)).booking
        return Booked(request_id, booking.code, booking.service_id, booking.day, booking.time)

    async def look_up(self, number: str, phone: str) -> Found:
        """The application with this number and phone; a wrong pair is the refusal
        ``unknown_application``, too many of them ``too_many_attempts``. Not retried: each
        try counts against the kiosk on the hub."""
        try:
            answer = await self._applications.LookUp(
                applications_pb2.LookUpApplicationRequest(number=number, phone=phone),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return _found(answer)

    async def by_card(self, snils_hash: str) -> tuple[Found, ...]:
        """The applications of the card's holder (its SNILS hash), newest first."""
        try:
            answer = await self._applications.LookUpByCard(
                applications_pb2.LookUpByCardRequest(snils_hash=snils_hash),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return tuple(_found(app) for app in answer.applications)

    async def print_slip(
        self, printer_id: str, request_id: str, title: str, lines: Sequence[str]
    ) -> tuple[int, PrintState, str]:
        """A slip (a booking's code, a receipt) on the printer: its job, state and error.

        The same request id is the same job, so a retried slip never prints twice."""
        request = printing_pb2.PrintSlipRequest(
            printer_id=printer_id, request_id=request_id, title=title, lines=list(lines)
        )
        job = await self._retried(self._printing.PrintSlip, request)
        state, error, job_id = _print(job, True)
        return job_id, state, error

    async def print_job(self, job_id: int) -> tuple[PrintState, str]:
        try:
            job = await self._printing.GetPrintJob(
                printing_pb2.GetPrintJobRequest(job_id=job_id), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
        return _PRINT_STATES.get(job.state, PrintState.FAILED), job.error

    async def _booking_times(self, code: str, timezone: str, today: str) -> dict[str, str]:
        """When the booking is and when its check-in opens, in the branch's local time."""
        try:
            booking = (
                await self._appointments.GetBooking(
                    appointments_pb2.GetBookingRequest(code=code), timeout=self._deadline_s
                )
            ).booking
        except grpc.aio.AioRpcError as error:
            log.info("booking times unknown: %s", translate(error))
            return {}
        return _times(booking.slot_start_unix_ms, booking.check_in_from_unix_ms, timezone, today)

    async def _retried(self, call: Callable[..., Awaitable[R]], request: Message) -> R:
        """The call's answer, asked again (same request) while the hub does not answer."""
        try:
            return await retried(
                call, request, deadline_s=self._deadline_s, within_s=self._issue_within_s
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error
