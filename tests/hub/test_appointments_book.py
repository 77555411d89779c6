"""The appointment book with the real queue engine: booking, moving, cancelling, checking in."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.domain.appointments import AppointmentBook, codes
from hub.domain.appointments.timetable import RECENT_MS
from hub.domain.engine import QueueEngine
from hub.domain.model import Appointment, AppointmentState, Channel, EventKind, TicketState
from hub.errors import (
    CodeCancelled,
    CodeUsed,
    InvalidRequest,
    NotBookable,
    Refused,
    SlotFull,
    SlotUnavailable,
    TooEarly,
    TooLate,
    UnknownCode,
    UnknownService,
)
from tests.hub.conftest import MINUTE, MONDAY_10_00, make_branch

MONDAY = date(2026, 11, 23)
MOSCOW = ZoneInfo("Europe/Moscow")
DAY = 24 * 60 * MINUTE


def at(clock: str, day: date = MONDAY) -> int:
    """A local Moscow time as UTC ms: at("10:20")."""
    moment = datetime.combine(day, time.fromisoformat(clock), MOSCOW)
    return int(moment.timestamp() * 1000)


class Hall:
    """A queue engine and an appointment book of one branch, as the hub holds them."""

    def __init__(self, **appointments: Any) -> None:
        rules = {"capacity": {"passport": 2, "property": 1}} | appointments
        self.branch = make_branch(appointments=rules)
        self.engine = QueueEngine(self.branch, MONDAY_10_00)
        self.book = AppointmentBook(self.branch)
        self._rng = random.Random(5)

    def reserve(
        self,
        slot: str | int,
        *,
        now: int = MONDAY_10_00,
        service: str = "passport",
        channel: Channel = Channel.KIOSK,
        **options: Any,
    ) -> Appointment:
        slot_ms = at(slot) if isinstance(slot, str) else slot
        outcome = self.book.book(
            self.engine,
            now,
            service,
            slot_ms,
            channel,
            code=codes.new_code(self._rng.choice),
            **options,
        )
        assert outcome.appointment is not None
        return outcome.appointment

    def free(self, slot: str, service: str = "passport") -> int:
        views = self.book.seats.slots(service, MONDAY, MONDAY, MONDAY_10_00)
        return next(v.free for v in views if v.slot.start_ms == at(slot))


@pytest.fixture
def hall() -> Hall:
    return Hall()


# -- booking ---------------------------------------------------------------------


def test_a_slot_takes_as_many_visitors_as_its_capacity_then_points_to_the_next(
    hall: Hall,
) -> None:
    first = hall.reserve("10:20", phone="8 916 123 45 67")
    second = hall.reserve("10:20")
    assert (first.seat, second.seat) == (0, 1)
    assert first.code != second.code
    assert first.phone == "+79161234567"
    assert first.state is AppointmentState.BOOKED
    assert hall.free("10:20") == 0
    with pytest.raises(SlotFull) as full:
        hall.reserve("10:20")
    assert str(full.value) == (
        "the slot at 2026-11-23 10:20 is fully booked: the next free one is at 2026-11-23 10:40"
    )


def test_a_booking_is_an_event_in_the_branchs_one_sequence(hall: Hall) -> None:
    hall.engine.issue("snils", MONDAY_10_00)
    outcome = hall.book.book(
        hall.engine, MONDAY_10_00, "passport", at("10:20"), Channel.ONLINE, code="K7M4QX"
    )
    (event,) = outcome.events
    assert (event.seq, event.kind) == (2, EventKind.APPOINTMENT_BOOKED)
    assert event.appointment == outcome.appointment
    assert hall.engine.seq == 2


def test_a_full_day_sends_the_visitor_to_the_next_free_day() -> None:
    hall = Hall(capacity={"passport": 1})
    late = [at(f"{h:02d}:{m:02d}") for h in range(10, 20) for m in (0, 20, 40)][1:]
    for slot in late:
        hall.reserve(slot)
    with pytest.raises(SlotFull, match="the next free one is at 2026-11-24 08:00"):
        hall.reserve("10:20")


@pytest.mark.parametrize(
    ("service", "slot", "error", "message"),
    [
        (
            "passport",
            at("10:00"),
            SlotUnavailable,
            "the slot at 2026-11-23 10:00 has begun or passed: choose a later one",
        ),
        (
            "passport",
            at("10:00", date(2026, 12, 1)),
            SlotUnavailable,
            "appointments are made for today and the next 7 days, until 2026-11-30: choose a "
            "day up to then",
        ),
        (
            "passport",
            at("10:10"),
            SlotUnavailable,
            'no slot of "passport" starts at 2026-11-23 10:10: choose one of the slots listed '
            "(every 20 minutes from opening)",
        ),
        (
            "passport",
            at("12:00", date(2026, 11, 29)),
            SlotUnavailable,
            "the branch is closed on 2026-11-29: choose another day",
        ),
        (
            "passport",
            at("20:00"),
            SlotUnavailable,
            'no slot of "passport" starts at 2026-11-23 20:00',
        ),
        (
            "snils",
            at("10:20"),
            NotBookable,
            '"snils" takes no appointments: take a ticket at the kiosk on the day',
        ),
        (
            "visa",
            at("10:20"),
            UnknownService,
            'no service "visa" in this branch: appointments are made for "passport", "property"',
        ),
    ],
)
def test_what_cannot_be_booked_says_what_to_choose(
    hall: Hall, service: str, slot: int, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        hall.reserve(slot, service=service)
    assert str(raised.value).startswith(message)
    assert hall.engine.seq == 0


def test_a_holiday_takes_no_appointments() -> None:
    hall = Hall()
    hall.book = AppointmentBook(
        make_branch(closed_dates=["2026-11-24"], appointments={"capacity": {"passport": 2}})
    )
    with pytest.raises(SlotUnavailable, match="the branch is closed on 2026-11-24"):
        hall.reserve(at("10:00", date(2026, 11, 24)))


def test_the_call_centre_books_by_phone_and_finds_the_bookings_again(hall: Hall) -> None:
    with pytest.raises(InvalidRequest, match="a call-centre booking needs the caller's phone"):
        hall.reserve("10:20", channel=Channel.CALL_CENTRE)
    (free,) = hall.book.seats.free_slots("passport", at("12:00"), 1, MONDAY_10_00)
    assert free.slot.time == "12:00"
    booked = hall.reserve(
        free.slot.start_ms, channel=Channel.CALL_CENTRE, phone="+7 916 123-45-67", name="Анна"
    )
    also = hall.reserve("15:00", phone="89161234567")
    assert hall.book.find("8 (916) 123-45-67", MONDAY_10_00) == [booked, also]
    assert hall.book.find("+79160000000", MONDAY_10_00) == []


def test_a_retried_booking_gets_the_first_answer(hall: Hall) -> None:
    first = hall.reserve("10:20", request_id="r-1")
    again = hall.book.book(
        hall.engine,
        MONDAY_10_00,
        "passport",
        at("10:20"),
        Channel.KIOSK,
        code="22222Z",
        request_id="r-1",
    )
    assert again.replayed
    assert again.appointment == first
    assert again.events == []
    assert hall.free("10:20") == 1
    with pytest.raises(InvalidRequest, match='request id "r-1" was already used'):
        hall.reserve("10:20", service="property", request_id="r-1")


# -- moving and cancelling -----------------------------------------------------------


def test_a_move_keeps_the_code_and_frees_the_old_seat(hall: Hall) -> None:
    booked = hall.reserve("10:20")
    outcome = hall.book.move(hall.engine, MONDAY_10_00, booked.code, at("11:00"))
    moved = outcome.appointment
    assert moved is not None
    assert (moved.code, moved.slot_ms, moved.id) == (booked.code, at("11:00"), booked.id)
    assert outcome.events[0].kind is EventKind.APPOINTMENT_MOVED
    assert outcome.events[0].detail == "from 2026-11-23 10:20"
    assert (hall.free("10:20"), hall.free("11:00")) == (2, 1)
    same = hall.book.move(hall.engine, MONDAY_10_00, booked.code, at("11:00"))
    assert same.events == []
    hall.reserve("11:20")
    hall.reserve("11:20")
    with pytest.raises(SlotFull):
        hall.book.move(hall.engine, MONDAY_10_00, booked.code, at("11:20"))
    assert hall.book.get(booked.code) == moved


def test_a_cancelled_booking_frees_its_seat_and_its_code_is_dead(hall: Hall) -> None:
    booked = hall.reserve("10:20")
    outcome = hall.book.cancel(hall.engine, MONDAY_10_00, booked.code, reason="по телефону")
    assert outcome.events[0].kind is EventKind.APPOINTMENT_CANCELLED
    assert outcome.events[0].detail == "по телефону"
    assert hall.free("10:20") == 2
    again = hall.book.cancel(hall.engine, MONDAY_10_00, booked.code)
    assert (again.events, again.appointment) == ([], outcome.appointment)
    dead = (
        "this booking was cancelled and its code is no longer valid: book again or take a "
        "ticket at the kiosk"
    )
    with pytest.raises(CodeCancelled) as raised:
        hall.book.check_in(hall.engine, at("10:10"), booked.code)
    assert str(raised.value) == dead
    with pytest.raises(CodeCancelled):
        hall.book.move(hall.engine, MONDAY_10_00, booked.code, at("11:00"))
    # The seat went to someone else; the old code gets nothing of it.
    hall.reserve("10:20")
    hall.reserve("10:20")
    with pytest.raises(CodeCancelled):
        hall.book.check_in(hall.engine, at("10:10"), booked.code)


def test_a_code_nobody_has_is_unknown(hall: Hall) -> None:
    with pytest.raises(UnknownCode) as raised:
        hall.book.check_in(hall.engine, MONDAY_10_00, "ZZZZZZ")
    assert str(raised.value) == (
        "no booking has this code: check the code in the message or on the slip"
    )


# -- checking in ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (at("10:05") - 1, "check-in for the 10:20 booking opens at 10:05: come back then"),
        (at("10:05"), "checked in"),
        (at("10:20"), "checked in"),
        (at("10:30"), "checked in"),
        (
            at("10:30") + 1,
            "check-in for the booking at 2026-11-23 10:20 closed at 10:30: take a ticket at "
            "the kiosk or book another time",
        ),
    ],
    ids=["1-ms-before-it-opens", "as-it-opens", "at-the-slot", "as-it-closes", "1-ms-late"],
)
def test_check_in_at_the_edges_of_its_window(hall: Hall, moment: int, outcome: str) -> None:
    booked = hall.reserve("10:20")
    if outcome != "checked in":
        with pytest.raises((TooEarly, TooLate)) as raised:
            hall.book.check_in(hall.engine, moment, booked.code)
        assert str(raised.value) == outcome
        assert hall.book.get(booked.code) == booked
        return
    done = hall.book.check_in(hall.engine, moment, booked.code, device_id="kiosk-K-1")
    ticket = done.ticket
    assert ticket is not None
    assert (ticket.service_id, ticket.state) == ("passport", TicketState.WAITING)
    assert (ticket.priority, ticket.priority_from_ms) == ("appointment", at("10:20"))
    assert [e.kind for e in done.events] == [
        EventKind.TICKET_ISSUED,
        EventKind.APPOINTMENT_CHECKED_IN,
    ]
    checked = done.appointment
    assert checked is not None
    assert (checked.state, checked.ticket_id, checked.checked_in_by) == (
        AppointmentState.CHECKED_IN,
        ticket.id,
        "kiosk-K-1",
    )


def test_too_early_on_another_day_names_the_day_and_the_opening(hall: Hall) -> None:
    booked = hall.reserve(at("10:20", date(2026, 11, 24)))
    with pytest.raises(TooEarly) as raised:
        hall.book.check_in(hall.engine, MONDAY_10_00, booked.code)
    assert str(raised.value) == (
        "the booking is for 2026-11-24 at 10:20: check in that day from 10:05"
    )
    assert raised.value.opens_ms == at("10:05", date(2026, 11, 24))


def test_the_first_slot_checks_in_from_the_opening(hall: Hall) -> None:
    booked = hall.reserve(at("08:00", date(2026, 11, 24)))
    with pytest.raises(TooEarly, match="check in that day from 08:00"):
        hall.book.check_in(hall.engine, MONDAY_10_00, booked.code)


def test_a_used_code_names_its_ticket_and_a_retry_gets_the_same_ticket(hall: Hall) -> None:
    booked = hall.reserve("10:20")
    first = hall.book.check_in(hall.engine, at("10:10"), booked.code, request_id="k-1")
    assert first.ticket is not None
    retry = hall.book.check_in(hall.engine, at("10:11"), booked.code, request_id="k-1")
    assert retry.replayed
    assert (retry.ticket, retry.events) == (first.ticket, [])
    with pytest.raises(CodeUsed) as raised:
        hall.book.check_in(hall.engine, at("10:12"), booked.code, request_id="k-2")
    assert str(raised.value) == (
        "this booking was checked in at 10:10 and got ticket А001; it cannot be checked in "
        "again: wait for А001 to be called"
    )
    with pytest.raises(CodeUsed):
        hall.book.cancel(hall.engine, at("10:12"), booked.code)


def test_an_appointment_ticket_is_called_before_walk_ins_from_its_slot(hall: Hall) -> None:
    walk_in = hall.engine.issue("passport", at("10:00")).ticket
    booked = hall.reserve("10:20")
    hall.book.check_in(hall.engine, at("10:15"), booked.code)
    hall.engine.open_desk("d1", at("10:15"))
    called = hall.engine.call_next("d1", at("10:20")).ticket
    assert walk_in is not None and called is not None
    assert called.priority == "appointment"


def test_a_refused_check_in_changes_nothing(hall: Hall) -> None:
    booked = hall.reserve("10:20")
    # The hall was closed for the day after the booking was made: no tickets today.
    closed = hall.branch.model_copy(update={"closed_dates": (MONDAY,)})
    hall.engine.reconfigure(closed, MONDAY_10_00, "closed today")
    seq = hall.engine.seq
    with pytest.raises(Refused, match="the branch is closed today"):
        hall.book.check_in(hall.engine, at("10:10"), booked.code)
    assert hall.book.get(booked.code) == booked
    assert hall.engine.seq == seq


# -- the clock's work ----------------------------------------------------------------


def test_a_booking_not_checked_in_becomes_a_no_show_when_its_window_closes(hall: Hall) -> None:
    booked = hall.reserve("10:20")
    assert hall.book.sweep(hall.engine, at("10:30")).events == []
    outcome = hall.book.sweep(hall.engine, at("10:30") + 1)
    (event,) = outcome.events
    assert event.kind is EventKind.APPOINTMENT_NO_SHOW
    assert event.appointment is not None
    assert event.appointment.state is AppointmentState.NO_SHOW
    with pytest.raises(TooLate, match="closed at 10:30"):
        hall.book.check_in(hall.engine, at("10:31"), booked.code)
    assert hall.book.sweep(hall.engine, at("11:00")).events == []


def test_contacts_are_erased_after_the_day_after_the_slot_and_old_bookings_leave_memory(
    hall: Hall,
) -> None:
    booked = hall.reserve("10:20", phone="89161234567", email="a@b.ru", name="Анна")
    hall.reserve("10:40")
    tuesday_end = at("00:00", date(2026, 11, 25))
    events = hall.book.sweep(hall.engine, tuesday_end - 1).events
    assert [e.kind for e in events] == [EventKind.APPOINTMENT_NO_SHOW] * 2
    (erased,) = hall.book.sweep(hall.engine, tuesday_end).events
    assert erased.kind is EventKind.APPOINTMENT_CONTACT_ERASED
    kept = hall.book.get(booked.code)
    assert kept is not None
    assert (kept.phone, kept.email, kept.name, kept.has_contact) == ("", "", "", False)
    assert hall.book.find("89161234567", MONDAY_10_00) == []
    hall.book.sweep(hall.engine, at("10:40") + RECENT_MS)
    assert hall.book.get(booked.code) is None
    assert len(hall.book) == 0


def test_keeping_contacts_longer_is_configurable() -> None:
    hall = Hall(keep_contacts_days=3)
    booked = hall.reserve("10:20", phone="89161234567")
    hall.book.sweep(hall.engine, at("23:59", date(2026, 11, 26)))
    assert hall.book.get(booked.code) == replace(
        booked, state=AppointmentState.NO_SHOW, changed_at_ms=at("23:59", date(2026, 11, 26))
    )
    erased = hall.book.sweep(hall.engine, at("00:00", date(2026, 11, 27))).events
    assert [e.kind for e in erased] == [EventKind.APPOINTMENT_CONTACT_ERASED]


def test_a_book_rebuilt_from_its_bookings_holds_the_same_seats(hall: Hall) -> None:
    one = hall.reserve("10:20", phone="89161234567")
    two = hall.reserve("10:20")
    rebuilt = AppointmentBook(hall.branch, [one, two], next_id=3)
    with pytest.raises(SlotFull):
        rebuilt.book(hall.engine, MONDAY_10_00, "passport", at("10:20"), Channel.KIOSK, code="X")
    assert rebuilt.get(one.code) == one
    assert rebuilt.find("+79161234567", MONDAY_10_00) == [one]


def test_a_configuration_that_strands_bookings_is_refused(hall: Hall) -> None:
    hall.reserve("10:20")
    without = make_branch(
        services=[{"id": "snils", "prefix": "Б", "name_ru": "СНИЛС", "name_en": "SNILS"}],
        desks=[{"id": "d1", "number": 1, "services": {"snils": 1.0}}],
    )
    with pytest.raises(Refused) as raised:
        hall.book.check_fits(without)
    assert str(raised.value) == (
        'the configuration drops service "passport" while a booking for it is at 2026-11-23 '
        "10:20: keep the service until its bookings are over, or cancel them"
    )
    no_category = make_branch(priorities=[])
    with pytest.raises(Refused, match='has no priority "appointment"'):
        hall.book.check_fits(no_category)
    # Taking appointments off keeps the bookings made: they still check in.
    hall.book.check_fits(make_branch())
    hall.book.reconfigure(make_branch())
    with pytest.raises(NotBookable):
        hall.reserve("11:00")


def test_the_bookable_days_are_the_branchs_local_days() -> None:
    branch = make_branch(timezone="Asia/Vladivostok", appointments={"capacity": {"passport": 1}})
    book = AppointmentBook(branch)
    views = book.seats.slots("passport", None, None, MONDAY_10_00)
    days = sorted({v.slot.day for v in views})
    # 10:00 in Moscow is 17:00 in Vladivostok: the 17:00 slot has begun, 17:20 is next.
    assert days[0] == MONDAY
    assert views[0].slot.time == "17:20"
    assert days[-1] == date(2026, 11, 30)
