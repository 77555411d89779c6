"""Bookings as the API (and later the web pages) use them: durable, with codes never reused.

The rules live in ``hub/domain/appointments``; this layer runs the book's commands
through ``Hub.run``, so that a booking is acknowledged only once committed, hands out
codes that no booking ever had, counts wrong codes per caller so that codes cannot be
guessed, and answers about bookings too old to be in memory from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

from hub.devices.pairing import AttemptLimit
from hub.domain.appointments import AppointmentBook, SlotView, codes, contacts
from hub.domain.engine import QueueEngine
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Channel,
    Outcome,
    Ticket,
    WaitEstimate,
)
from hub.errors import (
    AmbiguousKeys,
    InvalidRequest,
    NoBookingForCard,
    TimeOutOfRange,
    UnknownCode,
)
from hub.store.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_FREE_SLOTS = 50
# Far past any booking horizon, far inside what datetime can hold: a time from a request
# beyond it is refused before it can overflow the calendar's arithmetic.
LATEST_YEAR = 2100
LATEST_MS = int(datetime(LATEST_YEAR, 1, 1, tzinfo=UTC).timestamp()) * 1000


class BookingHost(Protocol):
    """What bookings need of the hub (:class:`hub.service.Hub`)."""

    # Replaced by the hub after a failed commit: looked up at each use, never kept.
    appointments: AppointmentBook
    snils_key: bytes
    clock: Callable[[], int]

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...

    async def once_committed(self, value: T) -> T: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...

    async def ticket(self, ticket_id: str) -> Ticket: ...

    async def ticket_estimate(self, ticket_id: str) -> WaitEstimate: ...


def code_guesses() -> AttemptLimit:
    """Wrong booking codes allowed: 10 per caller and 300 on the hub in 15 minutes.

    With the hub's whole budget spent on guessing around the clock (28,800 a day) and
    5,000 live bookings among 32^6 codes, a guesser finds one booking in about 7 days;
    a caller who only mistypes never meets the limit.
    """
    return AttemptLimit(
        tries=10,
        hub_tries=300,
        what="booking codes",
        advice="check the code in the message or on the slip",
    )


class CodePool:
    """Fresh codes, each checked against every code ever given before it is handed out.

    Codes are drawn in batches and looked up in the database at once, so that a booking
    does not wait for a read; memory holds only recent bookings, the database all.
    """

    def __init__(
        self,
        taken: Callable[[list[str]], Awaitable[set[str]]],
        in_use: Callable[[str], bool],
        *,
        batch: int = 64,
        draw: Callable[[], str] = codes.new_code,
    ) -> None:
        self._taken = taken
        self._in_use = in_use
        self._batch = batch
        self._draw = draw
        self._ready: list[str] = []
        self._lock = asyncio.Lock()

    async def take(self) -> str:
        while not self._ready:
            async with self._lock:
                if not self._ready:
                    await self._refill()
        return self._ready.pop()

    def give_back(self, code: str) -> None:
        """A code that was not given after all (the booking was refused) may be used."""
        if not self._in_use(code) and code not in self._ready:
            self._ready.append(code)

    async def _refill(self) -> None:
        drawn = list({self._draw() for _ in range(self._batch)})
        taken = await self._taken(drawn)
        # Checked against memory after the read: a code booked meanwhile is in memory.
        self._ready += [c for c in drawn if c not in taken and not self._in_use(c)]


@dataclass(frozen=True, slots=True)
class CheckedIn:
    appointment: Appointment
    ticket: Ticket
    estimate: WaitEstimate


class Bookings:
    def __init__(self, hub: BookingHost, *, attempts: AttemptLimit | None = None) -> None:
        self._hub = hub
        self._attempts = attempts or code_guesses()

        def in_use(code: str) -> bool:
            # Looked up at each call: the hub replaces its book after a failed commit.
            return hub.appointments.in_use(code)

        self.codes = CodePool(lambda drawn: hub.read_store(lambda r: r.codes_taken(drawn)), in_use)

    async def slots(
        self, service_id: str, first: str = "", last: str = "", *, only_free: bool = False
    ) -> list[SlotView]:
        """Slots not yet begun on the days asked (local dates), by default all bookable."""
        views = self._hub.appointments.seats.slots(
            service_id, _day(first, "from_day"), _day(last, "to_day"), self._hub.clock()
        )
        if only_free:
            views = [v for v in views if v.free > 0]
        return await self._hub.once_committed(views)

    def horizon(self) -> tuple[date, date]:
        return self._hub.appointments.calendar.horizon(self._hub.clock())

    async def free_slots(
        self, service_id: str, after_ms: int = 0, limit: int = 5
    ) -> list[SlotView]:
        if not 0 < limit <= MAX_FREE_SLOTS:
            raise InvalidRequest(f"limit must be 1 to {MAX_FREE_SLOTS}, not {limit}")
        if not 0 <= after_ms <= LATEST_MS:
            raise TimeOutOfRange(
                f"after_unix_ms must be 0 (from now) to {LATEST_MS} ({LATEST_YEAR}-01-01), "
                f"not {after_ms}: give a time in milliseconds since 1970"
            )
        views = self._hub.appointments.seats.free_slots(
            service_id, after_ms, limit, self._hub.clock()
        )
        return await self._hub.once_committed(views)

    async def book(
        self,
        service_id: str,
        slot_ms: int,
        channel: Channel,
        *,
        request_id: str = "",
        phone: str = "",
        email: str = "",
        name: str = "",
        snils_hash: str = "",
        snils: str = "",
        messages: bool = True,
    ) -> Appointment:
        """A seat in the slot under a fresh code, once committed; a retry gets the same.

        ``snils`` (typed) is hashed here with the branch key and forgotten; ``snils_hash``
        comes hashed from a card reader. Either lets the visitor check in by card.
        ``messages`` False: the visitor declined messages (the code by SMS) for it.
        """
        if snils_hash and snils:
            raise InvalidRequest("give snils_hash or snils, not both")
        hashed = contacts.snils_hash(snils_hash) or contacts.hash_snils(self._hub.snils_key, snils)
        code = await self.codes.take()
        try:
            outcome = await self._hub.run(
                lambda engine, now: self._hub.appointments.book(
                    engine,
                    now,
                    service_id,
                    slot_ms,
                    channel,
                    code=code,
                    request_id=request_id,
                    phone=phone,
                    email=email,
                    name=name,
                    snils_hash=hashed,
                    messages=messages,
                )
            )
        except Exception:
            self.codes.give_back(code)
            raise
        assert outcome.appointment is not None
        if outcome.replayed:
            self.codes.give_back(code)
        else:
            log.info(
                "booked service=%s slot=%d seat=%d channel=%s",
                service_id,
                slot_ms,
                outcome.appointment.seat,
                channel.value,
            )
        return outcome.appointment

    async def move(
        self,
        typed_code: str,
        slot_ms: int,
        *,
        caller: str,
        request_id: str = "",
        phone: str | None = None,
    ) -> Appointment:
        code, old = await self._find(typed_code, caller, phone)
        if old is not None:
            raise self._closed(old, "moved")
        outcome = await self._hub.run(
            lambda engine, now: self._hub.appointments.move(
                engine, now, code, slot_ms, request_id=request_id
            )
        )
        assert outcome.appointment is not None
        return outcome.appointment

    async def cancel(
        self,
        typed_code: str,
        *,
        caller: str,
        reason: str = "",
        request_id: str = "",
        phone: str | None = None,
    ) -> Appointment:
        code, old = await self._find(typed_code, caller, phone)
        if old is not None:
            if old.state is AppointmentState.CANCELLED:
                return old
            raise self._closed(old, "cancelled")
        outcome = await self._hub.run(
            lambda engine, now: self._hub.appointments.cancel(
                engine, now, code, reason=reason, request_id=request_id
            )
        )
        assert outcome.appointment is not None
        return outcome.appointment

    async def get(self, typed_code: str, *, caller: str, phone: str | None = None) -> Appointment:
        code, old = await self._find(typed_code, caller, phone)
        if old is not None:
            return old
        found = self._hub.appointments.get(code)
        if found is None:
            raise self._unknown(caller)
        return await self._hub.once_committed(found)

    async def find(self, phone: str) -> list[Appointment]:
        found = self._hub.appointments.find(phone, self._hub.clock())
        return await self._hub.once_committed(found)

    async def find_by_keys(self, typed_keys: str, phone: str, *, caller: str) -> Appointment:
        """The phone's one booking to come whose code the keys type (a phone's keypad).

        The keys narrow 32^6 codes to 8^6 and the phone to its own few bookings, so a miss
        is counted as a wrong code, as one typed in full would be: guessing costs the same.
        """
        self._attempts.check(caller, self._hub.clock())
        pressed = codes.normalise_keys(typed_keys)
        coming = self._hub.appointments.find(phone, self._hub.clock())
        found = [a for a in coming if codes.keys(a.code) == pressed]
        if not found:
            raise self._unknown(caller, with_phone=True)
        if len(found) > 1:
            raise AmbiguousKeys(
                f"{len(found)} bookings made with this phone number are typed by these keys: "
                "transfer the caller to an operator, who finds them by the number"
            )
        return await self._hub.once_committed(found[0])

    async def check_in(
        self,
        typed_code: str,
        *,
        caller: str,
        device_id: str = "",
        request_id: str = "",
        phone: str | None = None,
    ) -> CheckedIn:
        """A priority ticket for an arrived visitor, or the refusal that says what to do."""
        code, old = await self._find(typed_code, caller, phone)
        if old is not None:
            raise self._closed(old, "checked in")
        outcome = await self._hub.run(
            lambda engine, now: self._hub.appointments.check_in(
                engine, now, code, device_id=device_id, request_id=request_id
            )
        )
        appointment = outcome.appointment
        assert appointment is not None
        ticket = outcome.ticket or await self._hub.ticket(appointment.ticket_id)
        estimate = outcome.estimate or await self._hub.ticket_estimate(ticket.id)
        if not outcome.replayed:
            log.info("checked in ticket=%s device=%s", ticket.number, device_id or "-")
        return CheckedIn(appointment, ticket, estimate)

    async def check_in_by_card(
        self, snils_hash: str, *, caller: str, device_id: str = "", request_id: str = ""
    ) -> CheckedIn:
        """Check in the booking made with this card's SNILS (hashed), as by its code."""
        hashed = contacts.snils_hash(snils_hash)
        if not hashed:
            raise InvalidRequest("missing snils_hash: the card reader gives it")
        found = self._hub.appointments.find_by_card(hashed, self._hub.clock(), request_id)
        if found is None:
            raise NoBookingForCard(
                "no booking for this card today: take a ticket, or type the booking code"
            )
        return await self.check_in(
            found.code, caller=caller, device_id=device_id, request_id=request_id
        )

    async def _find(
        self, typed_code: str, caller: str, phone: str | None = None
    ) -> tuple[str, Appointment | None]:
        """The normalised code, and the booking when only the database still holds it.

        ``phone`` (None: not asked, as for staff): the booking's phone number, which a
        visitor gives with the code, since a code alone is seen on a slip over a shoulder.
        A wrong number is refused and counted as a wrong code: it tells nothing of the code.
        """
        self._attempts.check(caller, self._hub.clock())
        code = codes.normalise(typed_code)
        live = self._hub.appointments.get(code)
        old = None
        if live is None:
            old = await self._hub.read_store(lambda r: r.appointment_by_code(code))
        found = live or old
        if found is None or (phone is not None and not _phone_of(found, phone)):
            raise self._unknown(caller, phone is not None)
        return code, old

    def _closed(self, old: Appointment, doing: str) -> Exception:
        """A booking over long ago (only in the database) cannot be changed any more."""
        return self._hub.appointments.refusal(old, doing) or UnknownCode(
            "no booking has this code: check the code in the message or on the slip"
        )

    def _unknown(self, caller: str, with_phone: bool = False) -> UnknownCode:
        self._attempts.failed(caller, self._hub.clock())
        if with_phone:
            return UnknownCode(
                "no booking has this code and phone number: check the code in the message or "
                "on the slip, and give the phone number the booking was made with"
            )
        return UnknownCode("no booking has this code: check the code in the message or on the slip")


def _phone_of(booking: Appointment, typed: str) -> bool:
    """Whether ``typed`` is the booking's phone number (one without a number has none)."""
    return bool(booking.phone) and contacts.phone(typed) == booking.phone


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f'{field} must be a date like "2026-11-24", not "{text}"') from None
