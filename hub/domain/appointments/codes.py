"""Booking codes: six characters a visitor types at a kiosk or reads over the phone.

The alphabet leaves out 0, O, 1 and I, which people confuse; 32 symbols to the power of 6
give about 1.07e9 codes, drawn with ``secrets``. Codes are never given twice: the hub
checks every fresh code against all it ever gave (``hub/booking.py``) and the database
refuses a duplicate. A draw that can be read as an obscene or offensive word
(``words.py``) is thrown away and drawn again, which leaves out only a small share of the
codes. A visitor on a Russian keyboard layout types Cyrillic letters that
look like Latin ones; they are read as those letters.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from hub.domain.appointments.words import spelled
from hub.errors import BadCode

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 6
_LATIN = str.maketrans("АВЕКМНРСТУХ", "ABEKMHPCTYX")
_SEPARATORS = str.maketrans("", "", " -_.")
# A phone's keypad (ITU E.161): each letter is typed as the key that carries it.
_KEYPAD = str.maketrans(
    {
        letter: key
        for key, letters in {
            "2": "ABC",
            "3": "DEF",
            "4": "GHI",
            "5": "JKL",
            "6": "MNO",
            "7": "PQRS",
            "8": "TUV",
            "9": "WXYZ",
        }.items()
        for letter in letters
    }
)


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random code that spells no listed word; ``choice`` is replaced only by tests."""
    while True:
        code = "".join(choice(ALPHABET) for _ in range(LENGTH))
        if not spelled(code):
            return code


def normalise(typed: str) -> str:
    """The code as stored, from what a person typed ("k7m 4qx", "K7M-4QX"); else BadCode."""
    cleaned = typed.upper().translate(_SEPARATORS).translate(_LATIN)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        raise BadCode(
            f"a booking code has {LENGTH} characters, letters and the digits 2-9 (there is no "
            "0, 1, I or O in it): check the code in the message or on the slip"
        )
    return cleaned


def keys(code: str) -> str:
    """The keys a caller presses for a code on a phone: "K7M4QX" -> "576479"."""
    return code.translate(_KEYPAD)


def normalise_keys(typed: str) -> str:
    """Six keys 2-9 as a phone sent them; else BadCode (a keypad types no 0 or 1 in a code)."""
    if len(typed) != LENGTH or any(c not in "23456789" for c in typed):
        raise BadCode(
            f"a booking code is {LENGTH} keys 2-9 on the phone's keypad, each letter as the key "
            "that carries it: check the code in the message"
        )
    return typed
