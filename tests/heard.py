"""Everything spoken is also shown, for visitors who do not hear: the check the kiosk's
and the hall's tests share.

A phrase is shown when each of its words is in a text on the screen at the moment it is
said. Words are compared by their first five letters (Russian endings change with the
case: "минут" said, "минуты" shown), and the words that only say aloud what the screen
shows in figures or letters are not asked for: numbers in words, the names of letters
(a code spelt), the units of a time or a wait said in words ("десять часов двадцать
минут" for "10:20"), "номер" before a desk's number, and words of one or two letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from hall_display.numerals import Case, Gender, english_words, number_words
from hall_display.speech import LETTERS_EN, LETTERS_RU

STEM = 5
_WORD = re.compile(r"[a-zа-яё]+")
UNITS = (
    "час часа часов минута минуты минут минуту номер minute minutes o clock oh hour hours number"
)


# What a symbol or an abbreviation on screen is said as.
SYMBOLS = {"≈": " около ", "⌫": " стереть ", "мин": "минут", "min": "minutes"}
_SYMBOL = re.compile("|".join(rf"(?<![a-zа-я]){re.escape(s)}(?![a-zа-я])" for s in SYMBOLS))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


@cache
def said_for_figures() -> frozenset[str]:
    """Words that say a figure or a letter shown (see the module)."""
    words = set(_words(UNITS))
    for n in range(1000):
        words.update(_words(english_words(n)))
        for gender in Gender:
            for case in Case:
                words.update(_words(number_words(n, gender, case)))
    for table in (LETTERS_RU, LETTERS_EN):
        for name in table.values():
            words.update(_words(name))
    return frozenset(words)


def unshown(said: str, shown: Iterable[str]) -> list[str]:
    """The words of ``said`` that no text in ``shown`` has (empty: all of it is shown)."""
    read = (_SYMBOL.sub(lambda m: SYMBOLS[m.group()], text.lower()) for text in shown)
    stems = {word[:STEM] for text in read for word in _words(text)}
    figures = said_for_figures()
    return [
        word
        for word in _words(said)
        if len(word) > 2 and word not in figures and word[:STEM] not in stems
    ]
