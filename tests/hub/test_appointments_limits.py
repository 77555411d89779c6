"""Booking limits per person: the configuration, the pure rule, and the book enforcing it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.config import load_branch
from hub.domain.appointments.limits import Limit, breach, limits_of, period
from hub.domain.branch import ConfigProblem, Period
from hub.domain.model import Appointment, AppointmentState, Channel
from hub.errors import BookingLimitReached, ConfigError
from okno.snils import snils_hash
from tests.hub.conftest import MONDAY_10_00, make_branch
from tests.hub.test_appointments_book import MONDAY, Hall, at
from tests.hub.test_appointments_rules import APPOINTMENTS
from tests.hub.test_config import EXAMPLE, VALID, write

PHONE = "+79161234567"
CARD = snils_hash(b"k" * 32, "112-233-445 95")

# -- configuration ---------------------------------------------------------------

LIMITS = APPOINTMENTS.replace(
    "capacity = { passport = 2 }\n",
    "capacity = { passport = 2 }\n"
    "limits = [\n"
    '  { services = ["passport"], per = "week", most = 1 },\n'
    "]\n"
    'default_limit = { per = "day", most = 2 }\n',
)


def test_the_example_limits_passports_a_week_together_and_others_two_a_day() -> None:
    branch = load_branch(EXAMPLE).branch
    found = limits_of(branch)
    passports = Limit(frozenset({"passport", "foreign-passport"}), "week", 1)
    assert found["passport"] == found["foreign-passport"] == (passports,)
    assert found["property"] == (Limit(frozenset({"property"}), "day", 2),)
    assert "snils" not in found


@pytest.mark.parametrize(
    ("line", "mistake", "reason"),
    [
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { services = ["pasport"], per = "week", most = 1 },',
            'a booking limit names service "pasport", which is not among [[services]]',
            id="unknown-service",
        ),
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { services = ["snils"], per = "week", most = 1 },',
            'a booking limit names service "snils", which takes no appointments: give it a '
            "capacity, or drop it from the limit",
            id="service-not-booked",
        ),
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { groups = ["documents"], per = "week", most = 1 },',
            'a booking limit names group "documents", which is not among [[groups]]',
            id="unknown-group",
        ),
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { per = "week", most = 1 },',
            'a limit names the services it is about: services = ["passport"]',
            id="no-services",
        ),
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { services = ["passport"], per = "year", most = 1 },',
            "Input should be 'day', 'week' or 'month'",
            id="unknown-period",
        ),
        pytest.param(
            '  { services = ["passport"], per = "week", most = 1 },',
            '  { services = ["passport"], per = "week", most = 0 },',
            "Input should be greater than or equal to 1",
            id="none-allowed",
        ),
        pytest.param(
            'default_limit = { per = "day", most = 2 }',
            'default_limit = { per = "day" }',
            'key "default_limit.most": Field required',
            id="default-without-most",
        ),
    ],
)
def test_a_limit_mistake_is_refused_at_load_with_its_line(
    tmp_path: Path, line: str, mistake: str, reason: str
) -> None:
    text = (VALID + LIMITS).replace(line + "\n", mistake + "\n")
    assert mistake in text
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, text))
    assert reason in raised.value.reason
    written = text.splitlines()
    # An entry of the list is reported at the list's key; the default at its own line.
    at_line = "limits = [" if mistake.startswith("  {") else mistake
    assert raised.value.line == written.index(at_line) + 1


def test_a_group_limit_counts_its_services_and_needs_a_booked_one() -> None:
    groups = [{"id": "documents", "name_ru": "Документы", "name_en": "Documents"}]
    services = [dict(s) for s in make_branch().model_dump()["services"]]
    services[1]["group"] = "documents"
    rules = {
        "capacity": {"passport": 1},
        "limits": [{"groups": ["documents"], "per": "week", "most": 1}],
    }
    with pytest.raises(ConfigProblem, match='group "documents", none of whose services takes'):
        make_branch(groups=groups, services=services, appointments=rules)
    services[0]["group"] = "documents"
    branch = make_branch(groups=groups, services=services, appointments=rules)
    assert limits_of(branch)["passport"] == (Limit(frozenset({"passport", "snils"}), "week", 1),)


# -- the pure rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "per", "first", "last"),
    [
        (date(2026, 12, 9), "day", date(2026, 12, 9), date(2026, 12, 9)),
        (date(2026, 12, 9), "week", date(2026, 12, 7), date(2026, 12, 13)),
        (date(2026, 12, 7), "week", date(2026, 12, 7), date(2026, 12, 13)),
        (date(2026, 12, 13), "week", date(2026, 12, 7), date(2026, 12, 13)),
        (date(2026, 12, 31), "week", date(2026, 12, 28), date(2027, 1, 3)),
        (date(2026, 12, 9), "month", date(2026, 12, 1), date(2026, 12, 31)),
        (date(2028, 2, 10), "month", date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_a_period_is_the_branchs_calendar_day_week_from_monday_or_month(
    day: date, per: Period, first: date, last: date
) -> None:
    assert period(day, per) == (first, last)


WEEKLY = Limit(frozenset({"passport", "foreign-passport"}), "week", 1)
WEDNESDAY = MONDAY + timedelta(days=2)


def held(service: str = "passport", day: date = MONDAY, **changes: Any) -> Appointment:
    base = Appointment(
        id=1,
        code="K7M4QX",
        service_id=service,
        slot_ms=at("12:00", day),
        seat=0,
        state=AppointmentState.BOOKED,
        channel=Channel.KIOSK,
        booked_at_ms=MONDAY_10_00,
        changed_at_ms=MONDAY_10_00,
        phone=PHONE,
    )
    return replace(base, **changes)


def day_of(ms: int) -> date:
    return Hall().book.calendar.today(ms)


@pytest.mark.parametrize(
    ("asked", "day", "bookings", "moving", "refused"),
    [
        pytest.param("passport", WEDNESDAY, [held()], None, True, id="same-week"),
        pytest.param("foreign-passport", WEDNESDAY, [held()], None, True, id="together"),
        pytest.param("property", WEDNESDAY, [held()], None, False, id="other-service"),
        pytest.param("passport", MONDAY + timedelta(days=7), [held()], None, False, id="next-week"),
        pytest.param(
            "passport",
            WEDNESDAY,
            [held(state=AppointmentState.CANCELLED)],
            None,
            False,
            id="cancelled",
        ),
        pytest.param(
            "passport",
            WEDNESDAY,
            [held(state=AppointmentState.CHECKED_IN)],
            None,
            False,
            id="checked-in",
        ),
        pytest.param(
            "passport",
            WEDNESDAY,
            [held(state=AppointmentState.NO_SHOW)],
            None,
            False,
            id="no-show",
        ),
        pytest.param(
            "passport",
            WEDNESDAY,
            [held(slot_ms=at("08:00"))],
            None,
            False,
            id="window-closed-awaiting-sweep",
        ),
        pytest.param("passport", WEDNESDAY, [held()], 1, False, id="moved-itself"),
        pytest.param(
            "passport", WEDNESDAY, [held(), held(id=2)], 1, True, id="moved-beside-another"
        ),
    ],
)
def test_the_rule(
    asked: str, day: date, bookings: list[Appointment], moving: int | None, refused: bool
) -> None:
    found = breach(
        [WEEKLY],
        asked,
        day,
        bookings,
        day_of=day_of,
        still_to_come=lambda a: a.slot_ms + 10 * 60_000 >= MONDAY_10_00,
        moving=moving,
    )
    assert (found is not None) == refused
    if found is not None:
        assert found.limit == WEEKLY
        assert found.held.id == (2 if moving == 1 else 1)


def test_the_first_held_booking_is_named_and_most_counts_up_to_it() -> None:
    twice = Limit(frozenset({"passport"}), "month", 2)
    later = held(id=2, slot_ms=at("15:00", WEDNESDAY))
    first = held(id=3, slot_ms=at("11:00", WEDNESDAY))
    arguments: dict[str, Any] = {"day_of": day_of, "still_to_come": lambda a: True}
    assert breach([twice], "passport", MONDAY, [later], **arguments) is None
    found = breach([twice], "passport", MONDAY, [later, first], **arguments)
    assert found is not None and found.held is first


# -- the book --------------------------------------------------------------------


@pytest.fixture
def limited() -> Hall:
    return Hall(limits=[{"services": ["passport"], "per": "week", "most": 1}])


def test_a_second_booking_by_the_same_phone_typed_otherwise_is_refused(limited: Hall) -> None:
    first = limited.reserve("12:00", phone="+7 916 123-45-67")
    with pytest.raises(BookingLimitReached) as refused:
        limited.reserve(at("10:20", WEDNESDAY), phone="8 (916) 123 45 67")
    error = refused.value
    assert str(error) == (
        'at most 1 booking(s) per week for "passport" per phone number or card: one is '
        'already booked for 2026-11-23 12:00 ("passport"); cancel or move it first'
    )
    assert (error.held_code, error.held_slot_ms) == (first.code, first.slot_ms)
    assert PHONE not in str(error) and first.code not in str(error)
    assert error.facts() == {
        "limit-most": "1",
        "limit-per": "week",
        "limit-services": "passport",
        "held-service": "passport",
        "slot-ms": str(at("12:00")),
    }
    assert limited.reserve(at("10:20", WEDNESDAY), phone="+79160000000").phone != PHONE
    assert limited.reserve("12:00", service="property", phone=PHONE).service_id == "property"


def test_a_card_is_limited_by_its_hash_with_or_without_a_phone(limited: Hall) -> None:
    limited.reserve("12:00", snils_hash=CARD)
    with pytest.raises(BookingLimitReached):
        limited.reserve("12:20", snils_hash=CARD.upper())
    with pytest.raises(BookingLimitReached):
        limited.reserve("12:20", snils_hash=CARD, phone="+79160000000")


def test_a_cancelled_booking_frees_the_limit(limited: Hall) -> None:
    first = limited.reserve("12:00", phone=PHONE)
    limited.book.cancel(limited.engine, MONDAY_10_00, first.code)
    assert limited.reserve("12:20", phone=PHONE).state is AppointmentState.BOOKED


def test_a_move_does_not_count_itself_but_counts_the_others(limited: Hall) -> None:
    this_week = limited.reserve("12:00", phone=PHONE)
    next_week = limited.reserve(at("12:00", MONDAY + timedelta(days=7)), phone=PHONE)
    moved = limited.book.move(limited.engine, MONDAY_10_00, this_week.code, at("15:00"))
    assert moved.appointment is not None and moved.appointment.slot_ms == at("15:00")
    with pytest.raises(BookingLimitReached) as refused:
        limited.book.move(
            limited.engine, MONDAY_10_00, this_week.code, next_week.slot_ms + 20 * 60_000
        )
    assert refused.value.held_code == next_week.code
    assert limited.book.get(this_week.code) == moved.appointment
