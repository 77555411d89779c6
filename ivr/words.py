"""What the voice menu says with a number, a day, a time or a code in it: Russian text, pure.

Every cardinal goes through the hall's ``hall_display.numerals`` in the gender and case
its noun needs ("одна минута", "около двадцати одной минуты", "в двадцать одну минуту");
the noun after it takes the form Russian counting asks for (1 / 2–4 / 5–20, by the last
two digits). Ordinals (the day of the month) are a table here: numerals has cardinals only.

Booking codes. A code is six characters of ``23456789ABCDEFGHJKLMNPQRSTUVWXYZ`` and the
caller must write it down from an 8 kHz line, where "бэ", "пэ", "дэ", "тэ", "вэ", "зэ",
"цэ", "гэ" are nearly one sound. Each Latin letter is therefore said by the Russian name
a school teaches ("эм", "эр", what Russians say spelling an e-mail address), followed by
"как" and the word of the Russian telephone spelling alphabet that starts with that
sound ("эм, как Михаил"), the way a Russian operator dictates over a bad line. The names
alone ("эй", "би", English) are unknown to many older callers; the word alone ("Анна")
would be written in Cyrillic, and the code is Latin, typed on the keypad by its letter.
Letters that no Russian confuses ("аш", "ку", "икс", "игрек", "дубль-вэ", "джей") keep
the name alone. Digits are their cardinals ("семь"); the code has no 0, 1, I or O.
"""

from __future__ import annotations

from datetime import date, time

from hall_display.errors import BadPhrase
from hall_display.numerals import Case, Gender, number_words
from hall_display.speech import ticket_words
from ivr.errors import Unsayable

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

# The Russian forms of a noun after a count, by the count: one, few (2–4), many (5–20, 0).
_PEOPLE = ("человек", "человека", "человек")
_MINUTES = ("минута", "минуты", "минут")
_MINUTES_ACCUSATIVE = ("минуту", "минуты", "минут")
_MINUTES_GENITIVE = ("минуты", "минут", "минут")
_HOURS = ("час", "часа", "часов")
_HOURS_GENITIVE = ("часа", "часов", "часов")

_WEEKDAYS = (
    "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу",
    "в воскресенье",
)  # fmt: skip
_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
)  # fmt: skip
_ORDINALS_GENITIVE = (
    "первого", "второго", "третьего", "четвёртого", "пятого", "шестого", "седьмого",
    "восьмого", "девятого", "десятого", "одиннадцатого", "двенадцатого", "тринадцатого",
    "четырнадцатого", "пятнадцатого", "шестнадцатого", "семнадцатого", "восемнадцатого",
    "девятнадцатого", "двадцатого",
)  # fmt: skip

_CODE_LETTERS = {
    "A": "А, как Анна", "B": "бэ, как Борис", "C": "цэ, как цапля", "D": "дэ, как Дмитрий",
    "E": "Э, как эхо", "F": "эф, как Фёдор", "G": "гэ, как Григорий", "H": "аш",
    "J": "джей", "K": "ка, как Константин", "L": "эль, как Леонид", "M": "эм, как Михаил",
    "N": "эн, как Николай", "P": "пэ, как Павел", "Q": "ку", "R": "эр, как Роман",
    "S": "эс, как Семён", "T": "тэ, как Татьяна", "U": "У, как Ульяна",
    "V": "вэ, как Василий", "W": "дубль-вэ", "X": "икс", "Y": "игрек",
    "Z": "зэт, как Зинаида",
}  # fmt: skip

# Hub status values (hub.domain.applications.ApplicationStatus) as a caller hears them
# after "Ваше заявление…": a whole clause, so the menu adds nothing of its own.
_STATUSES = {
    "accepted": "принято и ждёт рассмотрения",
    "in_work": "в работе",
    "suspended": "приостановлено; подробности скажет оператор",
    "ready": "готово, документы можно получить в центре",
    "issued": "исполнено, документы выданы",
    "refused": "рассмотрено, в услуге отказано; подробности скажет оператор",
    "cancelled": "отменено",
}
_STATUS_PREFIX = "APPLICATION_STATUS_"

LESS_THAN_A_MINUTE = "меньше минуты"
MAX_WAIT_HOURS = 10
TODAY = "сегодня"
TOMORROW = "завтра"


def _form(n: int, forms: tuple[str, str, str]) -> str:
    """The noun form after the count ``n``: 1, 21, 101 take one; 2–4, 22 few; else many."""
    last_two = n % 100
    if 11 <= last_two <= 14:
        return forms[2]
    last = n % 10
    if last == 1:
        return forms[0]
    if 2 <= last <= 4:
        return forms[1]
    return forms[2]


def _number(n: int, gender: Gender, case: Case = Case.NOMINATIVE) -> str:
    try:
        return number_words(n, gender, case)
    except BadPhrase as err:
        raise Unsayable(f"the voice menu cannot say {n!r}: {err}") from err


def _counted(n: int, forms: tuple[str, str, str], gender: Gender, case: Case) -> str:
    """ "двадцать одну минуту": the count in its gender and case, the noun in its form."""
    return f"{_number(n, gender, case)} {_form(n, forms)}"


def count_people(n: int) -> str:
    """ "один человек", "два человека", "пять человек", "двадцать один человек"."""
    return _counted(n, _PEOPLE, Gender.MASCULINE, Case.NOMINATIVE)


def minutes(n: int) -> str:
    """ "одна минута", "две минуты", "пять минут", "двадцать одна минута"."""
    return _counted(n, _MINUTES, Gender.FEMININE, Case.NOMINATIVE)


def _rounded_minutes(seconds: int) -> int:
    """An estimate's minutes as people say them: exact below 10, by 5 to the hour, then by
    10; halves go up (a wait said too short disappoints more than one said too long)."""
    exact = (seconds + 30) // 60
    if exact < 10:
        return max(exact, 1)
    if exact < 60:
        return 5 * ((exact + 2) // 5)
    return 10 * ((exact + 5) // 10)


def wait_text(seconds: int) -> str:
    """ "меньше минуты", "около пяти минут", "около часа и десяти минут" (genitive after
    "около"); beyond ten hours "больше десяти часов": no caller plans by a longer figure."""
    if seconds < 0:
        raise Unsayable(f"a wait of {seconds} s is negative")
    if seconds < 60:
        return LESS_THAN_A_MINUTE
    total = _rounded_minutes(seconds)
    hours, rest = divmod(total, 60)
    if hours > MAX_WAIT_HOURS or (hours == MAX_WAIT_HOURS and rest):
        return "больше " + _counted(
            MAX_WAIT_HOURS, _HOURS_GENITIVE, Gender.MASCULINE, Case.GENITIVE
        )
    parts = []
    if hours == 1:
        parts.append("часа")
    elif hours:
        parts.append(_counted(hours, _HOURS_GENITIVE, Gender.MASCULINE, Case.GENITIVE))
    if rest:
        parts.append(_counted(rest, _MINUTES_GENITIVE, Gender.FEMININE, Case.GENITIVE))
    return "около " + " и ".join(parts)


def date_text(day: date) -> str:
    """ "во вторник, восьмого декабря": the weekday, then the date as Russians say it."""
    month = _MONTHS_GENITIVE[day.month - 1]
    return f"{_WEEKDAYS[day.weekday()]}, {_ordinal_genitive(day.day)} {month}"


def _ordinal_genitive(n: int) -> str:
    if n <= 20:
        return _ORDINALS_GENITIVE[n - 1]
    tens, unit = divmod(n, 10)
    tens_word = _number(tens * 10, Gender.MASCULINE)
    return f"{tens_word} {_ORDINALS_GENITIVE[unit - 1]}" if unit else f"{tens_word[:-1]}ого"


def day_text(day: date, today: date) -> str:
    """ "сегодня", "завтра", else "во вторник, восьмого декабря" (the year is never said:
    bookings are open weeks ahead, not a year)."""
    if day == today:
        return TODAY
    if (day - today).days == 1:
        return TOMORROW
    return date_text(day)


def time_text(t: time) -> str:
    """ "в десять часов тридцать минут", "в девять часов", "в час", "в двадцать один час":
    the whole form, the one a Russian official voice uses (minutes in the accusative)."""
    hour = "час" if t.hour == 1 else _counted(t.hour, _HOURS, Gender.MASCULINE, Case.NOMINATIVE)
    if not t.minute:
        return f"в {hour}"
    minute = _counted(t.minute, _MINUTES_ACCUSATIVE, Gender.FEMININE, Case.ACCUSATIVE)
    return f"в {hour} {minute}"


def ticket_text(number: str) -> str:
    """A ticket as the hall says it: "А017" -> "А ноль семнадцать"."""
    try:
        return ticket_words(number)
    except BadPhrase as err:
        raise Unsayable(f"the voice menu cannot say ticket {number!r}: {err}") from err


def code_pieces(code: str) -> list[str]:
    """A booking code, one piece a character (32 pieces cover every code, so all are
    synthesised before any call): "7MK2" -> ["семь", "эм, как Михаил", "ка, как…", "два"]."""
    pieces = []
    for char in code.strip().upper():
        if char not in CODE_ALPHABET:
            raise Unsayable(f"{char!r} in {code!r} is not in a booking code's alphabet")
        pieces.append(_CODE_LETTERS.get(char) or _number(int(char), Gender.MASCULINE))
    if not pieces:
        raise Unsayable("a booking code is empty")
    return pieces


def code_text(code: str) -> str:
    """The whole code read out, characters apart: "семь; эм, как Михаил; два"."""
    return "; ".join(code_pieces(code))


def digits_text(digits: str) -> str:
    """ "123" -> "один два три": what the caller typed, read back key by key."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise Unsayable(f"{digits!r} is not a run of digits")
    return " ".join(_number(int(d), Gender.MASCULINE) for d in digits)


def application_status_text(status: str) -> str:
    """The hub's status ("ready", or the proto's "APPLICATION_STATUS_READY") as the caller
    hears it after "Ваше заявление": "готово, документы можно получить в центре"."""
    name = status.strip().removeprefix(_STATUS_PREFIX).lower()
    try:
        return _STATUSES[name]
    except KeyError:
        raise Unsayable(f"application status {status!r} is not one this menu knows") from None


def status_texts() -> list[str]:
    """Every status clause, for the prompt inventory."""
    return list(_STATUSES.values())
