"""Slots: a service's reception time on a day, cut into equal parts in the branch's zone.

Slots follow the wall clock of the hall: they start at the day's opening time and every
``slot_min`` minutes after it, and the last one ends by the time the service's tickets
stop (the closing time less ``last_ticket_before_close_min``), so that a visitor checked
in on time always gets a ticket. On a day the clocks change, a wall time that does not
exist has no slot, and a repeated one has a single slot (its first occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.domain.branch import Branch, OpeningHours

MINUTE_MS = 60_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
# Slot lists kept for days asked about; a calendar lives until the next configuration.
_CACHED_DAYS = 2_000


@dataclass(frozen=True, slots=True)
class Slot:
    service_id: str
    start_ms: int
    end_ms: int
    # The branch's local date and the wall-clock minute the slot starts at.
    day: date
    minute: int

    @property
    def time(self) -> str:
        return clock_text(self.minute)


class SlotCalendar:
    """Which slots exist, for a configuration; pure and cached."""

    def __init__(self, config: Branch) -> None:
        self.config = config
        self.rules = config.appointments
        self.zone = ZoneInfo(config.timezone)
        self._services = {s.id: s for s in config.services}
        self._days: dict[tuple[str, date], dict[int, Slot]] = {}

    def capacity(self, service_id: str) -> int:
        """Visitors per slot; 0 for a service that takes no appointments."""
        return self.rules.capacity.get(service_id, 0)

    def today(self, now_ms: int) -> date:
        return self.local(now_ms).date()

    def horizon(self, now_ms: int) -> tuple[date, date]:
        """The first and last day that can be booked: today and ``days_ahead`` more."""
        today = self.today(now_ms)
        return today, today + timedelta(days=self.rules.days_ahead)

    def day_slots(self, service_id: str, day: date) -> list[Slot]:
        """The service's slots on a local date, in order; none on a closed day."""
        return list(self._day(service_id, day).values())

    def slot(self, service_id: str, start_ms: int) -> Slot | None:
        """The service's slot that starts exactly at ``start_ms``, if there is one."""
        return self._day(service_id, self.today(start_ms)).get(start_ms)

    def check_in_window(self, slot_ms: int) -> tuple[int, int]:
        """From and until when (both included) a booking for the slot checks in.

        It opens ``early_min`` before the slot, but not before the branch opens that day.
        """
        opens = slot_ms - self.rules.early_min * MINUTE_MS
        day = self.today(slot_ms)
        hours = self.config.hours_on(day)
        if hours is not None:
            opening = self.utc_ms(day, hours.opens_minute)
            if opening is not None:
                opens = min(max(opens, opening), slot_ms)
        return opens, slot_ms + self.rules.late_min * MINUTE_MS

    def day_start_ms(self, day: date) -> int:
        """The first moment of a local date (midnight, or later if midnight does not exist)."""
        for minute in range(0, 24 * 60, 15):
            found = self.utc_ms(day, minute)
            if found is not None:
                return found
        raise ValueError(f"{day} has no wall-clock time in {self.zone}")

    def utc_ms(self, day: date, minute: int) -> int | None:
        """A wall-clock minute of a local date as UTC ms; None if the clocks skip it."""
        wall = datetime.combine(day, time()) + timedelta(minutes=minute)
        at = (wall.replace(tzinfo=self.zone) - _EPOCH) // _MS
        return at if self.local(at).replace(tzinfo=None) == wall else None

    def local(self, ms: int) -> datetime:
        return datetime.fromtimestamp(ms // 1000, self.zone)

    def clock(self, ms: int) -> str:
        """The local wall-clock time, "10:20"."""
        return f"{self.local(ms):%H:%M}"

    def when(self, ms: int) -> str:
        """The local date and time, "2026-11-24 10:20"."""
        return f"{self.local(ms):%Y-%m-%d %H:%M}"

    def _day(self, service_id: str, day: date) -> dict[int, Slot]:
        key = (service_id, day)
        found = self._days.get(key)
        if found is None:
            if len(self._days) >= _CACHED_DAYS:
                self._days.clear()
            found = self._days[key] = self._make(service_id, day)
        return found

    def _make(self, service_id: str, day: date) -> dict[int, Slot]:
        service = self._services.get(service_id)
        hours = self.config.hours_on(day)
        if service is None or hours is None or not self.capacity(service_id):
            return {}
        length = self.rules.slot_min
        last_end = _ticket_hours_end(hours, service.last_ticket_before_close_min)
        slots: dict[int, Slot] = {}
        for minute in range(hours.opens_minute, last_end - length + 1, length):
            start = self.utc_ms(day, minute)
            if start is not None:
                slots[start] = Slot(service_id, start, start + length * MINUTE_MS, day, minute)
        return slots


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ticket_hours_end(hours: OpeningHours, before_close_min: int) -> int:
    """The minute a service's tickets stop: its slots must end by then."""
    return hours.closes_minute - before_close_min
