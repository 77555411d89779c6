"""When each booking of the book next needs a look: its no-show, its contact's erasure,
or leaving memory (``RECENT_MS`` after its slot, once over and without a contact)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import timedelta

from hub.domain.appointments.calendar import SlotCalendar
from hub.domain.model import Appointment, AppointmentState

DAY_MS = 86_400_000
# Finished bookings stay in memory this long, so that recent codes are answered at once.
RECENT_MS = 2 * DAY_MS


class Timetable:
    def __init__(self, calendar: SlotCalendar, keep_contacts_days: int) -> None:
        self._calendar = calendar
        self._keep_contacts_days = keep_contacts_days
        self._due: list[tuple[int, int]] = []
        self._scheduled: dict[int, int] = {}

    def due(self, now_ms: int) -> Iterator[int]:
        """The ids of bookings whose look is due, each once; one scheduled meanwhile too."""
        while self._due and self._due[0][0] <= now_ms:
            when, appointment_id = heapq.heappop(self._due)
            if self._scheduled.get(appointment_id) != when:
                continue
            del self._scheduled[appointment_id]
            yield appointment_id

    def schedule(self, appointment: Appointment) -> None:
        when = self._next_look_ms(appointment)
        if self._scheduled.get(appointment.id) != when:
            self._scheduled[appointment.id] = when
            heapq.heappush(self._due, (when, appointment.id))

    def forget(self, appointment_id: int) -> None:
        self._scheduled.pop(appointment_id, None)

    def erase_at(self, appointment: Appointment) -> int:
        """When the booking's contact is erased: the ``keep_contacts_days``-th day after."""
        day = self._calendar.today(appointment.slot_ms)
        keep = self._keep_contacts_days
        return self._calendar.day_start_ms(day + timedelta(days=keep + 1))

    def forgettable(self, appointment: Appointment, now_ms: int) -> bool:
        return (
            appointment.state is not AppointmentState.BOOKED
            and not appointment.has_contact
            and now_ms >= appointment.slot_ms + RECENT_MS
        )

    def _next_look_ms(self, appointment: Appointment) -> int:
        if appointment.state is AppointmentState.BOOKED:
            return self._calendar.check_in_window(appointment.slot_ms)[1] + 1
        if appointment.has_contact:
            return self.erase_at(appointment)
        return appointment.slot_ms + RECENT_MS
