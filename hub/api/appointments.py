"""Appointments: thin over ``hub/booking.py``; every change answered once committed."""

from __future__ import annotations

from hub.api import convert, permissions, scope
from hub.api.devices import peer_host
from hub.api.doorkeeper import current
from hub.api.printing import Printers, slip
from hub.api.status import Context, rpc
from hub.booking import CheckedIn
from hub.domain.appointments import SlotView
from hub.domain.model import Appointment
from hub.errors import InvalidRequest
from hub.service import Hub
from protos.okno.v1 import appointments_pb2, appointments_pb2_grpc

# Devices a visitor uses: each reaches a booking only with its phone number.
_VISITORS_DEVICES = frozenset({permissions.KIOSK, permissions.VOICE_MENU})


class AppointmentsServicer(appointments_pb2_grpc.AppointmentsServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._printers = Printers(hub.fleet)

    @rpc
    async def ListSlots(
        self, request: appointments_pb2.ListSlotsRequest, context: Context
    ) -> appointments_pb2.ListSlotsResponse:
        _require(service_id=request.service_id)
        views = await self._hub.bookings.slots(
            request.service_id, request.from_day, request.to_day, only_free=request.only_free
        )
        return self._slots(views)

    @rpc
    async def FindFreeSlots(
        self, request: appointments_pb2.FindFreeSlotsRequest, context: Context
    ) -> appointments_pb2.ListSlotsResponse:
        _require(service_id=request.service_id)
        views = await self._hub.bookings.free_slots(
            request.service_id, request.after_unix_ms, request.limit or 5
        )
        return self._slots(views)

    @rpc
    async def Book(
        self, request: appointments_pb2.BookRequest, context: Context
    ) -> appointments_pb2.BookingResponse:
        _require(service_id=request.service_id)
        if not request.slot_start_unix_ms:
            raise InvalidRequest("missing slot_start_unix_ms: give a slot's start from ListSlots")
        channel = convert.channel(request.channel)
        if channel is None:
            raise InvalidRequest(
                "missing channel: say where the booking is made (kiosk, call centre, online)"
            )
        booked = await self._hub.bookings.book(
            request.service_id,
            request.slot_start_unix_ms,
            channel,
            request_id=request.request_id,
            phone=request.phone,
            email=request.email,
            name=request.name,
            snils_hash=request.snils_hash,
            snils=request.snils,
            # Unset keeps the kiosk's and the web's messages; the phone menu asks the caller.
            messages=request.send_code if request.HasField("send_code") else True,
        )
        return self._response(booked)

    @rpc
    async def Move(
        self, request: appointments_pb2.MoveRequest, context: Context
    ) -> appointments_pb2.BookingResponse:
        _require(code=request.code)
        if not request.slot_start_unix_ms:
            raise InvalidRequest("missing slot_start_unix_ms: give a slot's start from ListSlots")
        moved = await self._hub.bookings.move(
            request.code,
            request.slot_start_unix_ms,
            caller=self._caller(context, request.phone),
            request_id=request.request_id,
            phone=_visitors_phone(request.phone),
        )
        return self._response(moved)

    @rpc
    async def Cancel(
        self, request: appointments_pb2.CancelBookingRequest, context: Context
    ) -> appointments_pb2.BookingResponse:
        _require(code=request.code)
        cancelled = await self._hub.bookings.cancel(
            request.code,
            caller=self._caller(context, request.phone),
            reason=request.reason,
            request_id=request.request_id,
            phone=_visitors_phone(request.phone),
        )
        return self._response(cancelled)

    @rpc
    async def GetBooking(
        self, request: appointments_pb2.GetBookingRequest, context: Context
    ) -> appointments_pb2.BookingResponse:
        _require(code=request.code)
        found = await self._hub.bookings.get(
            request.code,
            caller=self._caller(context, request.phone),
            phone=_visitors_phone(request.phone, required=False),
        )
        return self._response(found)

    @rpc
    async def FindBookings(
        self, request: appointments_pb2.FindBookingsRequest, context: Context
    ) -> appointments_pb2.FindBookingsResponse:
        _require(phone=request.phone)
        found = await self._hub.bookings.find(request.phone)
        calendar = self._hub.appointments.calendar
        return appointments_pb2.FindBookingsResponse(
            bookings=[convert.booking(a, calendar) for a in found]
        )

    @rpc
    async def FindBookingByKeys(
        self, request: appointments_pb2.FindBookingByKeysRequest, context: Context
    ) -> appointments_pb2.BookingResponse:
        _require(keys=request.keys, phone=request.phone)
        found = await self._hub.bookings.find_by_keys(
            request.keys, request.phone, caller=self._caller(context, request.phone)
        )
        return self._response(found)

    @rpc
    async def CheckIn(
        self, request: appointments_pb2.CheckInRequest, context: Context
    ) -> appointments_pb2.CheckInResponse:
        _require(code=request.code)
        scope.check_printer(current(), request.printer_id)
        device = _device()
        checked = await self._hub.bookings.check_in(
            request.code,
            caller=device or peer_host(context.peer()),
            device_id=device,
            request_id=request.request_id,
            phone=_visitors_phone(request.phone, required=False),
        )
        return await self._checked_in(checked, request.printer_id)

    @rpc
    async def CheckInByCard(
        self, request: appointments_pb2.CheckInByCardRequest, context: Context
    ) -> appointments_pb2.CheckInResponse:
        _require(snils_hash=request.snils_hash)
        scope.check_printer(current(), request.printer_id)
        device = _device()
        checked = await self._hub.bookings.check_in_by_card(
            request.snils_hash,
            caller=device or peer_host(context.peer()),
            device_id=device,
            request_id=request.request_id,
        )
        return await self._checked_in(checked, request.printer_id)

    async def _checked_in(
        self, checked: CheckedIn, printer_id: str
    ) -> appointments_pb2.CheckInResponse:
        response = appointments_pb2.CheckInResponse(
            booking=convert.booking(checked.appointment, self._hub.appointments.calendar),
            ticket=convert.ticket(checked.ticket),
            estimate=convert.estimate(checked.estimate),
            sequence=self._hub.committed_seq,
        )
        if printer_id:
            # Keyed by the ticket, as IssueTicket: a retried check-in prints once.
            job = await self._printers.submit(
                printer_id,
                slip(self._hub.loaded.branch, checked.ticket, checked.estimate),
                key=f"ticket:{checked.ticket.id}",
            )
            response.print_job.CopyFrom(job)
        return response

    def _slots(self, views: list[SlotView]) -> appointments_pb2.ListSlotsResponse:
        first, last = self._hub.bookings.horizon()
        return appointments_pb2.ListSlotsResponse(
            slots=[convert.slot(v) for v in views],
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            timezone=self._hub.loaded.branch.timezone,
        )

    def _response(self, booking: Appointment) -> appointments_pb2.BookingResponse:
        return appointments_pb2.BookingResponse(
            booking=convert.booking(booking, self._hub.appointments.calendar),
            sequence=self._hub.committed_seq,
        )

    def _caller(self, context: Context, phone: str = "") -> str:
        """Who is asking, for counting wrong codes: the device, else the host; the voice
        menu's caller by their number (scope.guesser)."""
        return scope.guesser(current(), phone, _device() or peer_host(context.peer()))


def _device() -> str:
    """The id of the device calling (the doorkeeper identified it); "" for a person."""
    device = current().device
    return "" if device is None else device.id


def _visitors_phone(phone: str, *, required: bool = True) -> str | None:
    """The phone a kiosk (or the voice menu: the caller's number) must give with a booking's
    code to change it (the visitor's own booking), or None for staff, who reach any booking
    by its code.

    Looking a booking up and checking in at the kiosk take the code alone (``required``
    False): the visitor stands there with it, and the answer shows no contact (only its
    hint) and no name; a phone given then must still match.
    """
    kinds = current().kinds
    if kinds.isdisjoint(_VISITORS_DEVICES):
        return None
    # A voice menu's caller is not standing before it with a slip: always their number.
    return phone if phone or required or permissions.VOICE_MENU in kinds else None


def _require(**fields: str) -> None:
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise InvalidRequest(f"missing {', '.join(missing)}: the request must name it")
