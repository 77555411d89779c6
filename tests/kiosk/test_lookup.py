"""An application's status at the kiosk: the keypad, the card, the answer, what stays on screen.

The kiosk in known states without a hub (scenes.py); the hub's side, with its real
refusals and the virtual card, is in test_program_lookup.py.
"""

from __future__ import annotations

from typing import Any

from card_reader.identity import Visitor
from kiosk.core import Screen
from kiosk.lookup import AppStatus, LookUp, number_shown
from tests.kiosk.lookup_scenes import (
    NUMBER,
    PHONE,
    TOO_MANY,
    found,
    status_asked,
    status_number,
    status_phone,
)
from tests.kiosk.scenes import CardSlot, Scene, scene
from tests.kiosk.test_card import VISITOR

# A bank card: a name, no SNILS.
BANK_CARD = Visitor("bank", "IVANOV/IVAN", "")
WRONG = (
    "Заявление с таким номером и телефоном не найдено. Проверьте номер на расписке и "
    "телефон, который вы оставили в МФЦ"
)


def shown(s: Scene) -> dict[str, Any]:
    """What the status screen shows now (``view.lookup``)."""
    value = s.view.value("lookup")
    assert isinstance(value, dict)
    return value


def screen(s: Scene) -> Screen:
    return s.flow.screen


def everything_shown(s: Scene) -> str:
    """Every value QML can read now but the screen's fixed words, as one text."""
    return " ".join(str(v) for k, v in s.view._values.items() if k != "labels")


def test_the_number_then_the_phone_are_typed_and_sent_as_the_hub_takes_them() -> None:
    s = scene()
    s.view.openStatus()
    assert screen(s) is Screen.STATUS
    assert shown(s)["title"] == "Номер заявления"
    assert shown(s)["entry"] == "______-___"
    for digit in NUMBER[:8]:
        s.view.statusKey(digit)
    assert shown(s)["entry"] == "261123-00_"
    assert not shown(s)["ready"]
    s.view.statusSubmit()
    assert shown(s)["step"] == "number", "eight digits are not a number yet"
    s.view.statusKey(NUMBER[8])
    assert shown(s)["ready"]
    s.view.statusSubmit()
    assert shown(s)["title"] == "Телефон, оставленный в МФЦ"
    s.view.statusKey("8")
    assert shown(s)["note"] == "+7 уже набрано: наберите номер без 8, с цифры 9"
    assert shown(s)["entry"] == "+7 ___ ___-__-__"
    for digit in PHONE:
        s.view.statusKey(digit)
    assert shown(s)["entry"] == "+7 916 123-45-67"
    s.view.statusSubmit()
    assert s.requests.sent[-1] == ("lookup", "request-1", NUMBER, "+79161234567")
    assert s.view.value("busy"), "the screen waits for the hub, covered"


def test_a_number_takes_ten_digits_at_most_and_the_erase_key_takes_one_back() -> None:
    s = scene()
    s.view.openStatus()
    for digit in "26112300123":
        s.view.statusKey(digit)
    assert shown(s)["entry"] == "261123-0012"
    s.view.erase()
    assert shown(s)["entry"] == "261123-001"
    assert number_shown("2611") == "2611__-___"


def test_a_ready_application_shows_its_status_collect_by_and_offers_a_collection_slot() -> None:
    s = scene(voice="on")
    status_asked(s)
    s.view.applications_found(s.requests.last_id, (found(AppStatus.READY),))
    now = shown(s)
    assert now["title"] == "Заявление № 261123-001"
    assert now["status"] == "Готово к выдаче"
    assert now["level"] == "ok"
    assert now["facts"] == [
        ["Услуга", "Паспорт гражданина РФ"],
        ["Готовит", "ГУ по вопросам миграции МВД"],
        ["Получить до", "06.01.2027"],
    ]
    assert now["canCollect"]
    assert s.speaker.texts[-1] == "Статус заявления: Готово к выдаче."
    s.view.collect()
    assert screen(s) is Screen.BOOKING
    assert s.requests.sent[-1][0] == "slots"
    assert s.requests.sent[-1][2] == "ready-documents"


def test_suspended_and_refused_say_why_and_offer_no_collection() -> None:
    s = scene()
    status_asked(s)
    needed = "Нужна копия свидетельства о рождении"
    s.view.applications_found(s.requests.last_id, (found(AppStatus.SUSPENDED, needed),))
    assert shown(s)["status"] == "Приостановлено"
    assert ["Плановая дата готовности", "07.12.2026"] in shown(s)["facts"]
    assert ["Что нужно", needed] in shown(s)["facts"]
    assert not shown(s)["canCollect"]
    s.view.collect()
    assert screen(s) is Screen.STATUS
    s.view.toggleLanguage()
    assert shown(s)["status"] == "Suspended"
    assert ["What is needed", needed] in shown(s)["facts"]
    refused = scene(language="en")
    status_asked(refused)
    why = "Истёк срок действия документа"
    refused.view.applications_found(refused.requests.last_id, (found(AppStatus.REFUSED, why),))
    assert shown(refused)["status"] == "Refused"
    assert shown(refused)["level"] == "bad"
    assert ["Reason", why] in shown(refused)["facts"]


def test_a_wrong_pair_is_one_message_on_the_keypad_and_shows_nothing() -> None:
    s = scene()
    status_asked(s)
    # The hub refuses a wrong number and a wrong phone alike: unknown_application.
    s.view.refused(s.requests.last_id, "unknown_application", {"message": "no application"})
    assert screen(s) is Screen.STATUS
    assert shown(s)["step"] == "phone"
    assert shown(s)["note"] == WRONG
    assert shown(s)["noteAlarm"]
    assert shown(s)["status"] == ""
    s.view.back()
    assert shown(s)["step"] == "number"
    assert shown(s)["note"] == ""


def test_too_many_wrong_pairs_say_how_long_to_wait() -> None:
    s = scene(voice="on")
    status_asked(s)
    s.view.refused(s.requests.last_id, "too_many_attempts", {"message": TOO_MANY})
    assert shown(s)["note"] == (
        "Слишком много неверных попыток. Подождите 14 мин. и попробуйте снова или "
        "обратитесь к консультанту"
    )
    assert s.speaker.texts[-1] == shown(s)["note"]
    later = LookUp()
    later.refused("too_many_attempts", "too many", by_card=False)
    assert later.note == "lookup_wait_later"


def test_left_alone_the_status_screen_goes_home_and_forgets_the_application() -> None:
    s = scene()
    status_asked(s)
    s.view.applications_found(s.requests.last_id, (found(AppStatus.READY),))
    assert "261123-001" in everything_shown(s)
    s.clock.advance(s.flow.settings.idle_s - 1)
    s.view.tick()
    assert screen(s) is Screen.STATUS
    s.clock.advance(1)
    s.view.tick()
    assert screen(s) is Screen.HOME
    assert s.flow.lookup is None
    text = everything_shown(s)
    assert "261123" not in text and "Готово к выдаче" not in text and "916" not in text


def test_home_drops_the_typed_number_and_a_late_answer_is_not_shown() -> None:
    s = scene()
    status_phone(s)
    s.view.home()
    assert s.flow.lookup is None
    s.view.openStatus()
    assert shown(s)["entry"] == "______-___"
    status = scene()
    status_asked(status)
    asked = status.requests.last_id
    status.clock.advance(20)  # no answer in time: the hub is taken as unreachable
    status.view.tick()
    status.view.set_link(True)
    status.view.applications_found(asked, (found(AppStatus.READY),))
    assert screen(status) is not Screen.STATUS
    assert "261123" not in everything_shown(status)


def test_the_card_button_asks_for_the_card_then_looks_its_holder_up() -> None:
    card = CardSlot()
    s = scene(card, voice="on")
    status_number(s)
    assert s.speaker.texts[-1].endswith("Или вставьте карту, если вы оставили СНИЛС.")
    assert shown(s)["canCard"]
    s.view.statusByCard()
    assert shown(s)["note"] == "Вставьте карту в считыватель и нажмите ещё раз"
    card.current = BANK_CARD
    s.view.statusByCard()
    assert shown(s)["note"] == "По этой карте заявлений не найдено. Введите номер заявления"
    assert s.requests.sent == []
    card.current = VISITOR
    s.view.statusByCard()
    assert s.requests.sent[-1] == ("lookup_card", "request-1", VISITOR.snils_hash, "")
    apps = (found(AppStatus.READY, number="261207-004"), found(AppStatus.IN_WORK))
    s.view.applications_found(s.requests.last_id, apps)
    assert shown(s)["title"] == "Заявление № 261207-004"
    assert s.view.value("pageText") == "1 из 2"
    s.view.nextPage()
    assert shown(s)["title"] == "Заявление № 261123-001"
    assert shown(s)["status"] == "В работе"
    s.view.back()
    assert screen(s) is Screen.HOME, "a card's answer has no keypad step to go back to"


def test_a_card_inserted_on_the_status_screen_is_looked_up_but_one_left_in_is_not() -> None:
    card = CardSlot()
    s = scene(card)
    s.view.openStatus()
    s.view.tick()
    assert s.requests.sent == []
    card.current = VISITOR
    s.view.tick()
    assert s.requests.sent[-1][0] == "lookup_card"
    s.view.applications_found(s.requests.last_id, ())
    assert shown(s)["note"] == "По этой карте заявлений не найдено. Введите номер заявления"
    assert shown(s)["step"] == "number"
    # The next visitor finds the card still in the reader: nothing is looked up by itself.
    s.view.home()
    s.view.openStatus()
    s.view.tick()
    assert len(s.requests.sent) == 1


def test_a_kiosk_without_a_card_reader_offers_no_card() -> None:
    s = scene(voice="on")
    s.view.openStatus()
    assert s.speaker.texts[-1] == "Введите номер заявления с расписки."
    assert not shown(s)["canCard"]
    assert not s.flow.applications.by_card()
    assert s.requests.sent == []
