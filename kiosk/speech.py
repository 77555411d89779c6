"""What the kiosk says aloud for visitors with impaired sight. Pure, no I/O.

The same voice codec as the hall's (hall_display.speech): ticket numbers are said the
way the hall will call them ("А ноль двенадцать"), numbers as words, so espeak-ng never
guesses. Everything said is also on the screen; these are the screen's words, spoken.
"""

from __future__ import annotations

import re

from hall_display.speech import (
    LETTERS_EN,
    LETTERS_RU,
    Case,
    Gender,
    Language,
    Phrase,
    Piece,
    english_words,
    number_words,
    ticket_words,
)
from kiosk import catalogue_words, claim_words, lookup_words
from kiosk.texts import Notice, plural_ru

_LARGEST = 9999

PROMPTS: dict[str, dict[str, str]] = {
    "ru": {
        "home": (
            "Выберите услугу на экране. Если вы записаны на приём, нажмите кнопку "
            "«Я записан на приём» внизу экрана."
        ),
        "search": "Наберите часть названия услуги на клавиатуре.",
        "checkin": "Введите код записи: шесть букв и цифр.",
        "voice_on": "Озвучивание включено.",
        "out": "Терминал временно не работает, обратитесь к консультанту.",
        "again": "Нажмите ещё раз, чтобы взять талон.",
        "printed": "Возьмите талон из принтера внизу.",
        "not_printed": "Талон не напечатан. Запомните номер.",
        "no_printer": "Талоны здесь не печатаются. Запомните номер.",
        "group": "{name}. Выберите услугу.",
        "found": "Найдено услуг: {n}.",
        "card_insert": "Вставьте карту в считыватель и нажмите «Войти по карте» ещё раз.",
        "card_hello": "Здравствуйте, {name}. Выберите услугу.",
        "card_pin": "Введите PIN-код карты на экране и нажмите OK.",
        "booking": "Выберите услугу, затем день и время приёма.",
        "booked": "Вы записаны. Код записи на экране и на листке из принтера.",
        "payment": "Эта услуга платная. Оплатите картой сейчас или возьмите талон.",
        "payment_at_desk": (
            "Эта услуга платная. Картой здесь оплатить нельзя: возьмите талон "
            "и оплатите у окна, когда вас вызовут."
        ),
    },
    "en": {
        "home": (
            "Choose a service on the screen. If you have an appointment, press "
            "I have an appointment at the bottom of the screen."
        ),
        "search": "Type part of the service's name on the keyboard.",
        "checkin": "Enter your booking code: six letters and digits.",
        "voice_on": "Voice guidance is on.",
        "out": "This terminal is temporarily out of service, please ask the consultant.",
        "again": "Tap again to take a ticket.",
        "printed": "Take your ticket from the printer below.",
        "not_printed": "The ticket was not printed. Remember the number.",
        "no_printer": "Tickets are not printed here. Remember the number.",
        "group": "{name}. Choose a service.",
        "found": "Services found: {n}.",
        "card_insert": "Insert your card into the reader and tap Identify with card again.",
        "card_hello": "Hello, {name}. Choose a service.",
        "card_pin": "Enter your card's PIN on the screen and press OK.",
        "booking": "Choose a service, then the day and time of your appointment.",
        "booked": "You are booked. The code is on the screen and on the slip from the printer.",
        "payment": "This service has a fee. Pay by card now, or take a ticket.",
        "payment_at_desk": (
            "This service has a fee. Cards cannot be taken here: take a ticket and pay "
            "at the desk when you are called."
        ),
    },
}

for _words in (lookup_words, catalogue_words, claim_words):
    for _language, _prompts in _words.PROMPTS.items():
        PROMPTS[_language].update(_prompts)


def _count(n: int, language: str, forms: tuple[str, str, str], gender: Gender) -> str:
    one, few, many = forms
    n = max(0, min(n, _LARGEST))
    if language == "en":
        return f"{english_words(n)} {one if n == 1 else many}"
    return f"{number_words(n, gender)} {plural_ru(n, one, few, many)}"


def minutes_words(n: int, language: str) -> str:
    """ "двадцать пять минут", "одна минута", "twenty-five minutes"."""
    if language == "en":
        return _count(n, language, ("minute", "minutes", "minutes"), Gender.FEMININE)
    return _count(n, language, ("минута", "минуты", "минут"), Gender.FEMININE)


def about_minutes_ru(n: int) -> str:
    """ "около" takes the genitive: "около двадцати пяти минут", "около одной минуты"."""
    n = max(0, min(n, _LARGEST))
    noun = plural_ru(n, "минуты", "минут", "минут")
    return f"около {number_words(n, Gender.FEMININE, Case.GENITIVE)} {noun}"


def people_words(n: int, language: str) -> str:
    if language == "en":
        return _count(n, language, ("person", "people", "people"), Gender.MASCULINE)
    return _count(n, language, ("человек", "человека", "человек"), Gender.MASCULINE)


def prompt(key: str, language: str, **values: object) -> str:
    return PROMPTS[language][key].format(**values)


def wait_sentence(people: int, minutes: int, known: bool, language: str) -> str:
    en = language == "en"
    if people <= 0:
        ahead = "Nobody is ahead of you." if en else "Перед вами никого нет."
    else:
        said = people_words(people, language)
        ahead = f"{said.capitalize()} ahead of you." if en else f"Перед вами {said}."
    if not known:
        return ahead + (" The wait is not known yet." if en else " Время ожидания пока неизвестно.")
    if people <= 0 and minutes <= 0:
        return ahead
    if en:
        return ahead + f" The wait is about {minutes_words(max(1, minutes), language)}."
    return ahead + f" Ожидание {about_minutes_ru(max(1, minutes))}."


def service_sentence(name: str, people: int, minutes: int, known: bool, language: str) -> str:
    """A service chosen by touch: its name, its wait, and how to take the ticket."""
    return f"{name}. {wait_sentence(people, minutes, known, language)} {prompt('again', language)}"


def ticket_sentence(
    number: str, *, people: int, minutes: int, known: bool, printing: str, language: str
) -> str:
    """ "Ваш талон А ноль двенадцать. Перед вами три человека. ..." and the print's state.

    ``printing`` is "printed" (on its way to paper), "not_printed" or "no_printer".
    """
    voice = Language.EN if language == "en" else Language.RU
    head = "Your ticket" if language == "en" else "Ваш талон"
    said = ticket_words(number, voice)
    wait = wait_sentence(people, minutes, known, language)
    return f"{head} {said}. {wait} {prompt(printing, language)}"


def notice_sentence(notice: Notice) -> str:
    return f"{notice.title.rstrip('.')}. {notice.text.rstrip('.')}."


def key_word(key: str, language: str) -> str:
    """A key of the code keypad said as a letter's name or a digit's word."""
    if key.isdigit():
        return english_words(int(key)) if language == "en" else number_words(int(key))
    table = LETTERS_EN if language == "en" else LETTERS_RU
    return table.get(key.upper(), key)


def phrase(text: str, language: str) -> Phrase:
    """A whole sentence for hall_display's Voice (synthesised and cached as one)."""
    voice = Language.EN if language == "en" else Language.RU
    return Phrase(voice, text, (Piece(voice, text),), text)


_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


def times_said(text: str, language: str) -> str:
    """Every "10:40" in a shown text as :func:`time_words` says it."""
    return _TIME.sub(lambda match: time_words(match.group(), language), text)


def time_words(hhmm: str, language: str) -> str:
    """ "10:20" as the hall's voice says it: "десять часов двадцать минут", "ten twenty";
    a full hour has no minutes ("девять часов"). Anything else is returned as it is."""
    hours, _, minutes = hhmm.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        return hhmm
    h, m = int(hours), int(minutes)
    if language == "en":
        if m == 0:
            return f"{english_words(h)} o'clock"
        tail = f"oh {english_words(m)}" if m < 10 else english_words(m)
        return f"{english_words(h)} {tail}"
    said = f"{number_words(h)} {plural_ru(h, 'час', 'часа', 'часов')}"
    return f"{said} {minutes_words(m, language)}" if m else said
