"""Moving through a screen with five keys (EZ-Access: up, down, select, back, help). Pure.

A screen is a :class:`Menu`: its title and the items a visitor can choose, each with
the text shown for it and what choosing it does. Every screen's menu is declared once
(``keys_menu.py``), from the same texts the screen shows; this module only knows how to
move the focus over any menu and what to say, so a screen added later is navigable as
soon as it declares its items. No Qt, no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from hall_display.numerals import Case, Gender, english_words, number_words
from kiosk.texts import check_language


class Key(StrEnum):
    """The keypad's five keys; a USB keypad's keys map onto them (``keys.py``)."""

    UP = "up"
    DOWN = "down"
    SELECT = "select"
    BACK = "back"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class Item:
    """One thing on a screen the visitor can choose.

    ``shown`` is its text on the screen (the focus frame is drawn on the button showing
    it); ``said`` is the same words as the voice says them (numbers and times in words),
    empty when they are the shown text itself. ``act`` is what a tap on it does.
    """

    shown: str
    act: Callable[[], object] = field(compare=False)
    said: str = ""
    # A digit or letter key: selecting it types this (a USB keypad's digit finds it).
    types: str = ""

    @property
    def spoken(self) -> str:
        return self.said or self.shown


@dataclass(frozen=True, slots=True)
class Menu:
    """A screen as the keys see it: ``name`` tells screens (and steps) apart."""

    name: str
    title: str
    items: tuple[Item, ...]
    # Said after the title on entering (a screen's state: "Ваш талон А ноль двенадцать").
    lead: str = ""


HINTS: dict[str, dict[str, str]] = {
    "ru": {
        "keys": "Вверх и вниз: выбор. Центральная клавиша: подтвердить. Назад: шаг назад.",
        "brief": "Вверх и вниз: выбор.",
        "of": "{n} из {total}",
        "empty": "Здесь нечего выбирать. Назад: шаг назад.",
    },
    "en": {
        "keys": "Up and down: choose. Centre key: confirm. Back: one step back.",
        "brief": "Up and down: choose.",
        "of": "{n} of {total}",
        "empty": "Nothing to choose here. Back: one step back.",
    },
}


def hint(key: str, language: str, **values: object) -> str:
    return HINTS[check_language(language)][key].format(**values)


def _position(n: int, total: int, language: str) -> dict[str, str]:
    """ "один из девяти" ("из" takes the genitive), "one of nine": words, as espeak-ng
    would otherwise say "1 из 9" with the wrong case."""
    if language == "en":
        return {"n": english_words(n), "total": english_words(total)}
    return {"n": number_words(n), "total": number_words(total, Gender.MASCULINE, Case.GENITIVE)}


def _sentence(text: str) -> str:
    """A shown text as a spoken sentence: no arrows or ellipses, one full stop."""
    text = text.strip().strip("▲▼…").strip().rstrip(".:")
    return f"{text}." if text else ""


class Navigator:
    """The focus on the current menu, and the words each key makes the voice say.

    A menu with the same name and items keeps its focus (a clock tick or a wait update
    redraws the screen); a new one starts on its first item and is announced.
    """

    def __init__(self, language: str = "ru") -> None:
        self.language = language
        self.menu: Menu | None = None
        self.focus = 0

    @property
    def focused(self) -> Item | None:
        menu = self.menu
        if menu is None or not menu.items:
            return None
        return menu.items[min(self.focus, len(menu.items) - 1)]

    def show(self, menu: Menu, language: str) -> str:
        """The screen now shown; what to say ("" when it is the same screen as before)."""
        self.language = language
        previous = self.menu
        self.menu = menu
        if previous is not None and previous.name == menu.name:
            if previous.items != menu.items:
                self.focus = min(self.focus, max(0, len(menu.items) - 1))
            return ""
        self.focus = 0
        return self.entering()

    def entering(self, keys: str = "brief") -> str:
        """The title, the state, what the keys do (``keys``: "brief" or all of it), and
        the item in focus."""
        menu = self.menu
        if menu is None:
            return ""
        lead = menu.lead.strip()
        lead = lead if not lead or lead[-1] in ".!?" else f"{lead}."
        parts = [_sentence(menu.title), lead, hint(keys, self.language)]
        parts.append(self.current() if menu.items else hint("empty", self.language))
        return " ".join(p for p in parts if p)

    def current(self) -> str:
        """The focused item and where it is: "Паспорт РФ, около десяти минут. три из
        двенадцати." (a screen's only item: no place said)."""
        item, menu = self.focused, self.menu
        if item is None or menu is None:
            return ""
        total = len(menu.items)
        if total == 1:
            return _sentence(item.spoken)
        position = hint("of", self.language, **_position(self.focus + 1, total, self.language))
        return f"{_sentence(item.spoken)} {position}."

    def move(self, key: Key) -> str:
        """Up or down, round the ends; what to say."""
        menu = self.menu
        if menu is None or not menu.items:
            return hint("empty", self.language)
        step = -1 if key is Key.UP else 1
        self.focus = (self.focus + step) % len(menu.items)
        return self.current()

    def help(self) -> str:
        menu = self.menu
        title = _sentence(menu.title) if menu is not None else ""
        return " ".join(p for p in (title, hint("keys", self.language), self.current()) if p)

    def typed(self, key: str) -> Item | None:
        """The item that types ``key`` (a USB keypad's digit), focused; None if none."""
        menu = self.menu
        if menu is None:
            return None
        for n, item in enumerate(menu.items):
            if item.types and item.types == key.upper():
                self.focus = n
                return item
        return None
