"""Appointments' pure rules: the configuration, the slots of a day, codes and contacts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.config import load_branch
from hub.domain.appointments import SlotCalendar, codes, contacts, words
from hub.errors import BadCode, ConfigError, InvalidRequest
from tests.hub.conftest import MINUTE, make_branch
from tests.hub.test_config import VALID, write

pytestmark = pytest.mark.clock

MONDAY = date(2026, 11, 23)


def calendar(timezone: str = "Europe/Moscow", **overrides: Any) -> SlotCalendar:
    appointments = {"capacity": {"passport": 2, "property": 1}} | overrides.pop("appointments", {})
    return SlotCalendar(make_branch(timezone=timezone, appointments=appointments, **overrides))


def local(ms: int, timezone: str = "Europe/Moscow") -> str:
    return f"{datetime.fromtimestamp(ms / 1000, ZoneInfo(timezone)):%Y-%m-%d %H:%M %z}"


# -- configuration ---------------------------------------------------------------


def test_the_example_branch_books_eight_services_with_defaults_from_the_domain() -> None:
    branch = load_branch(Path(__file__).parents[2] / "examples" / "branch.toml").branch
    rules = branch.appointments
    assert (rules.slot_min, rules.days_ahead, rules.early_min, rules.late_min) == (20, 7, 15, 10)
    assert rules.capacity["passport"] == 2
    assert "snils" not in rules.capacity
    assert date(2027, 1, 1) in branch.closed_dates
    assert branch.hours_on(date(2027, 1, 1)) is None
    assert branch.hours_on(MONDAY) is not None


def test_a_branch_without_appointments_books_nothing() -> None:
    branch = make_branch()
    assert branch.appointments.capacity == {}
    assert calendar(appointments={"capacity": {}}).day_slots("passport", MONDAY) == []


APPOINTMENTS = """
[[priorities]]
id = "appointment"
name_ru = "Запись"
name_en = "Appointment"
ratio = 3

[appointments]
slot_min = 20
late_min = 10
capacity = { passport = 2 }
"""


@pytest.mark.parametrize(
    ("line", "mistake", "reason", "at"),
    [
        pytest.param(
            "capacity = { passport = 2 }",
            "capacity = { pasport = 2 }  # here",
            '[appointments], key "capacity.pasport": appointments are offered for "pasport", '
            "which is not among [[services]]: add the service or fix the name",
            None,
            id="unknown-service",
        ),
        pytest.param(
            'id = "appointment"',
            'id = "booked"  # here',
            '[appointments], key "priority": checked-in visitors get priority "appointment", '
            "which is not among [[priorities]]",
            # The key is not written: the table's header is where to look.
            "[appointments]",
            id="missing-priority",
        ),
        pytest.param(
            "late_min = 10",
            "late_min = 20  # here",
            '[appointments], key "late_min": late_min (20) is not shorter than a slot (20 min)',
            None,
            id="late-as-long-as-a-slot",
        ),
        pytest.param(
            "capacity = { passport = 2 }",
            "capacity = { passport = 0 }  # here",
            '[appointments], key "capacity.passport": Input should be greater than or equal to 1',
            None,
            id="no-seats",
        ),
        pytest.param(
            "slot_min = 20",
            'slot_min = "20 min"  # here',
            '[appointments], key "slot_min": Input should be a valid integer',
            None,
            id="text-for-minutes",
        ),
    ],
)
def test_an_appointment_mistake_is_reported_at_its_line(
    tmp_path: Path, line: str, mistake: str, reason: str, at: str | None
) -> None:
    text = (VALID + APPOINTMENTS).replace(line + "\n", mistake + "\n")
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, text))
    assert raised.value.line == text.splitlines().index(at or mistake) + 1
    assert reason in raised.value.reason


def test_closed_dates_are_toml_dates_or_iso_text(tmp_path: Path) -> None:
    text = VALID.replace(
        'timezone = "Europe/Moscow"\n',
        ('timezone = "Europe/Moscow"\nclosed_dates = [2026-12-31, "2027-01-01"]\n'),
    )
    branch = load_branch(write(tmp_path, text)).branch
    assert branch.closed_dates == (date(2026, 12, 31), date(2027, 1, 1))
    bad = text.replace('"2027-01-01"', '"1 January"')
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, bad))
    assert raised.value.line == 4
    assert raised.value.reason == (
        'key "closed_dates": closed dates are written like 2027-01-01, not "1 January"'
    )


# -- slots -----------------------------------------------------------------------


def test_slots_fill_the_day_from_opening_every_twenty_minutes() -> None:
    slots = calendar().day_slots("passport", MONDAY)
    assert len(slots) == 36
    assert (slots[0].time, slots[-1].time) == ("08:00", "19:40")
    assert local(slots[0].start_ms) == "2026-11-23 08:00 +0300"
    assert all(b.start_ms - a.start_ms == 20 * MINUTE for a, b in pairwise(slots))
    assert all(s.end_ms - s.start_ms == 20 * MINUTE for s in slots)


def test_slots_end_when_the_services_tickets_stop() -> None:
    # "property" stops issuing tickets an hour before closing: a visitor checked in
    # within the window must still get one.
    slots = calendar().day_slots("property", MONDAY)
    assert slots[-1].time == "18:40"
    assert local(slots[-1].end_ms) == "2026-11-23 19:00 +0300"


def test_saturday_has_its_own_hours_and_sunday_and_holidays_none() -> None:
    cal = calendar(closed_dates=["2026-11-25"])
    saturday = cal.day_slots("passport", date(2026, 11, 28))
    assert (len(saturday), saturday[0].time, saturday[-1].time) == (21, "10:00", "16:40")
    assert cal.day_slots("passport", date(2026, 11, 29)) == []
    assert cal.day_slots("passport", date(2026, 11, 25)) == []
    assert cal.day_slots("snils", MONDAY) == [], "snils takes no appointments"


def test_a_longer_slot_and_an_odd_opening_shift_the_grid() -> None:
    cal = calendar(hours={"mon": "08:10-12:00"}, appointments={"slot_min": 45, "late_min": 10})
    assert [s.time for s in cal.day_slots("passport", MONDAY)] == [
        "08:10",
        "08:55",
        "09:40",
        "10:25",
        "11:10",
    ]


def test_slots_are_local_times_whatever_the_utc_date() -> None:
    cal = calendar(hours=dict.fromkeys(("mon", "tue"), "00:00-24:00"))
    slots = cal.day_slots("passport", MONDAY)
    assert len(slots) == 72
    # Local midnight in Moscow is 21:00 UTC of the day before.
    first = datetime.fromtimestamp(slots[0].start_ms / 1000, UTC)
    assert (first.date(), first.hour) == (date(2026, 11, 22), 21)
    assert slots[0].day == MONDAY
    assert local(slots[-1].start_ms) == "2026-11-23 23:40 +0300"
    assert cal.slot("passport", slots[-1].start_ms) == slots[-1]
    assert cal.slot("passport", slots[-1].start_ms + MINUTE) is None
    tuesday = cal.day_slots("passport", date(2026, 11, 24))
    assert tuesday[0].start_ms == slots[-1].end_ms


def test_the_same_hours_in_vladivostok_are_other_utc_moments() -> None:
    moscow = calendar().day_slots("passport", MONDAY)[0]
    vladivostok = calendar("Asia/Vladivostok").day_slots("passport", MONDAY)[0]
    assert (moscow.time, vladivostok.time) == ("08:00", "08:00")
    assert moscow.start_ms - vladivostok.start_ms == 7 * 60 * MINUTE


def test_a_wall_time_the_clocks_skip_has_no_slot_and_a_repeated_one_has_one() -> None:
    hours = dict.fromkeys(("sun",), "00:00-24:00")
    cal = calendar("Europe/Berlin", hours=hours)
    spring = cal.day_slots("passport", date(2026, 3, 29))  # 02:00 -> 03:00
    assert len(spring) == 69
    assert "02:20" not in [s.time for s in spring]
    autumn = cal.day_slots("passport", date(2026, 10, 25))  # 03:00 -> 02:00
    assert len(autumn) == 72
    starts = [s.start_ms for s in autumn]
    assert starts == sorted(set(starts))
    assert local(autumn[8].start_ms, "Europe/Berlin") == "2026-10-25 02:40 +0200"
    assert local(autumn[9].start_ms, "Europe/Berlin") == "2026-10-25 03:00 +0100"


def test_check_in_opens_early_but_not_before_the_branch_does() -> None:
    cal = calendar()
    slots = cal.day_slots("passport", MONDAY)
    at_10_20 = next(s for s in slots if s.time == "10:20")
    opens, closes = cal.check_in_window(at_10_20.start_ms)
    assert (local(opens), local(closes)) == ("2026-11-23 10:05 +0300", "2026-11-23 10:30 +0300")
    opens, closes = cal.check_in_window(slots[0].start_ms)
    assert (local(opens), local(closes)) == ("2026-11-23 08:00 +0300", "2026-11-23 08:10 +0300")


def test_the_bookable_days_are_today_and_the_next_seven() -> None:
    cal = calendar()
    today = datetime(2026, 11, 23, 23, 59, tzinfo=ZoneInfo("Europe/Moscow"))
    assert cal.horizon(int(today.timestamp() * 1000)) == (MONDAY, date(2026, 11, 30))


# -- codes -----------------------------------------------------------------------


def test_codes_are_six_unambiguous_characters_and_all_of_the_alphabet_occurs() -> None:
    drawn = [codes.new_code() for _ in range(2000)]
    assert all(len(c) == 6 for c in drawn)
    assert set("".join(drawn)) == set(codes.ALPHABET)
    assert not set("01IO") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) == 32


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7M4QX", "K7M4QX"),
        ("k7m4qx", "K7M4QX"),
        (" K7M-4QX ", "K7M4QX"),
        ("k7m 4qx", "K7M4QX"),
        # A Russian keyboard layout: Cyrillic К, М, Х that look like Latin letters.
        ("К7М4QХ", "K7M4QX"),
    ],
)
def test_a_code_is_read_however_it_was_typed(typed: str, stored: str) -> None:
    assert codes.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["K7M4Q", "K7M4QXZ", "K7M4Q0", "K7M4QO", "K7M4Q1", "", "K7M4Q?"])
def test_what_cannot_be_a_code_says_what_a_code_looks_like(typed: str) -> None:
    with pytest.raises(BadCode) as raised:
        codes.normalise(typed)
    assert str(raised.value) == (
        "a booking code has 6 characters, letters and the digits 2-9 (there is no 0, 1, I or "
        "O in it): check the code in the message or on the slip"
    )


def test_codes_draw_from_the_injected_choice() -> None:
    rng = random.Random(1)
    assert codes.new_code(rng.choice) == codes.new_code(random.Random(1).choice)


# -- contacts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["+7 (916) 123-45-67", "8 916 123 45 67", "89161234567", "9161234567", "+79161234567"],
)
def test_a_russian_phone_is_kept_one_way(typed: str) -> None:
    assert contacts.phone(typed) == "+79161234567"


@pytest.mark.parametrize("typed", ["12345", "+7 916 123", "8 916 ABC 45 67", "0916123456"])
def test_a_phone_that_no_sms_reaches_is_refused_without_repeating_it(typed: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        contacts.phone(typed)
    assert str(raised.value) == (
        "the phone number is not one an SMS can reach: give it as +7 916 123-45-67"
    )


def test_e_mail_names_and_hints() -> None:
    assert contacts.email(" Ivan.Petrov@Mail.RU ") == "Ivan.Petrov@mail.ru"
    assert contacts.email("") == ""
    for bad in ("ivan", "ivan@", "ivan@mail", "a@b@c.ru", "x" * 250 + "@mail.ru"):
        with pytest.raises(InvalidRequest, match=r"give it as name@example\.ru"):
            contacts.email(bad)
    assert contacts.name("  Анна   Иванова ") == "Анна Иванова"
    with pytest.raises(InvalidRequest, match="longer than 64"):
        contacts.name("А" * 65)
    assert contacts.phone_hint("+79161234567") == "+7********67"
    assert contacts.email_hint("ivan@mail.ru") == "i***@mail.ru"
    assert contacts.phone_hint("") == contacts.email_hint("") == ""


# -- codes that spell words ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "word"),
    [
        ("SEXQJ4", "SEX"),
        ("5EXQJ4", "SEX"),
        ("Q2FUCK", "FUCK"),
        ("XEP7M4", "ХЕР"),
        ("XYN234", "ХУЙ"),
        ("K8LYA9", "BLYA"),
        ("7CYKA2", "СУКА"),
    ],
)
def test_a_code_read_as_an_offensive_word_is_recognised_in_its_look_alike_letters(
    code: str, word: str
) -> None:
    assert words.spelled(code) == word


def test_a_drawn_code_that_spells_a_word_is_thrown_away_and_another_drawn() -> None:
    scripted = iter("SEXQJ4" + "K7M4QX")
    assert codes.new_code(lambda alphabet: next(scripted)) == "K7M4QX"


def test_a_seeded_generator_never_produces_a_blocked_word_yet_draws_every_character() -> None:
    rng = random.Random(17)
    drawn = [codes.new_code(rng.choice) for _ in range(50_000)]
    # Unfiltered, about 12 codes in 100,000 hold "SEX" alone (4 places x 32^-3).
    assert not [c for c in drawn if "SEX" in c or "FUCK" in c or "XEP" in c]
    assert not [c for c in drawn if words.spelled(c)]
    assert set("".join(drawn)) == set(codes.ALPHABET)
    assert len(set(drawn)) > 49_900, "the draw stays spread over the whole alphabet"
