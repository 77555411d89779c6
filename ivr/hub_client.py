"""The voice menu's calls to the hub: the :class:`~ivr.menus_port.HubPort` over gRPC.

The only module of ``ivr`` that speaks gRPC. Every call has a deadline, so a hub that
hangs is a hub that is down; errors are mapped here, in one place: a refusal the hub
explains (trailing metadata ``okno-error``) becomes :class:`~ivr.errors.Refused` with
that code, no answer :class:`~ivr.errors.HubUnreachable`.

Book, move and cancel are asked again on no answer with the *same* request id until
``change_within_s``: the hub answers a repeated id with what it already did, so a lost
answer never books twice. Look-ups by code or application number are not repeated: each
miss counts against this device on the hub.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import grpc
from google.protobuf.message import Message

from ivr.errors import HubUnreachable, Refused
from ivr.menus_port import Booked, GroupQueue, Offer, Slot, Status, TicketWait
from okno.runtime.refusals import no_answer, refusal, retried
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    applications_pb2,
    applications_pb2_grpc,
    appointments_pb2,
    appointments_pb2_grpc,
    common_pb2,
    queue_pb2,
    queue_pb2_grpc,
)

log = logging.getLogger(__name__)
R = TypeVar("R")

DEADLINE_S = 2.0
CHANGE_WITHIN_S = 4.0
# The branch's services and groups change with its configuration, rarely: read again after.
CATALOGUE_S = 60.0
# Free slots and the day, shared by every call for this long: many callers at once ask the
# hub once. A slot taken meanwhile is refused by the hub at booking ("just taken"), never
# booked twice; so a list this old costs a caller a retry at worst.
FRESH_S = 2.0
_CALLED = {common_pb2.TICKET_STATE_CALLED, common_pb2.TICKET_STATE_SERVING}


def translate(error: grpc.aio.AioRpcError) -> HubUnreachable | Refused:
    """A gRPC error as the menu's: the hub's refusal code, or no answer."""
    refused = refusal(error)
    if refused is None:
        return HubUnreachable(no_answer(error))
    return Refused(refused.reason, refused.details)


@dataclass(frozen=True, slots=True)
class _Catalogue:
    zone: ZoneInfo
    # service id -> (name, group id, bookable)
    services: dict[str, tuple[str, str, bool]]
    groups: list[tuple[str, str]]
    read_at: float


class HubClient:
    """The hub as the voice menu uses it, over one channel (mutual TLS as a voice_menu)."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        *,
        deadline_s: float = DEADLINE_S,
        change_within_s: float = CHANGE_WITHIN_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._admin = admin_pb2_grpc.AdminStub(channel)
        self._queue = queue_pb2_grpc.QueueServiceStub(channel)
        self._appointments = appointments_pb2_grpc.AppointmentsStub(channel)
        self._applications = applications_pb2_grpc.ApplicationsStub(channel)
        self._deadline_s = deadline_s
        self._change_within_s = change_within_s
        self._monotonic = monotonic
        self._catalogue: _Catalogue | None = None
        self._reading = asyncio.Lock()
        self._fresh: dict[str, tuple[float, object]] = {}
        self._asking: dict[str, asyncio.Lock] = {}

    async def _ask(self, call: Callable[..., Awaitable[R]], request: Message) -> R:
        try:
            return await call(request, timeout=self._deadline_s)
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error

    async def _known(self) -> _Catalogue:
        """The branch's time zone, services and groups, read at most every CATALOGUE_S."""
        async with self._reading:
            known = self._catalogue
            if known is not None and self._monotonic() - known.read_at < CATALOGUE_S:
                return known
            branch = await self._ask(self._admin.GetBranch, admin_pb2.GetBranchRequest())
            listed = await self._ask(self._admin.ListServices, admin_pb2.ListServicesRequest())
            self._catalogue = _Catalogue(
                ZoneInfo(branch.timezone or "UTC"),
                {s.id: (s.name_ru, s.group_id, s.bookable) for s in listed.services},
                [(g.id, g.name_ru) for g in listed.groups],
                self._monotonic(),
            )
            return self._catalogue

    async def _shared(self, key: str, read: Callable[[], Awaitable[R]]) -> R:
        """``read()``'s answer, asked once for every caller within FRESH_S."""
        async with self._asking.setdefault(key, asyncio.Lock()):
            known = self._fresh.get(key)
            if known is not None and self._monotonic() - known[0] < FRESH_S:
                return known[1]  # type: ignore[return-value]
            value = await read()
            self._fresh[key] = (self._monotonic(), value)
            return value

    async def today(self) -> date:
        async def read() -> date:
            branch = await self._ask(self._admin.GetBranch, admin_pb2.GetBranchRequest())
            return date.fromisoformat(branch.day)

        return await self._shared("today", read)

    async def queue_now(self) -> list[GroupQueue]:
        """Per group: everyone waiting for its services, and the longest newcomer's wait."""
        known = await self._known()
        state = await self._ask(self._queue.GetQueueState, queue_pb2.GetQueueStateRequest())
        by_group: dict[str, list[common_pb2.ServiceQueue]] = {}
        for queue in state.queues:
            group = known.services.get(queue.service_id, ("", "", False))[1]
            by_group.setdefault(group, []).append(queue)
        named = known.groups or [(g, g) for g in by_group]
        told = []
        for group_id, name in named:
            queues = by_group.get(group_id, [])
            estimates = [q.estimate for q in queues if q.estimate.known]
            told.append(
                GroupQueue(
                    name,
                    sum(q.waiting for q in queues),
                    max((e.estimated_wait_s for e in estimates), default=0),
                    bool(estimates),
                )
            )
        return told

    async def ticket_waits(self, digits: str) -> list[TicketWait]:
        answer = await self._ask(
            self._queue.FindTicketWait, queue_pb2.FindTicketWaitRequest(digits=digits)
        )
        return [
            TicketWait(
                w.ticket.number,
                w.estimate.people_ahead,
                w.estimate.estimated_wait_s,
                w.estimate.known,
                w.ticket.state in _CALLED,
            )
            for w in answer.waits
        ]

    async def offers(self) -> list[Offer]:
        known = await self._known()
        return [Offer(sid, name) for sid, (name, _, bookable) in known.services.items() if bookable]

    async def _free(self, service_id: str) -> list[Slot]:
        """The service's free slots over the whole booking horizon, earliest first."""

        async def read() -> list[Slot]:
            known = await self._known()
            answer = await self._ask(
                self._appointments.ListSlots,
                appointments_pb2.ListSlotsRequest(service_id=service_id, only_free=True),
            )
            zone = ZoneInfo(answer.timezone) if answer.timezone else known.zone
            return [
                Slot(s.service_id, s.start_unix_ms, _at(s.start_unix_ms, zone))
                for s in answer.slots
                if s.free > 0
            ]

        return await self._shared(f"slots {service_id}", read)

    async def free_days(self, service_id: str) -> list[date]:
        return sorted({slot.at.date() for slot in await self._free(service_id)})

    async def free_slots(self, service_id: str, day: date) -> list[Slot]:
        return [s for s in await self._free(service_id) if s.at.date() == day]

    async def book(self, request_id: str, slot: Slot, *, phone: str, send_code: bool) -> Booked:
        request = appointments_pb2.BookRequest(
            request_id=request_id,
            service_id=slot.service_id,
            slot_start_unix_ms=slot.start_ms,
            channel=appointments_pb2.BOOKING_CHANNEL_CALL_CENTRE,
            phone=phone,
            send_code=send_code,
        )
        return await self._booked(await self._retried(self._appointments.Book, request))

    async def find_booking(self, keys: str, phone: str) -> Booked:
        answer = await self._ask(
            self._appointments.FindBookingByKeys,
            appointments_pb2.FindBookingByKeysRequest(keys=keys, phone=phone),
        )
        return await self._booked(answer)

    async def move(self, request_id: str, booked: Booked, slot: Slot, phone: str) -> Booked:
        request = appointments_pb2.MoveRequest(
            request_id=request_id, code=booked.code, slot_start_unix_ms=slot.start_ms, phone=phone
        )
        return await self._booked(await self._retried(self._appointments.Move, request))

    async def cancel(self, request_id: str, booked: Booked, phone: str) -> Booked:
        request = appointments_pb2.CancelBookingRequest(
            request_id=request_id, code=booked.code, reason="cancelled by phone", phone=phone
        )
        return await self._booked(await self._retried(self._appointments.Cancel, request))

    async def application(self, number: str, phone: str) -> Status:
        app = await self._ask(
            self._applications.LookUp,
            applications_pb2.LookUpApplicationRequest(number=number, phone=phone),
        )
        name = applications_pb2.ApplicationStatus.Name(app.status)
        planned = date.fromisoformat(app.planned_ready) if app.planned_ready else None
        return Status(name.removeprefix("APPLICATION_STATUS_").lower(), planned)

    async def _booked(self, answer: appointments_pb2.BookingResponse) -> Booked:
        known = await self._known()
        booking = answer.booking
        name = known.services.get(booking.service_id, (booking.service_id, "", False))[0]
        return Booked(
            booking.code,
            booking.service_id,
            name,
            _at(booking.slot_start_unix_ms, known.zone),
        )

    async def _retried(self, call: Callable[..., Awaitable[R]], request: Message) -> R:
        """The call's answer, asked again (same request) while the hub does not answer."""
        try:
            return await retried(
                call,
                request,
                deadline_s=self._deadline_s,
                within_s=self._change_within_s,
                monotonic=self._monotonic,
            )
        except grpc.aio.AioRpcError as error:
            raise translate(error) from error


def _at(unix_ms: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(unix_ms / 1000, UTC).astimezone(zone)
