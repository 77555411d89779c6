"""Which seats of which slots are free: what a visitor is offered, and the seat a booking takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hub.domain.appointments.calendar import Slot, SlotCalendar
from hub.domain.appointments.index import BookIndex
from hub.domain.appointments.refusals import Refusals
from hub.errors import SlotFull


@dataclass(frozen=True, slots=True)
class SlotView:
    slot: Slot
    capacity: int
    free: int


class Seats:
    def __init__(self, calendar: SlotCalendar, index: BookIndex, refuse: Refusals) -> None:
        """Over the book's calendar and index, which the book keeps up to date."""
        self._calendar = calendar
        self._index = index
        self._refuse = refuse

    def slots(
        self, service_id: str, first: date | None, last: date | None, now_ms: int
    ) -> list[SlotView]:
        """Slots still to come on the days asked (by default every bookable day)."""
        self._refuse.check_bookable(service_id)
        today, end = self._calendar.horizon(now_ms)
        first = max(first or today, today)
        last = min(last or end, end)
        views = []
        day = first
        while day <= last:
            views += [
                self._view(s)
                for s in self._calendar.day_slots(service_id, day)
                if s.start_ms > now_ms
            ]
            day += timedelta(days=1)
        return views

    def free_slots(self, service_id: str, after_ms: int, limit: int, now_ms: int) -> list[SlotView]:
        """The first ``limit`` slots with a free seat starting at ``after_ms`` or later."""
        self._refuse.check_bookable(service_id)
        after = max(after_ms, now_ms + 1)
        today, end = self._calendar.horizon(now_ms)
        day = max(today, self._calendar.today(after))
        capacity = self._calendar.capacity(service_id)
        found: list[SlotView] = []
        while day <= end and len(found) < limit:
            slots = self._calendar.day_slots(service_id, day)
            if self._index.held_on(service_id, day) < capacity * len(slots):
                for slot in slots:
                    taken = len(self._index.seats(service_id, slot.start_ms))
                    if slot.start_ms >= after and taken < capacity:
                        found.append(SlotView(slot, capacity, capacity - taken))
                        if len(found) == limit:
                            break
            day += timedelta(days=1)
        return found

    def free_seat(self, slot: Slot, now_ms: int) -> int:
        """The first free seat of the slot; SlotFull names the next slot with one."""
        taken = self._index.seats(slot.service_id, slot.start_ms)
        for seat in range(self._calendar.capacity(slot.service_id)):
            if seat not in taken:
                return seat
        later = self.free_slots(slot.service_id, slot.start_ms + 1, 1, now_ms)
        after = (
            f"the next free one is at {self._calendar.when(later[0].slot.start_ms)}"
            if later
            else "no later slot is free either: try again tomorrow, when a new day opens"
        )
        raise SlotFull(f"the slot at {self._calendar.when(slot.start_ms)} is fully booked: {after}")

    def _view(self, slot: Slot) -> SlotView:
        capacity = self._calendar.capacity(slot.service_id)
        held = len(self._index.seats(slot.service_id, slot.start_ms))
        return SlotView(slot, capacity, max(0, capacity - held))
