"""The kiosk with its keypad's keys alone: what each key does and what the voice says."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory
from PySide6.QtCore import Qt
from PySide6.QtQuick import QQuickItem
from pytestqt.qtbot import QtBot

from kiosk import keys_menu
from kiosk.core import Screen
from kiosk.errors import KeypadUnavailable
from kiosk.keys import from_keyboard
from kiosk.keys_guide import HEADPHONES
from kiosk.keys_pad import Keypad
from kiosk.navigation import Item, Key, Menu, Navigator
from kiosk.screen import KioskWindow
from kiosk.settings import KioskSettings
from tests.kiosk.keys_scenes import key_scene
from tests.kiosk.scenes import CardSlot, slot_list

PINS = {Key.UP: "5", Key.DOWN: "6", Key.SELECT: "13", Key.BACK: "19", Key.HELP: "26"}
KEYS_SAID = "Вверх и вниз: выбор. Центральная клавиша: подтвердить. Назад: шаг назад."


def nothing() -> None:
    """An item's action where the test looks only at the focus."""


def test_the_focus_goes_round_the_ends_and_says_where_it_is() -> None:
    navigator = Navigator()
    items = tuple(Item(text, nothing) for text in ("Один", "Два", "Три"))
    said = navigator.show(Menu("m", "Заголовок", items), "ru")
    assert said == "Заголовок. Вверх и вниз: выбор. Один. один из трёх."
    assert navigator.move(Key.UP) == "Три. три из трёх."
    assert navigator.move(Key.DOWN) == "Один. один из трёх."
    # The same screen redrawn (a clock tick) keeps the focus and says nothing.
    navigator.move(Key.DOWN)
    assert navigator.show(Menu("m", "Заголовок", items), "ru") == ""
    assert navigator.current() == "Два. два из трёх."
    assert navigator.help() == f"Заголовок. {KEYS_SAID} Два. два из трёх."
    assert navigator.show(Menu("other", "", ()), "ru").endswith(
        "Здесь нечего выбирать. Назад: шаг назад."
    )


def test_the_first_key_starts_guidance_and_says_the_screen_and_its_keys() -> None:
    scene = key_scene()
    assert not scene.flow.voice and scene.view.value("focusText") == ""
    scene.view.press("down")
    assert scene.flow.voice
    assert scene.speaker.texts == [
        f"Озвучивание включено. Выберите услугу. {KEYS_SAID} Паспорта и документы. один из девяти."
    ]
    # The first key only started guidance: the focus is still on the first item, framed.
    assert scene.view.value("focusText") == "Паспорта и документы"
    assert scene.view.value("voiceLine") == KEYS_SAID


def test_a_ticket_with_the_keys_alone_says_each_item_and_the_number() -> None:
    scene = key_scene()
    scene.view.press("help")
    scene.pick("Паспорта и документы")
    scene.pick("Заграничный паспорт")
    assert scene.requests.sent == [
        ("ticket", "request-1", "foreign-passport", scene.flow.settings.printer)
    ]
    scene.ticket(number="А012", service="foreign-passport")
    assert scene.flow.screen is Screen.TICKET
    assert scene.speaker.texts[1:] == [
        "Паспорта и документы. Вверх и вниз: выбор. "
        "Паспорт гражданина РФ, около восемнадцати минут, перед вами 7. один из пяти.",
        "Заграничный паспорт, около двенадцати минут, перед вами 3. два из пяти.",
        "Ваш талон А ноль двенадцать. Перед вами семь человек. Ожидание около восемнадцати "
        "минут. Возьмите талон из принтера внизу. Вверх и вниз: выбор. Готово.",
    ]
    assert scene.guide.presses == 4
    # The visitor guided by the voice gets the slip in large type.
    assert scene.requests.large == [True]


def test_the_booking_says_each_day_the_times_in_words_and_each_digit() -> None:
    scene = key_scene()
    scene.view.press("help")
    scene.pick("Записаться на приём", "up")
    scene.pick("Паспорт гражданина РФ")
    scene.view.slots_listed(scene.requests.last_id, slot_list(full_days=(0,)))
    assert scene.speaker.texts[-1] == (
        "Выберите день. Паспорт гражданина РФ. Вверх и вниз: выбор. "
        "Сегодня, 23 ноября, мест нет. один из десяти."
    )
    scene.pick("Завтра, 24 ноября")
    assert "десять часов двадцать минут. один из восемнадцати." in scene.speaker.texts[-1]
    scene.view.press("down")
    assert scene.speaker.texts[-1] == "десять часов сорок минут. два из восемнадцати."
    scene.view.press("select")
    del scene.speaker.said[:]
    scene.pick("8")
    # A mobile number after +7 starts with 9: the keypad's refusal is said, as shown.
    assert scene.speaker.texts[-1] == "+7 уже набрано: наберите номер без 8, с цифры 9"
    for digit in "9161234567":
        scene.pick(digit)
    entered = [text for text in scene.speaker.texts if " из " not in text]
    assert entered[1:] == [
        "девять",
        "один",
        "шесть",
        "один",
        "два",
        "три",
        "четыре",
        "пять",
        "шесть",
        "семь",
    ]
    scene.pick("Напомнить по СМС")
    assert scene.speaker.texts[-1].startswith(
        "Проверьте запись. Услуга: Паспорт гражданина РФ. Когда: Завтра, 24 ноября в десять "
        "часов сорок минут. СМС-напоминание: +7 916 123-45-67."
    )
    scene.pick("Записаться")
    assert scene.requests.sent[-1][3] == "+79161234567"
    scene.booked(code="K7M4QX")
    assert scene.speaker.texts[-1] == (
        "Вы записаны. Код записи: ка семь эм четыре ку икс. Завтра, 24 ноября в десять часов "
        "сорок минут. Вверх и вниз: выбор. Готово."
    )


def test_a_wrong_code_is_said_and_stays_on_the_keypad() -> None:
    scene = key_scene()
    scene.view.press("help")
    scene.pick("Я записан на приём", "up")
    for key in "K7M4QX":
        scene.pick(key)
    scene.pick("Продолжить")
    assert scene.requests.sent[-1][:3] == ("checkin", "request-1", "K7M4QX")
    scene.view.refused(scene.requests.last_id, "unknown_code", {})
    assert scene.flow.screen is Screen.CHECKIN
    assert (
        scene.speaker.texts[-1]
        == "Запись с таким кодом не найдена. Проверьте код и введите его снова."
    )


def test_back_steps_back_and_the_end_of_the_session_ends_guidance() -> None:
    scene = key_scene()
    scene.view.press("select")
    scene.view.press("select")
    assert scene.view.value("screen") == "group"
    scene.view.press("back")
    assert scene.view.value("screen") == "home"
    assert (
        scene.speaker.texts[-1]
        == "Выберите услугу. Вверх и вниз: выбор. Паспорта и документы. один из девяти."
    )
    scene.view.press("select")
    scene.clock.advance(scene.flow.settings.idle_s)
    scene.view.tick()
    # The next visitor finds the kiosk as it was: silent, no focus frame, no hint.
    assert scene.flow.screen is Screen.HOME and not scene.flow.voice
    assert scene.view.value("focusText") == scene.view.value("voiceLine") == ""
    said = len(scene.speaker.texts)
    scene.view.press("down")
    assert len(scene.speaker.texts) == said + 1
    assert scene.speaker.texts[-1].startswith("Озвучивание включено.")


def test_headphones_plugged_in_start_guidance() -> None:
    scene = key_scene()
    scene.view.press(HEADPHONES)
    assert scene.flow.voice and scene.view.value("focusText") == "Паспорта и документы"
    assert scene.guide.presses == 0


def test_a_screen_that_declares_nothing_is_navigable_by_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A screen added later without a declaration: its lists' rows, pages, back and home."""
    monkeypatch.delitem(keys_menu.DECLARED, Screen.GROUP)
    scene = key_scene()
    scene.view.press("help")
    scene.pick("Паспорта и документы")
    assert [item.shown for item in scene.guide.navigator.menu.items] == [  # type: ignore[union-attr]
        "Паспорт гражданина РФ",
        "Заграничный паспорт",
        "ИНН",
        "Назад",
        "На главную",
    ]
    scene.pick("ИНН")
    assert scene.requests.sent[-1][2] == "inn"


def test_a_usb_keypad_maps_onto_the_five_keys_and_leaves_a_scanner_alone() -> None:
    keypad = Qt.KeyboardModifier.KeypadModifier.value
    assert from_keyboard(Qt.Key.Key_Up.value, 0, guided=False) is Key.UP
    assert from_keyboard(Qt.Key.Key_F1.value, 0, guided=False) is Key.HELP
    assert from_keyboard(Qt.Key.Key_Plus.value, keypad, guided=False) is Key.DOWN
    assert from_keyboard(Qt.Key.Key_Plus.value, 0, guided=False) is None
    # Before guidance, Return ends a scanned code and Backspace erases.
    assert from_keyboard(Qt.Key.Key_Return.value, 0, guided=False) is None
    assert from_keyboard(Qt.Key.Key_Return.value, 0, guided=True) is Key.SELECT
    assert from_keyboard(Qt.Key.Key_Backspace.value, 0, guided=True) is Key.BACK


def test_a_usb_keypads_digits_type_the_phone() -> None:
    scene = key_scene()
    view = scene.view
    assert not view.keyPressed(Qt.Key.Key_9.value, 0, "9")
    assert view.keyPressed(Qt.Key.Key_Down.value, 0, "")
    scene.pick("Записаться на приём")
    scene.pick("Паспорт гражданина РФ")
    view.slots_listed(scene.requests.last_id, slot_list())
    scene.pick("Сегодня, 23 ноября")
    scene.pick("10:20")
    for digit in "9161234567":
        assert view.keyPressed(getattr(Qt.Key, f"Key_{digit}").value, 0, digit)
    assert view.value("phoneText") == "+7 916 123-45-67"
    assert scene.speaker.texts[-1] == "семь"


def test_keypad_settings_name_all_five_keys_on_their_own_pins() -> None:
    settings = KioskSettings(keypad="up=5,down=6,select=13,back=19,help=26", headphones_pin="21")
    assert settings.keypad_pins() == PINS
    with pytest.raises(ValueError, match="no pin for help"):
        KioskSettings(keypad="up=5,down=6,select=13,back=19")
    with pytest.raises(ValueError, match="'left=4' is not key=pin"):
        KioskSettings(keypad="left=4")
    with pytest.raises(ValueError, match="two keys on one pin"):
        KioskSettings(keypad="up=5,down=5,select=13,back=19,help=26")
    with pytest.raises(ValueError, match="headphones_pin 26 is a key's pin too"):
        KioskSettings(keypad="up=5,down=6,select=13,back=19,help=26", headphones_pin="26")


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pins = MockFactory()
    yield pins
    pins.reset()


def test_the_keypad_on_gpio_hands_each_press_and_the_jack_on(factory: MockFactory) -> None:
    pressed: list[str] = []
    arrived = threading.Condition()

    def on_key(name: str) -> None:
        with arrived:
            pressed.append(name)
            arrived.notify_all()

    keypad = Keypad(PINS, on_key, headphones_pin="21", pin_factory=factory)
    try:
        for pin in ("6", "13", "21"):
            factory.pin(int(pin)).drive_low()
            factory.pin(int(pin)).drive_high()
        with arrived:
            assert arrived.wait_for(lambda: len(pressed) == 3, 5.0)
        assert pressed == ["down", "select", HEADPHONES]
    finally:
        keypad.close()


def test_a_keypad_on_pins_in_use_says_what_to_check(factory: MockFactory) -> None:
    first = Keypad(PINS, print, pin_factory=factory)
    try:
        with pytest.raises(KeypadUnavailable, match="check the keypad and headphones_pin"):
            Keypad(PINS, print, pin_factory=factory)
    finally:
        first.close()


def framed(window: KioskWindow) -> list[str]:
    """The texts of the touch targets drawn with the focus frame now."""
    return [text for text, item in targets(window) if item.property("focused")]


def targets(window: KioskWindow) -> list[tuple[str, QQuickItem]]:
    found, pending = [], [window.rootObject()]
    while pending:
        item = pending.pop()
        if not item.isVisible():
            continue
        if item.property("touchTarget"):
            found.append((str(item.property("text")), item))
        pending.extend(item.childItems())
    return found


def test_the_focus_is_framed_on_screen_and_the_keys_written(qtbot: QtBot) -> None:
    scene = key_scene()
    window = KioskWindow(scene.view)
    try:
        assert framed(window) == []
        scene.view.press("down")
        scene.view.press("down")
        assert framed(window) == ["Социальные услуги и пособия"]
        # A button written with a sign before its words is framed for its words.
        while scene.view.value("focusText") != "Найти услугу":
            scene.view.press("down")
        assert framed(window) == ["⌕ Найти услугу"]
        scene.pick("Записаться на приём")
        scene.pick("Паспорт гражданина РФ")
        scene.view.slots_listed(scene.requests.last_id, slot_list())
        scene.pick("Сегодня, 23 ноября")
        scene.pick("10:20")
        scene.view.press("down")
        assert framed(window) == ["2"]
    finally:
        window.dispose()


def test_english_chosen_with_the_keys_announces_the_screen_in_english() -> None:
    scene = key_scene()
    scene.view.press("help")
    scene.pick("English", "up")
    assert scene.flow.language == "en"
    assert scene.speaker.said[-1] == (
        "Choose a service. Up and down: choose. Passports and documents. one of nine.",
        "en",
    )
    assert scene.view.value("voiceLine") == (
        "Up and down: choose. Centre key: confirm. Back: one step back."
    )


def test_a_kiosk_with_a_card_reader_offers_the_card_to_the_keys() -> None:
    scene = key_scene(CardSlot())
    scene.view.press("help")
    scene.pick("Войти по карте", "up")
    assert (
        scene.speaker.texts[-1]
        == "Вставьте карту в считыватель и нажмите «Войти по карте» ещё раз."
    )


def test_a_visitor_by_touch_without_the_voice_gets_the_usual_slip() -> None:
    scene = key_scene()
    scene.view.openGroup("documents")
    scene.view.tapService("passport")
    assert scene.requests.large == [False]
