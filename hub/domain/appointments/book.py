"""The appointment book: who holds which seat of which slot, and what a code may do.

Pure and in memory, like the queue engine, and changed only by commands that either
raise a HubError and change nothing, or return the events they caused, numbered by the
engine in the branch's one sequence. The database keeps the same ledger and refuses a
seat given twice (``hub/store/schema.py``), so no slot ever holds more visitors than its
capacity even if this module had a bug.

A booking's life: booked -> checked in (a priority ticket) | cancelled | no-show (its
check-in window closed). Only a booked one may be moved or cancelled; its code keeps
working across a move. A booking or a move beyond the person's limits (``limits.py``) is
refused in the same command that would make it, so two at once cannot both pass. Contacts
are erased at the start of the ``keep_contacts_days``-th day after the slot's day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hub.domain.appointments import contacts
from hub.domain.appointments.calendar import SlotCalendar
from hub.domain.appointments.index import BookIndex, Contact
from hub.domain.appointments.limits import breach, limits_of
from hub.domain.appointments.refusals import Refusals
from hub.domain.appointments.seats import Seats
from hub.domain.appointments.timetable import Timetable
from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Channel,
    Event,
    EventKind,
    Outcome,
)
from hub.errors import (
    HubError,
    InvalidRequest,
    Refused,
    UnknownCode,
)


class AppointmentBook:
    def __init__(
        self, config: Branch, appointments: Iterable[Appointment] = (), *, next_id: int = 1
    ) -> None:
        """Rebuild the book from what was committed; ``next_id`` follows the largest id."""
        self._next_id = next_id
        self._take(config, appointments)
        self.check_fits(config)

    def _take(self, config: Branch, appointments: Iterable[Appointment]) -> None:
        """Index the bookings afresh under a configuration (its zone names their days)."""
        self.config = config
        self.calendar = SlotCalendar(config)
        self._refuse = Refusals(config, self.calendar)
        self._limits = limits_of(config)
        self._index = BookIndex(self.calendar.today)
        self.seats = Seats(self.calendar, self._index, self._refuse)
        self._timetable = Timetable(self.calendar, config.appointments.keep_contacts_days)
        for appointment in appointments:
            self._put(appointment)
            self._next_id = max(self._next_id, appointment.id + 1)

    # -- reading ---------------------------------------------------------------

    def get(self, code: str) -> Appointment | None:
        """The booking with a (normalised) code, if it is in memory; see RECENT_MS."""
        return self._index.by_code(code)

    def in_use(self, code: str) -> bool:
        return self._index.by_code(code) is not None

    def __len__(self) -> int:
        return len(self._index)

    def window(self, appointment: Appointment) -> tuple[int, int]:
        """When the booking may check in: from, until (both included)."""
        return self.calendar.check_in_window(appointment.slot_ms)

    def find(self, phone: str, now_ms: int) -> list[Appointment]:
        """Bookings still to come made with a phone number, soonest first."""
        normalised = contacts.phone(phone)
        if not normalised:
            raise InvalidRequest("missing phone: the request must name it")
        return self._coming(("phone", normalised), now_ms)

    def coming_by_card(self, snils_hash: str, now_ms: int) -> list[Appointment]:
        """Bookings made with a card's SNILS (hashed) whose check-in has not closed, soonest
        first: what the operator at the desk the card was read at sees."""
        return self._coming(("snils", snils_hash), now_ms)

    def find_by_card(
        self, snils_hash: str, now_ms: int, request_id: str = ""
    ) -> Appointment | None:
        """The booking a card's holder should check in with now: the first whose window is
        open, else the next to come (whose check-in then says when it opens); or the one
        this request already checked in, so that a retry gets the same ticket."""
        key: Contact = ("snils", snils_hash)
        if request_id:
            for appointment in self._index.under(key):
                if appointment.check_in_request_id == request_id:
                    return appointment
        coming = self._coming(key, now_ms)
        open_now = [a for a in coming if self.window(a)[0] <= now_ms]
        return next(iter(open_now or coming), None)

    def _coming(self, key: Contact, now_ms: int) -> list[Appointment]:
        """Booked appointments under a contact whose check-in has not closed, soonest first."""
        found = [
            a
            for a in self._index.under(key)
            if a.state is AppointmentState.BOOKED and self.window(a)[1] >= now_ms
        ]
        return sorted(found, key=lambda a: (a.slot_ms, a.id))

    def refusal(self, appointment: Appointment, doing: str) -> HubError | None:
        """Why a booking can no longer be ``doing`` ("checked in", "moved", "cancelled")."""
        return self._refuse.closed(appointment, doing)

    # -- commands --------------------------------------------------------------

    def book(
        self,
        engine: QueueEngine,
        now_ms: int,
        service_id: str,
        slot_ms: int,
        channel: Channel,
        *,
        code: str,
        request_id: str = "",
        phone: str = "",
        email: str = "",
        name: str = "",
        snils_hash: str = "",
        messages: bool = True,
    ) -> Outcome:
        """Give the visitor a seat in the slot, under a fresh code the caller drew."""
        replay = self._replay(request_id, service_id)
        if replay is not None:
            return replay
        slot = self._refuse.bookable_slot(service_id, slot_ms, now_ms)
        phone, email, name = contacts.phone(phone), contacts.email(email), contacts.name(name)
        if channel is Channel.CALL_CENTRE and not phone:
            raise InvalidRequest(
                "a call-centre booking needs the caller's phone number: ask for it"
            )
        snils_hash = contacts.snils_hash(snils_hash)
        self._check_limits(service_id, slot_ms, now_ms, phone, snils_hash)
        seat = self.seats.free_seat(slot, now_ms)
        if self.in_use(code):
            raise ValueError("a booking code was drawn twice: draw codes through the code pool")
        appointment = Appointment(
            id=self._next_id,
            code=code,
            service_id=service_id,
            slot_ms=slot.start_ms,
            seat=seat,
            state=AppointmentState.BOOKED,
            channel=channel,
            booked_at_ms=now_ms,
            changed_at_ms=now_ms,
            request_id=request_id,
            phone=phone,
            email=email,
            name=name,
            snils_hash=snils_hash,
            messages=messages,
        )
        self._next_id += 1
        self._put(appointment)
        event = engine.record(
            EventKind.APPOINTMENT_BOOKED, now_ms, appointment, request_id=request_id
        )
        return self._outcome(engine, [event], appointment)

    def move(
        self, engine: QueueEngine, now_ms: int, code: str, slot_ms: int, *, request_id: str = ""
    ) -> Outcome:
        """Move a booking to another slot of its service; the code stays the same."""
        appointment = self._open(code, "moved")
        if slot_ms == appointment.slot_ms:
            return self._outcome(engine, [], appointment)
        slot = self._refuse.bookable_slot(appointment.service_id, slot_ms, now_ms)
        self._check_limits(
            appointment.service_id,
            slot_ms,
            now_ms,
            appointment.phone,
            appointment.snils_hash,
            moving=appointment.id,
        )
        seat = self.seats.free_seat(slot, now_ms)
        moved = replace(appointment, slot_ms=slot.start_ms, seat=seat, changed_at_ms=now_ms)
        self._put(moved)
        event = engine.record(
            EventKind.APPOINTMENT_MOVED,
            now_ms,
            moved,
            detail=f"from {self.calendar.when(appointment.slot_ms)}",
            request_id=request_id,
        )
        return self._outcome(engine, [event], moved)

    def cancel(
        self,
        engine: QueueEngine,
        now_ms: int,
        code: str,
        *,
        reason: str = "",
        request_id: str = "",
    ) -> Outcome:
        """Free the seat; a booking cancelled already is answered as it is."""
        appointment = self._known(code)
        if appointment.state is AppointmentState.CANCELLED:
            return self._outcome(engine, [], appointment)
        appointment = self._open(code, "cancelled")
        cancelled = replace(appointment, state=AppointmentState.CANCELLED, changed_at_ms=now_ms)
        self._put(cancelled)
        event = engine.record(
            EventKind.APPOINTMENT_CANCELLED,
            now_ms,
            cancelled,
            detail=reason,
            request_id=request_id,
        )
        return self._outcome(engine, [event], cancelled)

    def check_in(
        self,
        engine: QueueEngine,
        now_ms: int,
        code: str,
        *,
        device_id: str = "",
        request_id: str = "",
    ) -> Outcome:
        """Turn an arrived booking into a priority ticket, within its check-in window.

        The ticket's priority counts from the slot's start: a visitor who comes early
        waits as a regular one until then. A retry with the same request id gets the
        first answer (its outcome has no ticket when the day has moved on).
        """
        appointment = self._known(code)
        if (
            appointment.state is AppointmentState.CHECKED_IN
            and request_id
            and appointment.check_in_request_id == request_id
        ):
            ticket = engine.ticket(appointment.ticket_id) if _today(appointment, engine) else None
            return Outcome(ticket=ticket, appointment=appointment, replayed=True)
        refused = self.refusal(appointment, "checked in")
        if refused is not None:
            raise refused
        opens, closes = self.window(appointment)
        if now_ms < opens:
            raise self._refuse.too_early(appointment, opens, now_ms)
        if now_ms > closes:
            raise self._refuse.too_late(appointment)
        issued = engine.issue(
            appointment.service_id,
            now_ms,
            priority=self.config.appointments.priority,
            priority_from_ms=appointment.slot_ms,
        )
        assert issued.ticket is not None
        checked = replace(
            appointment,
            state=AppointmentState.CHECKED_IN,
            changed_at_ms=now_ms,
            ticket_id=issued.ticket.id,
            checked_in_by=device_id,
            check_in_request_id=request_id,
        )
        self._put(checked)
        event = engine.record(
            EventKind.APPOINTMENT_CHECKED_IN, now_ms, checked, request_id=request_id
        )
        return Outcome(
            ticket=issued.ticket,
            events=[*issued.events, *engine.take_undelivered(), event],
            estimate=issued.estimate,
            appointment=checked,
        )

    def sweep(self, engine: QueueEngine, now_ms: int) -> Outcome:
        """Mark no-shows whose window closed, erase contacts due, forget old bookings."""
        events: list[Event] = []
        for appointment_id in self._timetable.due(now_ms):
            appointment = self._index[appointment_id]
            if (
                appointment.state is AppointmentState.BOOKED
                and now_ms > self.window(appointment)[1]
            ):
                appointment = replace(
                    appointment, state=AppointmentState.NO_SHOW, changed_at_ms=now_ms
                )
                self._put(appointment)
                events.append(engine.record(EventKind.APPOINTMENT_NO_SHOW, now_ms, appointment))
            if appointment.has_contact and now_ms >= self._timetable.erase_at(appointment):
                appointment = replace(
                    appointment, phone="", email="", name="", snils_hash="", changed_at_ms=now_ms
                )
                self._put(appointment)
                events.append(
                    engine.record(EventKind.APPOINTMENT_CONTACT_ERASED, now_ms, appointment)
                )
            if self._timetable.forgettable(appointment, now_ms):
                self._drop(appointment)
            else:
                self._timetable.schedule(appointment)
        return self._outcome(engine, events, None)

    # -- configuration -----------------------------------------------------------

    def check_fits(self, config: Branch) -> None:
        """Refuse a configuration that would leave a booking unable to check in."""
        services = {s.id for s in config.services}
        categories = {p.id for p in config.priorities}
        for appointment in self._index:
            if appointment.state is not AppointmentState.BOOKED:
                continue
            when = self.calendar.when(appointment.slot_ms)
            if appointment.service_id not in services:
                raise Refused(
                    f'the configuration drops service "{appointment.service_id}" while a '
                    f"booking for it is at {when}: keep the service until its bookings are "
                    "over, or cancel them"
                )
            if config.appointments.priority not in categories:
                raise Refused(
                    f'the configuration has no priority "{config.appointments.priority}" for '
                    f"checked-in visitors while a booking is at {when}: keep the category"
                )

    def reconfigure(self, config: Branch) -> None:
        """Take a configuration that check_fits accepted; bookings made stay as they are."""
        self._take(config, list(self._index))

    # -- helpers -----------------------------------------------------------------

    def _known(self, code: str) -> Appointment:
        found = self.get(code)
        if found is None:
            raise UnknownCode(
                "no booking has this code: check the code in the message or on the slip"
            )
        return found

    def _open(self, code: str, doing: str) -> Appointment:
        appointment = self._known(code)
        refused = self.refusal(appointment, doing)
        if refused is not None:
            raise refused
        return appointment

    def _check_limits(
        self,
        service_id: str,
        slot_ms: int,
        now_ms: int,
        phone: str,
        snils_hash: str,
        *,
        moving: int | None = None,
    ) -> None:
        """Refuse a booking beyond the person's limits (by phone and by card, together)."""
        limits = self._limits.get(service_id)
        if not limits:
            return
        held = {
            a.id: a
            for kind, value in (("phone", phone), ("snils", snils_hash))
            if value
            for a in self._index.under((kind, value))
        }
        found = breach(
            limits,
            service_id,
            self.calendar.today(slot_ms),
            held.values(),
            day_of=self.calendar.today,
            still_to_come=lambda a: self.window(a)[1] >= now_ms,
            moving=moving,
        )
        if found is not None:
            raise self._refuse.over_limit(found)

    def _replay(self, request_id: str, service_id: str) -> Outcome | None:
        appointment = self._index.by_request(request_id)
        if appointment is None:
            return None
        if appointment.service_id != service_id:
            raise InvalidRequest(
                f'request id "{request_id}" was already used for another request: use a new '
                "id for each new request"
            )
        return Outcome(appointment=appointment, replayed=True)

    def _put(self, appointment: Appointment) -> None:
        self._index.put(appointment)
        self._timetable.schedule(appointment)

    def _drop(self, appointment: Appointment) -> None:
        self._index.drop(appointment)
        self._timetable.forget(appointment.id)

    @staticmethod
    def _outcome(
        engine: QueueEngine, events: list[Event], appointment: Appointment | None
    ) -> Outcome:
        # A day's roll that engine.record started comes first: its events are numbered first.
        return Outcome(events=[*engine.take_undelivered(), *events], appointment=appointment)


def _today(appointment: Appointment, engine: QueueEngine) -> bool:
    return appointment.ticket_id.startswith(f"{engine.day}/")
