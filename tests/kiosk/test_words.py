"""What the kiosk writes and says, from tables: plurals, refusals, numbers, search, the PIN."""

from __future__ import annotations

import pytest

from kiosk import speech
from kiosk.catalogue import Group, Service, grouped
from kiosk.catalogue_search import normalise
from kiosk.pin import PinGuard, PinHash, hash_pin
from kiosk.qr import image, matrix
from kiosk.settings import KioskSettings
from kiosk.states import PrintState
from kiosk.texts import WORDS, hours_in, minutes_text, people_text, printer_reason, refusal
from kiosk.ticket import Issued, spoken
from tests.kiosk.scenes import PIN, PIN_HASH, Clock, catalogue


@pytest.mark.parametrize(
    ("n", "minutes", "people"),
    [
        (1, "1 минута", "1 человек"),
        (2, "2 минуты", "2 человека"),
        (5, "5 минут", "5 человек"),
        (11, "11 минут", "11 человек"),
        (12, "12 минут", "12 человек"),
        (21, "21 минута", "21 человек"),
        (22, "22 минуты", "22 человека"),
        (111, "111 минут", "111 человек"),
    ],
)
def test_russian_counts_take_the_right_form(n: int, minutes: str, people: str) -> None:
    assert minutes_text(n, "ru") == minutes
    assert people_text(n, "ru") == people


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (1, "около одной минуты"),
        (2, "около двух минут"),
        (11, "около одиннадцати минут"),
        (21, "около двадцати одной минуты"),
        (25, "около двадцати пяти минут"),
    ],
)
def test_the_voice_says_about_with_the_genitive(n: int, said: str) -> None:
    assert speech.about_minutes_ru(n) == said


def test_nobody_ahead_and_an_unknown_wait_are_said_plainly() -> None:
    assert speech.wait_sentence(0, 0, True, "ru") == "Перед вами никого нет."
    assert speech.wait_sentence(1, 3, False, "en") == (
        "One person ahead of you. The wait is not known yet."
    )


REFUSALS = [
    ("queue_full", {}, "Очередь на эту услугу заполнена"),
    ("branch_closed", {}, "Сегодня талоны не выдаются"),
    ("tickets_stopped", {"from": "08:00", "until": "19:30", "now": "19:45"}, "до 19:30"),
    ("branch_closed", {"from": "08:00", "until": "19:30", "now": "07:10"}, "с 08:00"),
    ("tickets_stopped", {"from": "08:00", "until": "19:30", "now": "19:45"}, "до 19:30"),
    ("unknown_code", {}, "Запись с таким кодом не найдена"),
    ("bad_code", {}, "В коде записи 6 букв и цифр"),
    ("code_used", {}, "По этой записи талон уже выдан"),
    ("code_cancelled", {}, "Эта запись отменена"),
    ("check_in_too_early", {"time": "10:20", "opens": "10:05"}, "начнётся в 10:05"),
    (
        "check_in_too_early",
        {"time": "10:20", "opens": "10:05", "day": "24.11", "other_day": "1"},
        "Ваша запись на 24.11 в 10:20",
    ),
    ("check_in_too_late", {"time": "10:20"}, "Регистрация на приём в 10:20 закончилась"),
    ("too_many_attempts", {}, "Слишком много неверных кодов"),
    ("store_unavailable", {}, "Талон не выдан"),
]


@pytest.mark.parametrize(("reason", "detail", "shown"), REFUSALS)
def test_every_refusal_tells_what_happened_in_both_languages(
    reason: str, detail: dict[str, str], shown: str
) -> None:
    notice = refusal(reason, detail, "ru")
    assert shown in notice.title
    assert notice.text
    english = refusal(reason, detail, "en")
    assert english.title and english.text
    assert not any("а" <= c <= "я" for c in english.title + english.text)


def test_the_hours_are_read_from_the_hubs_message() -> None:
    message = 'tickets for "property" are issued today from 08:00 to 19:30'
    assert hours_in(message) == ("08:00", "19:30")
    assert hours_in("the branch is closed today") is None


def test_printer_troubles_read_as_people_say_them() -> None:
    assert printer_reason("paper out", "ru") == "закончилась бумага"
    assert printer_reason("printer offline", "en") == "the printer is offline"
    assert printer_reason("printer answers garbage", "ru") == "неисправность принтера"


def test_both_languages_have_every_word() -> None:
    assert set(WORDS["ru"]) == set(WORDS["en"])


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("паспорт", ["passport", "foreign-passport"]),
        ("ПАСП", ["passport", "foreign-passport"]),
        ("загран", ["foreign-passport"]),
        ("passport", ["passport", "foreign-passport"]),
        ("выписка егрн", ["egrn"]),
        ("егрн выписка", ["egrn"]),
        ("Выдача  готовых", ["ready-documents"]),
        ("пособ", ["child-benefits"]),
        ("xyz", []),
        ("  ", []),
    ],
)
def test_search_forgives_case_order_and_language(typed: str, found: list[str]) -> None:
    assert [s.id for s in catalogue().search(typed)] == found


def test_search_reads_yo_as_ye() -> None:
    assert normalise("Ёлка-Палка") == "елка палка"


def test_groups_the_hub_does_not_name_take_the_kiosks_names_or_a_stand_in() -> None:
    services = [
        Service("a", "А", "Паспорт", "Passport", "docs"),
        Service("b", "Б", "СНИЛС", "SNILS", "social"),
        Service("c", "В", "Справка", "Certificate"),
    ]
    _, groups = grouped(
        services, [Group("docs", "Документы", "Documents")], {"social": ("Соц", "Soc")}
    )
    assert [(g.id, g.name_ru) for g in groups] == [("docs", "Документы"), ("social", "Соц")]
    _, bare = grouped(services, [], {})
    assert bare[0].name_ru == "Паспорт и другие"
    shown = catalogue().shown_groups()
    assert [g.id for g in shown] == ["documents", "social", "property", "consultations"]


def test_a_group_name_setting_reads_dashes_as_underscores() -> None:
    settings = KioskSettings().updated({"group_ready_documents": "Выдача|Pick-up"})
    assert settings.group_names["ready-documents"] == ("Выдача", "Pick-up")


@pytest.mark.parametrize(
    ("config", "why"),
    [
        ({"language": "de"}, "language"),
        ({"voice": "yes"}, "on or off"),
        ({"idle_s": "3"}, "idle_s"),
        ({"printer": "printer-1"}, "ticket printer"),
        ({"technician_pin": "1234"}, "python -m kiosk.pin"),
        ({"dpi": "1000"}, "dpi"),
        ({"ticket_page_url": "ftp://x"}, "http"),
        ({"colour": "red"}, "unknown kiosk setting colour"),
        ({"volume": "loud"}, "not a number"),
    ],
)
def test_a_bad_setting_is_refused_with_the_reason(config: dict[str, str], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        KioskSettings().updated(config)


def test_the_pin_is_kept_as_a_salted_hash_and_checked() -> None:
    encoded = hash_pin(PIN)
    assert PIN not in encoded
    assert encoded != hash_pin(PIN), "each hash has its own salt"
    assert PinHash.parse(encoded).matches(PIN)
    assert not PinHash.parse(PIN_HASH).matches("2469")
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin("12")


def test_the_pin_guard_locks_after_five_wrong_pins() -> None:
    clock = Clock()
    guard = PinGuard(clock)
    assert not guard.check(PIN, "")
    for _ in range(4):
        assert not guard.check("0000", PIN_HASH)
    assert guard.left == 1
    assert not guard.check("0000", PIN_HASH)
    assert not guard.check(PIN, PIN_HASH)
    clock.advance(300.5)
    assert guard.check(PIN, PIN_HASH)


def test_the_qr_code_is_drawn_module_by_module_with_its_quiet_zone() -> None:
    cells = matrix("http://okno-hub.local:8080/t/2026-11-23/%D0%90018")
    side = len(cells)
    assert side >= 21 + 8
    assert not any(cells[0]) and not any(row[0] for row in cells)
    assert all(cells[4][4:11]), "the finder pattern's top edge"
    picture = image("okno", module_px=4)
    assert picture.width() == len(matrix("okno")) * 4
    assert picture.pixelColor(0, 0).name() == "#ffffff"
    assert picture.pixelColor(4 * 4, 4 * 4).name() == "#000000"


@pytest.mark.parametrize(
    ("state", "printing"),
    [
        (PrintState.SENDING, "printed"),
        (PrintState.PRINTED, "printed"),
        (PrintState.FAILED, "not_printed"),
        (PrintState.NONE, "no_printer"),
    ],
)
def test_a_ticket_is_told_with_what_became_of_its_print(state: PrintState, printing: str) -> None:
    ticket = Issued("r", "t", "А012", "passport", 3, 12, True, print_state=state)
    told = spoken(ticket, "ru")
    assert told.startswith("Ваш талон") and told.endswith(speech.prompt(printing, "ru"))
