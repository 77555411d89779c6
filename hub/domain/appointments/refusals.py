"""Why the appointment book refuses: each refusal says what happened and what to do.

Kept apart from the book's rules so that the words a visitor, the call centre and the
log see are in one place; every message names times in the branch's own zone.
"""

from __future__ import annotations

from hub.domain.appointments.calendar import Slot, SlotCalendar
from hub.domain.appointments.limits import Breach
from hub.domain.branch import Branch
from hub.domain.model import Appointment, AppointmentState
from hub.errors import (
    BookingLimitReached,
    CodeCancelled,
    CodeUsed,
    HubError,
    NotBookable,
    SlotUnavailable,
    TooEarly,
    TooLate,
    UnknownService,
)


class Refusals:
    def __init__(self, config: Branch, calendar: SlotCalendar) -> None:
        self.config = config
        self.calendar = calendar

    def closed(self, appointment: Appointment, doing: str) -> HubError | None:
        """Why a booking can no longer be ``doing`` ("checked in", "moved", "cancelled")."""
        state = appointment.state
        if state is AppointmentState.CHECKED_IN:
            number = appointment.ticket_id.rpartition("/")[2]
            when = self.calendar.clock(appointment.changed_at_ms)
            more = "again" if doing == "checked in" else "any more"
            return CodeUsed(
                f"this booking was checked in at {when} and got ticket {number}; it cannot be "
                f"{doing} {more}: wait for {number} to be called"
            )
        if state is AppointmentState.CANCELLED:
            return CodeCancelled(
                "this booking was cancelled and its code is no longer valid: book again or "
                "take a ticket at the kiosk"
            )
        if state is AppointmentState.NO_SHOW:
            return self.too_late(appointment)
        return None

    def check_bookable(self, service_id: str) -> None:
        if self.calendar.capacity(service_id):
            return
        if self.config.service(service_id) is None:
            offered = ", ".join(f'"{s}"' for s in sorted(self.config.appointments.capacity))
            raise UnknownService(
                f'no service "{service_id}" in this branch: appointments are made for '
                f"{offered or 'no service'}"
            )
        raise NotBookable(
            f'"{service_id}" takes no appointments: take a ticket at the kiosk on the day'
        )

    def bookable_slot(self, service_id: str, slot_ms: int, now_ms: int) -> Slot:
        self.check_bookable(service_id)
        calendar = self.calendar
        if slot_ms <= now_ms:
            raise SlotUnavailable(
                f"the slot at {calendar.when(slot_ms)} has begun or passed: choose a later one"
            )
        _, last = calendar.horizon(now_ms)
        day = calendar.today(slot_ms)
        if day > last:
            raise SlotUnavailable(
                f"appointments are made for today and the next "
                f"{self.config.appointments.days_ahead} days, until {last}: choose a day "
                "up to then"
            )
        slot = calendar.slot(service_id, slot_ms)
        if slot is not None:
            return slot
        if self.config.hours_on(day) is None:
            raise SlotUnavailable(f"the branch is closed on {day}: choose another day")
        raise SlotUnavailable(
            f'no slot of "{service_id}" starts at {calendar.when(slot_ms)}: choose one of the '
            f"slots listed (every {self.config.appointments.slot_min} minutes from opening)"
        )

    def too_early(self, appointment: Appointment, opens_ms: int, now_ms: int) -> TooEarly:
        calendar = self.calendar
        at = calendar.clock(appointment.slot_ms)
        if calendar.today(opens_ms) == calendar.today(now_ms):
            return TooEarly(
                f"check-in for the {at} booking opens at {calendar.clock(opens_ms)}: come "
                "back then",
                opens_ms,
                appointment.slot_ms,
            )
        return TooEarly(
            f"the booking is for {calendar.today(appointment.slot_ms)} at {at}: check in "
            f"that day from {calendar.clock(opens_ms)}",
            opens_ms,
            appointment.slot_ms,
        )

    def too_late(self, appointment: Appointment) -> TooLate:
        calendar = self.calendar
        closes = calendar.check_in_window(appointment.slot_ms)[1]
        return TooLate(
            f"check-in for the booking at {calendar.when(appointment.slot_ms)} closed at "
            f"{calendar.clock(closes)}: take a ticket at the kiosk or book another time",
            appointment.slot_ms,
        )

    def over_limit(self, breach: Breach) -> BookingLimitReached:
        """The limit as the branch set it, and the booking that fills it (no contact: the
        message reaches the log)."""
        limit, held = breach.limit, breach.held
        # In the configuration's order, as the kiosk lists them.
        services = tuple(s.id for s in self.config.services if s.id in limit.services)
        named = ", ".join(f'"{s}"' for s in services)
        return BookingLimitReached(
            f"at most {limit.most} booking(s) per {limit.per} for {named} per phone number or "
            f"card: one is already booked for {self.calendar.when(held.slot_ms)} "
            f'("{held.service_id}"); cancel or move it first',
            limit.most,
            limit.per,
            services,
            held.service_id,
            held.slot_ms,
            held.code,
        )
