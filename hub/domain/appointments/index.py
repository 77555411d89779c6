"""The appointment book's lookups, kept in step with every booking put in or dropped.

Apart from the book's rules so that each lookup a command needs (a code, a retried
request, a phone or SNILS hash, the seats of a slot, the seats held on a day) is one dict
access, and so that no rule can forget to update one of them: a booking only ever goes
through :meth:`BookIndex.put` and :meth:`BookIndex.drop`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from hub.domain.model import Appointment

# A contact a booking can be found by: ("phone", "+7916...") or ("snils", <keyed hash>).
Contact = tuple[str, str]


class BookIndex:
    def __init__(self, day_of: Callable[[int], date]) -> None:
        """``day_of`` names a slot's local day, for the seats held per service and day."""
        self._day_of = day_of
        self._by_id: dict[int, Appointment] = {}
        self._by_code: dict[str, int] = {}
        self._by_request: dict[str, int] = {}
        self._by_contact: dict[Contact, set[int]] = {}
        self._seats: dict[tuple[str, int], set[int]] = {}
        # Seats held per service and local day, so that a full day is passed over at once.
        self._held_on: dict[tuple[str, date], int] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Appointment]:
        return iter(list(self._by_id.values()))

    def __getitem__(self, appointment_id: int) -> Appointment:
        return self._by_id[appointment_id]

    def by_code(self, code: str) -> Appointment | None:
        found = self._by_code.get(code)
        return self._by_id[found] if found is not None else None

    def by_request(self, request_id: str) -> Appointment | None:
        found = self._by_request.get(request_id) if request_id else None
        return self._by_id[found] if found is not None else None

    def under(self, contact: Contact) -> list[Appointment]:
        return [self._by_id[i] for i in self._by_contact.get(contact, ())]

    def seats(self, service_id: str, slot_ms: int) -> frozenset[int]:
        """The seats of a slot held by bookings (all but cancelled ones)."""
        return frozenset(self._seats.get((service_id, slot_ms), ()))

    def held_on(self, service_id: str, day: date) -> int:
        return self._held_on.get((service_id, day), 0)

    def put(self, appointment: Appointment) -> None:
        """Add a booking, or replace the one with its id."""
        old = self._by_id.get(appointment.id)
        if old is not None:
            self._unindex(old)
        self._by_id[appointment.id] = appointment
        self._by_code[appointment.code] = appointment.id
        if appointment.request_id:
            self._by_request[appointment.request_id] = appointment.id
        for contact in contacts_of(appointment):
            self._by_contact.setdefault(contact, set()).add(appointment.id)
        if appointment.state.holds_seat:
            self._seats.setdefault((appointment.service_id, appointment.slot_ms), set()).add(
                appointment.seat
            )
            day = self._held_key(appointment)
            self._held_on[day] = self._held_on.get(day, 0) + 1

    def drop(self, appointment: Appointment) -> None:
        """Forget a booking altogether (it leaves memory; the database keeps it)."""
        self._unindex(appointment)
        del self._by_id[appointment.id]
        self._by_code.pop(appointment.code, None)
        if appointment.request_id:
            self._by_request.pop(appointment.request_id, None)

    def _unindex(self, appointment: Appointment) -> None:
        for contact in contacts_of(appointment):
            ids = self._by_contact.get(contact, set())
            ids.discard(appointment.id)
            if not ids:
                self._by_contact.pop(contact, None)
        if appointment.state.holds_seat:
            key = (appointment.service_id, appointment.slot_ms)
            seats = self._seats.get(key, set())
            seats.discard(appointment.seat)
            if not seats:
                self._seats.pop(key, None)
            day = self._held_key(appointment)
            self._held_on[day] -= 1
            if not self._held_on[day]:
                del self._held_on[day]

    def _held_key(self, appointment: Appointment) -> tuple[str, date]:
        return appointment.service_id, self._day_of(appointment.slot_ms)


def contacts_of(appointment: Appointment) -> list[Contact]:
    kept = [("phone", appointment.phone), ("snils", appointment.snils_hash)]
    return [(kind, value) for kind, value in kept if value]
