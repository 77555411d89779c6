"""Words a booking code must not spell: obscene and offensive ones, Russian and English.

A visitor reads the code on a slip, in an SMS and aloud to a consultant ("SEX QJ4" was
one), so a code is refused when any of its runs can be read as a listed word, letter by
letter, taking each character for every letter it looks like: digits for the letters
they stand in for ("5EX"), Latin letters for the Cyrillic ones of the same shape ("XEP"
reads "ХЕР"), and the letters the alphabet leaves out for those that stand in for them.
The list holds stems, so "FUCKS" and "ЕБАТЬ" go with "FUCK" and "ЕБА".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Each character of the code alphabet, and the letters a reader may take it for.
_LOOKS_LIKE = {
    "2": "Z",
    "3": "EЗ",
    "4": "AЧ",
    "5": "S",
    "6": "GБ",
    "7": "TГ",
    "8": "BВ",
    "9": "G",
    "A": "А",
    "B": "ВБ",
    "C": "СK",
    "E": "ЕЁ",
    "G": "Б",
    "H": "НX",
    "J": "IЙ",
    "K": "КC",
    "L": "I",
    "M": "М",
    "N": "ИЙ",
    "P": "Р",
    "Q": "O",
    "R": "Я",
    "T": "Т",
    "U": "VИЦ",
    "V": "U",
    "W": "Ш",
    "X": "ХH",
    "Y": "УU",
}

RUSSIAN = (
    "ХУЙ",
    "ХУЕ",
    "ХУЯ",
    "ХЕР",
    "ПИЗД",
    "ЕБА",
    "ЕБЛ",
    "ЕБУ",
    "ЁБ",
    "БЛЯ",
    "СУКА",
    "СУЧ",
    "МУДА",
    "МУДИ",
    "ГОВН",
    "ЖОП",
    "СРАК",
    "ЧМО",
    "ШЛЮХ",
    "ПИДО",
    "ПИДР",
    "ГАНДОН",
    "ДЕРЬМ",
    "МРАЗ",
    "ДАУН",
    "УБЕЙ",
    "НАЦИ",
)
# Russian words as they are written in Latin letters, and English ones.
LATIN = (
    "HUY",
    "HUJ",
    "HUI",
    "HUE",
    "XUY",
    "XUJ",
    "XER",
    "HER",
    "PIZD",
    "PZD",
    "EBAT",
    "EBAL",
    "EBLO",
    "EBU",
    "BLYA",
    "BLJA",
    "SUKA",
    "SUKI",
    "MUDAK",
    "GOVN",
    "ZHOP",
    "JOPA",
    "SRAK",
    "CHMO",
    "PIDR",
    "PIDAR",
    "PIDOR",
    "MRAZ",
    "SEX",
    "FUCK",
    "FUK",
    "FCK",
    "FUC",
    "SHIT",
    "CUNT",
    "DICK",
    "COCK",
    "CUM",
    "ASS",
    "TIT",
    "FAG",
    "NAZI",
    "KKK",
    "WTF",
    "PUSS",
    "SLUT",
    "WHOR",
    "RAPE",
    "PORN",
    "NIGG",
    "NIGA",
    "NEGR",
    "KILL",
    "DIE",
    "XXX",
    "PENIS",
    "ANAL",
    "ANUS",
    "BOOB",
    "PISS",
    "SUCK",
    "BITCH",
    "HITLER",
    "KYS",
    "GAY",
    "DUMB",
    "POOP",
)
WORDS = RUSSIAN + LATIN


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    """One expression matching each of ``words`` in every look-alike spelling; the group
    that matched, ``w<n>``, names the word by its index."""
    spellings: dict[str, set[str]] = {}
    for char, letters in _LOOKS_LIKE.items():
        for letter in letters:
            spellings.setdefault(letter, set()).add(char)

    def choices(one: str) -> str:
        return "[" + "".join(sorted({one} | spellings.get(one, set()))) + "]"

    spelt = ("".join(choices(one) for one in word) for word in words)
    return re.compile("|".join(f"(?P<w{n}>{classes})" for n, classes in enumerate(spelt)))


# Longest first, so the word found is the whole stem rather than a shorter one in it.
_ORDERED = tuple(sorted(WORDS, key=len, reverse=True))
_SPELLS = _pattern(_ORDERED)


def spelled(code: str) -> str:
    """The listed word ``code`` can be read as (its stem), or "" for a clean code."""
    found = _SPELLS.search(code.upper())
    return _ORDERED[int(found.lastgroup[1:])] if found and found.lastgroup else ""
