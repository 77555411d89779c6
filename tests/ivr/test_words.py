"""The menu's Russian, checked against what a Russian speaker says: tables of known text."""

from __future__ import annotations

from datetime import date, time

import pytest

from ivr import words
from ivr.errors import Unsayable


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "ноль человек"),
        (1, "один человек"),
        (2, "два человека"),
        (4, "четыре человека"),
        (5, "пять человек"),
        (11, "одиннадцать человек"),
        (12, "двенадцать человек"),
        (14, "четырнадцать человек"),
        (21, "двадцать один человек"),
        (22, "двадцать два человека"),
        (25, "двадцать пять человек"),
        (100, "сто человек"),
        (101, "сто один человек"),
        (111, "сто одиннадцать человек"),
        (112, "сто двенадцать человек"),
        (1001, "тысяча один человек"),
    ],
)
def test_people_are_counted_with_the_noun_agreeing(n: int, said: str) -> None:
    assert words.count_people(n) == said


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "ноль минут"),
        (1, "одна минута"),
        (2, "две минуты"),
        (3, "три минуты"),
        (5, "пять минут"),
        (11, "одиннадцать минут"),
        (21, "двадцать одна минута"),
        (22, "двадцать две минуты"),
        (25, "двадцать пять минут"),
        (100, "сто минут"),
        (101, "сто одна минута"),
        (102, "сто две минуты"),
    ],
)
def test_minutes_are_feminine(n: int, said: str) -> None:
    assert words.minutes(n) == said


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "меньше минуты"),
        (59, "меньше минуты"),
        (60, "около одной минуты"),
        (120, "около двух минут"),
        (150, "около трёх минут"),
        (12 * 60 + 29, "около десяти минут"),
        (12 * 60 + 30, "около пятнадцати минут"),
        (300, "около пяти минут"),
        (9 * 60, "около девяти минут"),
        (11 * 60, "около десяти минут"),
        (21 * 60, "около двадцати минут"),
        (23 * 60, "около двадцати пяти минут"),
        (41 * 60, "около сорока минут"),
        (58 * 60, "около часа"),
        (60 * 60, "около часа"),
        (70 * 60, "около часа и десяти минут"),
        (124 * 60, "около двух часов"),
        (125 * 60, "около двух часов и десяти минут"),
        (150 * 60, "около двух часов и тридцати минут"),
        (5 * 3600 + 40 * 60, "около пяти часов и сорока минут"),
        (10 * 3600, "около десяти часов"),
        (10 * 3600 + 600, "больше десяти часов"),
        (24 * 3600, "больше десяти часов"),
    ],
)
def test_waits_are_approximate_and_genitive_after_okolo(seconds: int, said: str) -> None:
    assert words.wait_text(seconds) == said


def test_a_negative_wait_is_refused() -> None:
    with pytest.raises(Unsayable, match="negative"):
        words.wait_text(-1)


# One day of each month, with its weekday: the month in the genitive, the day an ordinal.
@pytest.mark.parametrize(
    ("day", "said"),
    [
        (date(2027, 1, 1), "в пятницу, первого января"),
        (date(2027, 2, 2), "во вторник, второго февраля"),
        (date(2027, 3, 3), "в среду, третьего марта"),
        (date(2027, 4, 4), "в воскресенье, четвёртого апреля"),
        (date(2027, 5, 7), "в пятницу, седьмого мая"),
        (date(2027, 6, 12), "в субботу, двенадцатого июня"),
        (date(2027, 7, 19), "в понедельник, девятнадцатого июля"),
        (date(2027, 8, 20), "в пятницу, двадцатого августа"),
        (date(2027, 9, 21), "во вторник, двадцать первого сентября"),
        (date(2027, 10, 23), "в субботу, двадцать третьего октября"),
        (date(2027, 11, 30), "во вторник, тридцатого ноября"),
        (date(2026, 12, 8), "во вторник, восьмого декабря"),
        (date(2026, 12, 31), "в четверг, тридцать первого декабря"),
        (date(2027, 1, 28), "в четверг, двадцать восьмого января"),
    ],
)
def test_a_date_is_its_weekday_then_an_ordinal_and_the_month(day: date, said: str) -> None:
    assert words.day_text(day, today=date(2026, 12, 1)) == said


def test_today_and_tomorrow_are_said_by_name() -> None:
    today = date(2026, 12, 8)
    assert words.day_text(today, today) == "сегодня"
    assert words.day_text(date(2026, 12, 9), today) == "завтра"
    assert words.day_text(date(2026, 12, 10), today) == "в четверг, десятого декабря"


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (time(9, 0), "в девять часов"),
        (time(10, 0), "в десять часов"),
        (time(10, 30), "в десять часов тридцать минут"),
        (time(13, 30), "в тринадцать часов тридцать минут"),
        (time(1, 0), "в час"),
        (time(2, 0), "в два часа"),
        (time(21, 0), "в двадцать один час"),
        (time(22, 0), "в двадцать два часа"),
        (time(14, 1), "в четырнадцать часов одну минуту"),
        (time(14, 2), "в четырнадцать часов две минуты"),
        (time(11, 21), "в одиннадцать часов двадцать одну минуту"),
        (time(12, 45), "в двенадцать часов сорок пять минут"),
        (time(16, 15), "в шестнадцать часов пятнадцать минут"),
    ],
)
def test_times_on_the_hour_and_between(moment: time, said: str) -> None:
    assert words.time_text(moment) == said


@pytest.mark.parametrize(
    ("ticket", "said"),
    [("А017", "А ноль семнадцать"), ("Б123", "бэ сто двадцать три"), ("В100", "вэ сто")],
)
def test_tickets_are_said_as_the_hall_says_them(ticket: str, said: str) -> None:
    assert words.ticket_text(ticket) == said


def test_an_unsayable_ticket_is_a_typed_refusal() -> None:
    with pytest.raises(Unsayable, match="ticket"):
        words.ticket_text("A12345")


def test_a_booking_code_is_read_character_by_character_with_spelling_words() -> None:
    assert words.code_pieces("7MK2AZ") == [
        "семь",
        "эм, как Михаил",
        "ка, как Константин",
        "два",
        "А, как Анна",
        "зэт, как Зинаида",
    ]
    assert words.code_text("hx9w") == "аш; икс; девять; дубль-вэ"


def test_every_code_character_has_its_own_distinct_piece() -> None:
    pieces = [words.code_pieces(char)[0] for char in words.CODE_ALPHABET]
    assert len(set(pieces)) == len(words.CODE_ALPHABET) == 32


@pytest.mark.parametrize("code", ["", "AB0CDE", "ABCDIO", "ЖЖЖ"])
def test_a_code_outside_the_alphabet_is_refused(code: str) -> None:
    with pytest.raises(Unsayable):
        words.code_pieces(code)


def test_typed_digits_are_read_back_key_by_key() -> None:
    assert words.digits_text("1207") == "один два ноль семь"
    with pytest.raises(Unsayable):
        words.digits_text("12a")
    with pytest.raises(Unsayable):
        words.digits_text("")


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("accepted", "принято и ждёт рассмотрения"),
        ("in_work", "в работе"),
        ("READY", "готово, документы можно получить в центре"),
        ("APPLICATION_STATUS_ISSUED", "исполнено, документы выданы"),
        ("cancelled", "отменено"),
    ],
)
def test_application_statuses_as_the_caller_hears_them(status: str, said: str) -> None:
    assert words.application_status_text(status) == said


def test_every_hub_status_can_be_said() -> None:
    from hub.domain.applications import ApplicationStatus

    for status in ApplicationStatus:
        assert words.application_status_text(status.value)


def test_an_unknown_status_from_a_newer_hub_is_a_typed_refusal() -> None:
    with pytest.raises(Unsayable, match="archived"):
        words.application_status_text("archived")


def test_numbers_beyond_the_halls_numerals_are_refused() -> None:
    with pytest.raises(Unsayable, match="10000"):
        words.count_people(10_000)


def test_the_inventory_holds_every_piece_a_call_can_say_within_bounds() -> None:
    from ivr import inventory

    today = date(2026, 12, 8)
    found = inventory.pieces(today, days_ahead=7)
    assert len(found) == len(set(found))
    assert {
        "ноль человек",
        "двадцать два человека",
        "триста человек",
        "меньше минуты",
        "около пяти минут",
        "около часа и десяти минут",
        "больше десяти часов",
        "сегодня",
        "завтра",
        "во вторник, пятнадцатого декабря",
        "в семь часов",
        "в двадцать один час пятьдесят пять минут",
        "эм, как Михаил",
        "девять",
        "в работе",
    } <= set(found)
    assert "в среду, шестнадцатого декабря" not in found  # 8 days ahead: beyond the bound
    menu = inventory.phrases(["В очереди", "сегодня"], today, 7)
    assert menu[0] == "В очереди"
    assert len(menu) == len(found) + 1


def test_every_wait_the_menu_can_say_is_in_the_inventory() -> None:
    from ivr import inventory

    known = set(inventory.wait_texts())
    assert {words.wait_text(s) for s in range(0, 12 * 3600, 7)} == known
