"""Every word the hall board shows, in Russian and English. Pure, no I/O.

A board speaks one of three languages: "ru", "en", or "ru+en" (Russian first, English
after a slash), so a hall can add English without a second screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from okno.dates import MONTHS_RU, WEEKDAYS

LANGUAGES = ("ru", "en", "ru+en")

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "ru": {
        "ticket": "Талон",
        "desk": "Окно",
        "history": "Ранее вызваны",
        "waiting": "Ожидают в очереди",
        "no_calls": "Ожидайте вызова на табло",
        "watch": "Следите за номером талона на табло и слушайте объявления",
        "lost": "Связь с сервером потеряна",
        "lost_hint": "Вызовы на табло могут быть не актуальны",
        "since": "с",
        "resyncing": "Связь восстанавливается…",
        "connecting": "Подключение к серверу…",
        "closed": "Окно закрыто",
        "paused": "Перерыв",
        "idle": "—",
        "pairing": "Код подключения табло",
        "pairing_hint": "Сообщите его технику: okno provision approve",
        "authority": "Отпечаток сервера — сверьте с okno provision list",
        "call": "Талон {ticket} — пройдите к окну {desk}",
        "recall": "Повторно: талон {ticket} — пройдите к окну {desk}",
        "no_desk": "Окно {desk} не найдено на сервере",
    },
    "en": {
        "ticket": "Ticket",
        "desk": "Desk",
        "history": "Called earlier",
        "waiting": "Waiting",
        "no_calls": "Please wait for your number on the board",
        "watch": "Watch the board and listen for your ticket number",
        "lost": "Connection to the server lost",
        "lost_hint": "Calls shown may be out of date",
        "since": "since",
        "resyncing": "Reconnecting…",
        "connecting": "Connecting to the server…",
        "closed": "Desk closed",
        "paused": "Break",
        "idle": "—",
        "pairing": "Display pairing code",
        "pairing_hint": "Give it to the technician: okno provision approve",
        "authority": "Hub fingerprint: compare with okno provision list",
        "call": "Ticket {ticket}, please go to desk {desk}",
        "recall": "Calling again: ticket {ticket}, please go to desk {desk}",
        "no_desk": "The server has no desk {desk}",
    },
}
_MONTHS = {
    "ru": MONTHS_RU,
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def check_language(language: str) -> str:
    """The language if the board can show it; ValueError naming the choices otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def first(language: str) -> str:
    """The main language of a board: "ru" for "ru+en"."""
    return check_language(language).split("+")[0]


def labels(language: str) -> dict[str, str]:
    """The board's fixed words; "ru+en" shows both, Russian first."""
    parts = check_language(language).split("+")
    # dict.fromkeys drops a word both languages write alike ("—").
    return {key: " / ".join(dict.fromkeys(_TEXTS[p][key] for p in parts)) for key in _TEXTS["ru"]}


def lines(key: str, language: str, **values: object) -> tuple[str, str]:
    """One phrase, a line per language: the second is "" on a one-language board.

    A sentence in both languages joined on one line is too long for the board's width;
    on two lines each stays readable at the size the board gives it.
    """
    said = [_TEXTS[p][key].format(**values) for p in check_language(language).split("+")]
    return said[0], said[1] if len(said) > 1 else ""


def call_lines(ticket: str, desk: int, *, recall: bool, language: str) -> tuple[str, str]:
    """What the announcement area shows while a call is spoken: one line per language."""
    return lines("recall" if recall else "call", language, ticket=ticket, desk=desk)


def date_text(moment: datetime, language: str) -> str:
    """ "пн, 23 ноября" or "Mon, 23 Nov": the weekday and date under the clock."""
    main = first(language)
    weekday = WEEKDAYS[main][moment.weekday()]
    month = _MONTHS[main][moment.month - 1]
    return f"{weekday}, {moment.day} {month}"
