"""Everything the kiosk writes on its screen, in Russian and English. Pure.

Screens choose their words by the hub's stable refusal codes (``okno-error``), never by
the hub's English message; the few facts a message carries that the kiosk must show
(the hours tickets are issued) are read from it with one pattern, or asked for
(a booking's times, through ``Appointments.GetBooking``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk import catalogue_words, lookup_words
from kiosk.booking import day_label
from okno.booking_limit import capital, held_words, limit_words

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
        "wait_none": "время уточняется",
        "no_queue": "без очереди",
        "some_free": "есть услуги без очереди",
        "ahead_short": "перед вами {n}",
        "your_ticket": "Ваш талон",
        "your_checkin": "Ваш талон по записи",
        "ahead": "Перед вами: {people}",
        "nobody": "Перед вами никого нет",
        "wait": "Ожидание: около {minutes}",
        "wait_unknown": "Ожидание: уточняется. Сейчас нет открытых окон для этой услуги",
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
        "voice_on": "включено",
        "voice_off": "выкл.",
        "select_again": "Нажмите ещё раз, чтобы взять талон",
        "book": "Записаться на приём",
        "book_sub": "на сегодня или другой день",
        "book_service": "Запись: выберите услугу",
        "book_day": "Выберите день",
        "book_slot": "Выберите время",
        "book_phone": "Телефон для СМС-напоминания",
        "book_phone_hint": "Необязательно: можно без напоминания",
        "book_confirm": "Проверьте запись",
        "book_taken": "Это время только что заняли. Ближайшее свободное:",
        "book_no_free": "Свободного времени на эти дни нет: возьмите талон в общую очередь",
        "free_n": "свободно: {n}",
        "day_full": "мест нет",
        "day_closed": "МФЦ не работает",
        "day_over": "приём окончен",
        "phone_starts_9": "Номер мобильного начинается с 9: +7 9XX XXX-XX-XX",
        "phone_no_8": "+7 уже набрано: наберите номер без 8, с цифры 9",
        "no_reminder": "Без напоминания",
        "remind": "Напомнить по СМС",
        "confirm": "Записаться",
        "booked_title": "Вы записаны",
        "booked_code": "Код записи",
        "booked_when": "{day} в {time}",
        "booked_hint": "В день приёма нажмите «Я записан на приём» и введите этот код",
        "slip_printed": "Возьмите листок с кодом из принтера",
        "slip_printing": "Печатаем листок с кодом…",
        "slip_failed": "Листок не напечатан. Запишите или сфотографируйте код",
        "slip_none": "Запишите или сфотографируйте код",
        "summary_service": "Услуга",
        "summary_when": "Когда",
        "summary_phone": "СМС-напоминание",
        "summary_no_phone": "не нужно",
        "card_checkin": "Зарегистрироваться по записи",
        "card_checkin_sub": "запись найдём по вашей карте",
        "pay_title": "Эта услуга платная",
        "pay_now": "Оплатить картой сейчас",
        "pay_now_sub": "затем возьмите талон",
        "pay_later": "Взять талон",
        "pay_later_sub": "оплатить у окна",
        "pay_waiting": "Следуйте указаниям на терминале оплаты",
        "pay_where": "Картой здесь оплатить нельзя. Возьмите талон и оплатите у окна, "
        "когда вас вызовут",
        "pay_take": "Взять талон",
        "pay_retry": "Попробовать снова",
        "approved": "Оплачено",
        "declined": "Оплата не прошла",
        "cancelled": "Оплата отменена",
        "reversed": "Оплата отменена, деньги вернутся на карту",
        "unknown": "Не удалось узнать, прошла ли оплата",
        "unavailable": "Терминал оплаты не работает",
        "next_approved": "Возьмите талон: оператор увидит оплату",
        "next_retry": "Попробуйте другую карту или возьмите талон и оплатите у окна",
        "next_unknown": "Не платите ещё раз. Возьмите талон и скажите оператору: оплату проверят",
        "next_unavailable": "Возьмите талон и оплатите у окна",
        "receipt_printed": "Возьмите чек из принтера",
        "receipt_printing": "Печатаем чек…",
        "receipt_failed": "Чек не напечатан: попросите его у оператора",
        "card_pin_title": "Введите PIN-код карты",
        "card_pin_tries": "Осталось попыток: {n}",
        "card_pin_wrong": "Неверный PIN-код. Осталось попыток: {n}",
        "card_pin_wrong_no_count": "Неверный PIN-код. Введите его ещё раз",
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
        "wait_none": "wait not known",
        "no_queue": "no queue",
        "some_free": "some with no queue",
        "ahead_short": "{n} ahead",
        "your_ticket": "Your ticket",
        "your_checkin": "Your appointment ticket",
        "ahead": "Ahead of you: {people}",
        "nobody": "Nobody is ahead of you",
        "wait": "Wait: about {minutes}",
        "wait_unknown": "Wait: not known yet. No desk for this service is open now",
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
        "book": "Book a time",
        "book_sub": "today or another day",
        "book_service": "Booking: choose a service",
        "book_day": "Choose a day",
        "book_slot": "Choose a time",
        "book_phone": "Phone for an SMS reminder",
        "book_phone_hint": "Optional: you may go without a reminder",
        "book_confirm": "Check your booking",
        "book_taken": "Someone just took this time. The next free times:",
        "book_no_free": "No free times on these days: please take a ticket for the queue",
        "free_n": "{n} free",
        "day_full": "full",
        "day_closed": "the centre is closed",
        "day_over": "no more times today",
        "phone_starts_9": "A mobile number starts with 9: +7 9XX XXX-XX-XX",
        "phone_no_8": "+7 is already there: type the number without the 8, from the 9",
        "no_reminder": "No reminder",
        "remind": "Remind me by SMS",
        "confirm": "Book",
        "booked_title": "You are booked",
        "booked_code": "Booking code",
        "booked_when": "{day} at {time}",
        "booked_hint": "On the day, tap «I have an appointment» and enter this code",
        "slip_printed": "Take the slip with the code from the printer",
        "slip_printing": "Printing the slip with your code…",
        "slip_failed": "The slip was not printed. Write down or photograph the code",
        "slip_none": "Write down or photograph the code",
        "summary_service": "Service",
        "summary_when": "When",
        "summary_phone": "SMS reminder",
        "summary_no_phone": "none",
        "card_checkin": "Check in for my appointment",
        "card_checkin_sub": "we find your booking by your card",
        "pay_title": "This service has a fee",
        "pay_now": "Pay by card now",
        "pay_now_sub": "then take your ticket",
        "pay_later": "Take a ticket",
        "pay_later_sub": "pay at the desk",
        "pay_waiting": "Follow the instructions on the payment terminal",
        "pay_where": "Cards cannot be taken here. Take a ticket and pay at the desk "
        "when you are called",
        "pay_take": "Take a ticket",
        "pay_retry": "Try again",
        "approved": "Paid",
        "declined": "The payment did not go through",
        "cancelled": "The payment was cancelled",
        "reversed": "The payment was reversed: the money returns to your card",
        "unknown": "Whether the payment went through is not known",
        "unavailable": "The payment terminal is not working",
        "next_approved": "Take your ticket: the operator will see the payment",
        "next_retry": "Try another card, or take a ticket and pay at the desk",
        "next_unknown": "Do not pay again. Take a ticket and tell the operator: it will be checked",
        "next_unavailable": "Take a ticket and pay at the desk",
        "receipt_printed": "Take your receipt from the printer",
        "receipt_printing": "Printing your receipt…",
        "receipt_failed": "The receipt was not printed: ask the operator for it",
        "card_pin_title": "Enter your card's PIN",
        "card_pin_tries": "Attempts left: {n}",
        "card_pin_wrong": "Wrong PIN. Attempts left: {n}",
        "card_pin_wrong_no_count": "Wrong PIN. Please enter it again",
    },
}

for _language, _lookup in lookup_words.WORDS.items():
    WORDS[_language].update(_lookup)
for _language, _catalogue in catalogue_words.WORDS.items():
    WORDS[_language].update(_catalogue)

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
    if reason == "no_booking_for_card":
        return Notice(
            "No booking for today was made with this card"
            if en
            else "Записи на сегодня по этой карте не найдено",
            "Enter your booking code, or take a ticket for the queue"
            if en
            else "Введите код записи или возьмите талон в общую очередь",
        )
    if reason == "not_bookable":
        return Notice(
            "This service takes no appointments" if en else "На эту услугу запись не ведётся",
            "Please take a ticket for the queue" if en else "Возьмите талон в общую очередь",
        )
    if (
        reason == "booking_limit"
        and detail.get("held-date")
        and detail.get("limit-most", "").isdigit()
    ):
        return _limit_notice(detail, "en" if en else "ru")
    if reason in ("slot_full", "slot_unavailable"):
        return Notice(
            "This time can no longer be booked" if en else "Это время уже нельзя занять",
            "Please choose another time" if en else "Выберите другое время",
        )
    if reason == "too_many_attempts":
        return Notice(
            "Too many wrong codes" if en else "Слишком много неверных кодов",
            "Please ask the consultant" if en else "Обратитесь к консультанту",
        )
    if detail.get("kind") in ("slots", "book"):
        return Notice(
            "The booking was not made" if en else "Запись не сделана",
            "Please ask the consultant" if en else "Обратитесь к консультанту",
        )
    return Notice(
        "The ticket was not issued" if en else "Талон не выдан",
        "Please ask the consultant" if en else "Обратитесь к консультанту",
    )


def _limit_notice(detail: dict[str, str], words: str) -> Notice:
    """The limit, and the day and time of the booking that fills it (never its code)."""
    when = f"{day_label(detail['held-date'], '', words)}, {detail.get('held-time', '')}"
    limit = limit_words(
        int(detail["limit-most"]),
        detail.get("limit-per", ""),
        detail.get(f"names-{words}", "").split("\n"),
        words,
    )
    held = held_words(when, detail.get(f"held-name-{words}", ""), "", words)
    return Notice(capital(limit), capital(held))


KEYBOARDS: dict[str, tuple[str, ...]] = {
    "ru": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "en": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}
# Booking codes use these (docs/appointments.md): no 0, O, 1, I.
CODE_KEYS = ("23456789", "ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
PIN_KEYS = ("123", "456", "789", "0")
