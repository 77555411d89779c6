"""A booking limit's refusal in words, the same on the kiosk, the web and the call centre.

"Не более 1 записи на услугу «Паспорт РФ» в неделю: у вас уже есть запись на 9 декабря,
10:20, код 4KX-92P; отмените или перенесите её". The hub sends the limit and the held
booking as facts (``hub.errors.BookingLimitReached``); each screen words them here with
its own service names and the branch's time. The code is given only to the call centre:
a visitor's screen tells where to find it instead.
"""

from __future__ import annotations

from collections.abc import Sequence

_PER = {
    "ru": {"day": "в день", "week": "в неделю", "month": "в месяц"},
    "en": {"day": "a day", "week": "a week", "month": "a month"},
}


def limit_words(most: int, per: str, names: Sequence[str], lang: str) -> str:
    """ "не более 1 записи на услугу «Паспорт РФ» в неделю" (no capital, no stop)."""
    quoted = ", ".join(f"«{name}»" for name in names)
    if lang == "en":
        bookings = "booking" if most == 1 else "bookings"
        return f"at most {most} {bookings} for {quoted} {_PER['en'].get(per, per)}"
    # "Не более" takes the genitive: 1, 21 записи; 2, 5, 11 записей.
    bookings = "записи" if most % 10 == 1 and most % 100 != 11 else "записей"
    kind = "услугу" if len(names) == 1 else "услуги"
    return f"не более {most} {bookings} на {kind} {quoted} {_PER['ru'].get(per, per)}"


def held_words(when: str, other_service: str, code: str, lang: str) -> str:
    """ "у вас уже есть запись на 9 декабря, 10:20, код 4KX-92P; отмените или перенесите её".

    ``when``: the held booking's day and time as the screen writes dates ("9 декабря, 10:20");
    ``other_service``: the held booking's service when it is not the one asked for ("");
    ``code``: the held booking's code, for the call centre only ("" on a visitor's screen).
    """
    shown = f"{code[:3]}-{code[3:]}" if code else ""
    what = f" («{other_service}»)" if other_service else ""
    if lang == "en":
        where = f", code {shown}" if code else ""
        told = "" if code else " (its code is in the message and on the slip)"
        return f"you already have a booking on {when}{what}{where}; cancel or move it{told}"
    where = f", код {shown}" if code else ""
    told = "" if code else " (код записи — в сообщении и на квитанции)"
    return f"у вас уже есть запись на {when}{what}{where}; отмените или перенесите её{told}"


def sentence(limit: str, held: str) -> str:
    """The two parts as one sentence: "Не более ...: у вас уже есть ...; отмените ..."."""
    return f"{capital(limit)}: {held}."


def capital(text: str) -> str:
    """A part that starts a line (the kiosk shows the two parts as title and text)."""
    return text[:1].upper() + text[1:]
