"""Everything the kiosk writes on its screen, in Russian and English. Pure.

Screens choose their words by the hub's stable refusal codes (``okno-error``), never by
the hub's English message; the few facts a message carries that the kiosk must show
(the hours tickets are issued) are read from it with one pattern, or asked for
(a booking's times, through ``Appointments.GetBooking``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGES = ("ru", "en")

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "other_language": "English",
        "large": "Крупный шрифт",
        "voice": "Озвучивание",
        "choose": "Выберите услугу",
        "search": "Найти услугу",
        "search_sub": "по названию",
        "search_title": "Поиск услуги",
        "search_hint": "Наберите часть названия",
        "search_none": "Ничего не найдено: попробуйте другое слово",
        "checkin": "Я записан на приём",
        "checkin_sub": "ввести код записи",
        "card": "Войти по карте",
        "card_sub": "имя будет на талоне для оператора",
        "card_insert": "Вставьте карту в считыватель и нажмите ещё раз",
        "hello": "Здравствуйте, {name}",
        "back": "Назад",
        "home": "На главную",
        "earlier": "▲ Выше",
        "later": "▼ Ещё",
        "page": "{page} из {pages}",
        "services": "{n} {noun}",
        "wait_from": "ожидание от {minutes} мин",
        "wait_short": "≈ {minutes} мин",
        "wait_none": "окна закрыты",
        "no_queue": "без очереди",
        "some_free": "есть услуги без очереди",
        "ahead_short": "перед вами {n}",
        "your_ticket": "Ваш талон",
        "your_checkin": "Ваш талон по записи",
        "ahead": "Перед вами: {people}",
        "nobody": "Перед вами никого нет",
        "wait": "Ожидание: около {minutes}",
        "wait_unknown": "Время ожидания пока неизвестно: окна ещё не открыты",
        "printing": "Печатаем талон…",
        "printed": "Возьмите талон из принтера",
        "printer_slow": "Талон ещё печатается. Запомните номер на экране",
        "not_printed": "Талон не напечатан ({reason}). Запомните или сфотографируйте номер",
        "no_printer": "Талоны здесь не печатаются. Запомните или сфотографируйте номер",
        "qr": "Сфотографируйте код, чтобы следить за очередью",
        "done": "Готово",
        "appointment": "По записи на {time}",
        "busy": "Подождите…",
        "code_title": "Введите код записи",
        "code_hint": "6 букв и цифр из СМС или письма, например K7M4QX",
        "erase": "Стереть",
        "space": "Пробел",
        "continue": "Продолжить",
        "out_title": "Терминал временно не работает",
        "out_text": "Обратитесь к консультанту",
        "starting": "Терминал запускается…",
        "paper_out": "В принтере закончилась бумага: номер талона будет показан на экране",
        "printer_down": "Принтер не работает: номер талона будет показан на экране",
        "no_printer_banner": "Талоны не печатаются: номер будет показан на экране",
        "pairing_title": "Терминал не подключён",
        "pairing_text": "Сообщите этот код технику",
        "pin_title": "Вход для техника",
        "pin_wrong": "Неверный PIN-код. Осталось попыток: {left}",
        "pin_locked": "Вход заблокирован до {until}",
        "enter": "Войти",
        "cancel": "Отмена",
        "tech_title": "Обслуживание терминала",
        "exit": "Закрыть программу",
        "resume": "Вернуться к работе",
        "voice_on": "вкл.",
        "voice_off": "выкл.",
        "select_again": "Нажмите ещё раз, чтобы взять талон",
    },
    "en": {
        "other_language": "Русский",
        "large": "Large text",
        "voice": "Voice",
        "choose": "Choose a service",
        "search": "Find a service",
        "search_sub": "by name",
        "search_title": "Find a service",
        "search_hint": "Type part of the name",
        "search_none": "Nothing found: try another word",
        "checkin": "I have an appointment",
        "checkin_sub": "enter the booking code",
        "card": "Identify with card",
        "card_sub": "your name goes on the ticket for the operator",
        "card_insert": "Insert your card into the reader and tap again",
        "hello": "Hello, {name}",
        "back": "Back",
        "home": "Home",
        "earlier": "▲ Up",
        "later": "▼ More",
        "page": "{page} of {pages}",
        "services": "{n} {noun}",
        "wait_from": "wait from {minutes} min",
        "wait_short": "≈ {minutes} min",
        "wait_none": "desks closed",
        "no_queue": "no queue",
        "some_free": "some with no queue",
        "ahead_short": "{n} ahead",
        "your_ticket": "Your ticket",
        "your_checkin": "Your appointment ticket",
        "ahead": "Ahead of you: {people}",
        "nobody": "Nobody is ahead of you",
        "wait": "Wait: about {minutes}",
        "wait_unknown": "The wait is not known yet: no desk is open",
        "printing": "Printing your ticket…",
        "printed": "Take your ticket from the printer",
        "printer_slow": "Still printing. Remember the number on the screen",
        "not_printed": "The ticket was not printed ({reason}). Remember or photograph the number",
        "no_printer": "Tickets are not printed here. Remember or photograph the number",
        "qr": "Photograph the code to follow the queue",
        "done": "Done",
        "appointment": "Appointment at {time}",
        "busy": "Please wait…",
        "code_title": "Enter your booking code",
        "code_hint": "6 letters and digits from the SMS or e-mail, like K7M4QX",
        "erase": "Delete",
        "space": "Space",
        "continue": "Continue",
        "out_title": "Terminal temporarily out of service",
        "out_text": "Please ask the consultant",
        "starting": "Starting…",
        "paper_out": "The printer is out of paper: your number will be shown on the screen",
        "printer_down": "The printer is not working: your number will be shown on the screen",
        "no_printer_banner": "Tickets are not printed: your number will be shown on the screen",
        "pairing_title": "This terminal is not connected",
        "pairing_text": "Tell this code to the technician",
        "pin_title": "Technician sign-in",
        "pin_wrong": "Wrong PIN. Attempts left: {left}",
        "pin_locked": "Sign-in locked until {until}",
        "enter": "Sign in",
        "cancel": "Cancel",
        "tech_title": "Terminal service",
        "exit": "Close the program",
        "resume": "Back to work",
        "voice_on": "on",
        "voice_off": "off",
        "select_again": "Tap again to take a ticket",
    },
}

# What the hub says of a printer (hub/api/printing.py, the agent's reports), for visitors.
PRINTER_REASONS: dict[str, tuple[str, str]] = {
    "paper out": ("закончилась бумага", "out of paper"),
    "printer offline": ("принтер не на связи", "the printer is offline"),
    "printer disconnected": ("принтер отключён", "the printer is disconnected"),
    "cover open": ("открыта крышка принтера", "the printer's cover is open"),
}
_HOURS = re.compile(r"from (\d{1,2}:\d{2}) to (\d{1,2}:\d{2})")


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language={language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def words(language: str) -> dict[str, str]:
    return dict(WORDS[check_language(language)])


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for a count: 1 минута, 2 минуты, 5 минут, 21 минута, 11 минут."""
    tens, units = n % 100, n % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many


def minutes_text(n: int, language: str) -> str:
    if language == "en":
        return f"{n} minute" if n == 1 else f"{n} minutes"
    return f"{n} {plural_ru(n, 'минута', 'минуты', 'минут')}"


def people_text(n: int, language: str) -> str:
    if language == "en":
        return f"{n} person" if n == 1 else f"{n} people"
    return f"{n} {plural_ru(n, 'человек', 'человека', 'человек')}"


def services_text(n: int, language: str) -> str:
    noun = (
        ("service" if n == 1 else "services")
        if language == "en"
        else plural_ru(n, "услуга", "услуги", "услуг")
    )
    return WORDS[language]["services"].format(n=n, noun=noun)


def printer_reason(error: str, language: str) -> str:
    """A printer's trouble as a visitor reads it; unknown troubles are "printer error"."""
    known = PRINTER_REASONS.get(error.strip().lower())
    if known is None:
        return "the printer has a fault" if language == "en" else "неисправность принтера"
    return known[1] if language == "en" else known[0]


@dataclass(frozen=True, slots=True)
class Notice:
    """A refusal as the screen shows it: a title and what to do."""

    title: str
    text: str


def hours_in(message: str) -> tuple[str, str] | None:
    """The hours a service's tickets are issued today, from the hub's ``branch_closed``."""
    found = _HOURS.search(message)
    return (found.group(1), found.group(2)) if found else None


def refusal(reason: str, detail: dict[str, str], language: str) -> Notice:
    """What to tell a visitor for the hub's refusal code ``reason`` (and its facts)."""
    en = language == "en"
    time, opens, day = detail.get("time", ""), detail.get("opens", ""), detail.get("day", "")
    if reason in ("branch_closed", "tickets_stopped"):
        hours = detail.get("from", ""), detail.get("until", "")
        if all(hours):
            if detail.get("now", "") < hours[0]:
                return Notice(
                    f"Tickets for this service are issued from {hours[0]}"
                    if en
                    else f"Талоны на эту услугу выдаются с {hours[0]}",
                    "Please come back then" if en else "Подойдите к терминалу в это время",
                )
            return Notice(
                f"Tickets for this service were issued today until {hours[1]}"
                if en
                else f"Талоны на эту услугу сегодня выдавались до {hours[1]}",
                "Please come on another working day, or ask the consultant"
                if en
                else "Приходите в другой рабочий день или обратитесь к консультанту",
            )
        return Notice(
            "No tickets are issued today" if en else "Сегодня талоны не выдаются",
            "The centre is closed today: please come on a working day"
            if en
            else "Сегодня центр не работает: приходите в рабочий день",
        )
    if reason == "queue_full":
        return Notice(
            "The queue for this service is full" if en else "Очередь на эту услугу заполнена",
            "No more tickets are issued today: please ask the consultant"
            if en
            else "Сегодня талоны больше не выдаются: обратитесь к консультанту",
        )
    if reason == "unknown_code":
        return Notice(
            "No booking has this code" if en else "Запись с таким кодом не найдена",
            "Check the code and enter it again" if en else "Проверьте код и введите его снова",
        )
    if reason == "bad_code":
        return Notice(
            "A booking code has 6 letters and digits" if en else "В коде записи 6 букв и цифр",
            "Check the code and enter it again" if en else "Проверьте код и введите его снова",
        )
    if reason == "code_used":
        return Notice(
            "A ticket was already issued for this booking"
            if en
            else "По этой записи талон уже выдан",
            "If you lost it, please ask the consultant"
            if en
            else "Если вы потеряли талон, обратитесь к консультанту",
        )
    if reason == "code_cancelled":
        return Notice(
            "This booking was cancelled" if en else "Эта запись отменена",
            "Take a ticket for the queue or book another time"
            if en
            else "Возьмите талон в общую очередь или запишитесь снова",
        )
    if reason == "check_in_too_early":
        if detail.get("other_day") and day and time:
            return Notice(
                f"Your appointment is on {day} at {time}"
                if en
                else f"Ваша запись на {day} в {time}",
                f"Check in that day from {opens}" if en else f"Регистрация в этот день с {opens}",
            )
        if time and opens:
            return Notice(
                f"Check-in for your {time} appointment opens at {opens}"
                if en
                else f"Регистрация на приём в {time} начнётся в {opens}",
                f"Please come back at {opens}" if en else f"Подойдите к терминалу в {opens}",
            )
        return Notice(
            "It is too early to check in" if en else "Регистрация на приём ещё не началась",
            "Please come back a little later" if en else "Подойдите к терминалу чуть позже",
        )
    if reason == "check_in_too_late":
        head = (
            (f"Check-in for your {time} appointment has closed" if time else "Check-in closed")
            if en
            else (
                f"Регистрация на приём в {time} закончилась"
                if time
                else "Регистрация на приём закончилась"
            )
        )
        return Notice(
            head,
            "Take a ticket for the queue or book another time"
            if en
            else "Возьмите талон в общую очередь или запишитесь на другое время",
        )
    if reason == "too_many_attempts":
        return Notice(
            "Too many wrong codes" if en else "Слишком много неверных кодов",
            "Please ask the consultant" if en else "Обратитесь к консультанту",
        )
    return Notice(
        "The ticket was not issued" if en else "Талон не выдан",
        "Please ask the consultant" if en else "Обратитесь к консультанту",
    )


KEYBOARDS: dict[str, tuple[str, ...]] = {
    "ru": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "en": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}
# Booking codes use these (docs/appointments.md): no 0, O, 1, I.
CODE_KEYS = ("23456789", "ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
PIN_KEYS = ("123", "456", "789", "0")
