"""Cardinal numerals 0–9999 as words: Russian in any gender and case, English.

Pure functions, no I/O: part of the voice codec (``speech.py`` re-exports them).

Russian cardinals decline as a whole ("двумстам двадцати трём"): every component takes
the case, only the last one (один/одна/одно, два/две) takes the gender, and "тысяча"
agrees with its count: nominative 1 тысяча, 2–4 тысячи, 5–9 тысяч; in the oblique cases
singular for 1 (тысячи, тысяче...), plural otherwise (тысяч, тысячам...). The accusative
is the inanimate one (the same as the nominative except одну, тысячу): the voice counts
things (windows, rooms), never people. 1000 is said "тысяча", as people read it on a
board, not the bookkeeper's "одна тысяча".
"""

from __future__ import annotations

from enum import Enum

from hall_display.errors import BadPhrase

LARGEST = 9999


class Gender(Enum):
    MASCULINE = "masculine"
    FEMININE = "feminine"
    NEUTER = "neuter"


class Case(Enum):
    """The six cases, in the order of every table below."""

    NOMINATIVE = 0
    GENITIVE = 1
    DATIVE = 2
    ACCUSATIVE = 3
    INSTRUMENTAL = 4
    PREPOSITIONAL = 5


_Forms = tuple[str, str, str, str, str, str]

_ONE: dict[Gender, _Forms] = {
    Gender.MASCULINE: ("один", "одного", "одному", "один", "одним", "одном"),
    Gender.FEMININE: ("одна", "одной", "одной", "одну", "одной", "одной"),
    Gender.NEUTER: ("одно", "одного", "одному", "одно", "одним", "одном"),
}
_TWO_NOMINATIVE = {Gender.MASCULINE: "два", Gender.FEMININE: "две", Gender.NEUTER: "два"}
_IRREGULAR: dict[int, _Forms] = {
    0: ("ноль", "ноля", "нолю", "ноль", "нолём", "ноле"),
    2: ("два", "двух", "двум", "два", "двумя", "двух"),
    3: ("три", "трёх", "трём", "три", "тремя", "трёх"),
    4: ("четыре", "четырёх", "четырём", "четыре", "четырьмя", "четырёх"),
    8: ("восемь", "восьми", "восьми", "восемь", "восемью", "восьми"),
    40: ("сорок", "сорока", "сорока", "сорок", "сорока", "сорока"),
    90: ("девяносто", "девяноста", "девяноста", "девяносто", "девяноста", "девяноста"),
    100: ("сто", "ста", "ста", "сто", "ста", "ста"),
}
# Nominatives of the numerals that decline like a soft noun: пять, пяти, пятью.
_SOFT = {
    5: "пять",
    6: "шесть",
    7: "семь",
    9: "девять",
    10: "десять",
    11: "одиннадцать",
    12: "двенадцать",
    13: "тринадцать",
    14: "четырнадцать",
    15: "пятнадцать",
    16: "шестнадцать",
    17: "семнадцать",
    18: "восемнадцать",
    19: "девятнадцать",
    20: "двадцать",
    30: "тридцать",
}
_HUNDREDS_NOMINATIVE = {
    200: "двести",
    300: "триста",
    400: "четыреста",
    500: "пятьсот",
    600: "шестьсот",
    700: "семьсот",
    800: "восемьсот",
    900: "девятьсот",
}
_THOUSAND_ONE: _Forms = ("тысяча", "тысячи", "тысяче", "тысячу", "тысячей", "тысяче")
_THOUSANDS_MANY: _Forms = ("тысяч", "тысяч", "тысячам", "тысяч", "тысячами", "тысячах")


def _soft(nominative: str) -> _Forms:
    stem = nominative[:-1]
    oblique = stem + "и"
    return (nominative, oblique, oblique, nominative, stem + "ью", oblique)


def _forms(n: int) -> _Forms:
    """All six cases of a "simple" numeral: 0, 2–19, a round ten or a round hundred."""
    if n in _IRREGULAR:
        return _IRREGULAR[n]
    if n in _SOFT:
        return _soft(_SOFT[n])
    if n in (50, 60, 70, 80):
        unit = _forms(n // 10)
        nominative = unit[0] + "десят"
        return (
            nominative,
            unit[1] + "десяти",
            unit[2] + "десяти",
            nominative,
            unit[4] + "десятью",
            unit[5] + "десяти",
        )
    # 200–900 follow one rule from the unit: двух-сот, двум-стам, двумя-стами, двух-стах.
    unit = _forms(n // 100)
    nominative = _HUNDREDS_NOMINATIVE[n]
    return (
        nominative,
        unit[1] + "сот",
        unit[2] + "стам",
        nominative,
        unit[4] + "стами",
        unit[5] + "стах",
    )


def _check(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise BadPhrase("number", n, "not a whole number")
    if n < 0:
        raise BadPhrase("number", n, "negative; the voice says numbers from 0 to 9999")
    if n > LARGEST:
        raise BadPhrase("number", n, "too large; the voice says numbers from 0 to 9999")


def _below_thousand(n: int, gender: Gender, case: Case) -> list[str]:
    """Words of 1–999 (0 gives none), only the last one agreeing in gender."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(_forms(hundreds * 100)[case.value])
    if rest >= 20:
        tens, rest = divmod(rest, 10)
        words.append(_forms(tens * 10)[case.value])
    if rest == 1:
        words.append(_ONE[gender][case.value])
    elif rest == 2 and case in (Case.NOMINATIVE, Case.ACCUSATIVE):
        words.append(_TWO_NOMINATIVE[gender])
    elif rest:
        words.append(_forms(rest)[case.value])
    return words


def thousands_words(count: int, case: Case = Case.NOMINATIVE) -> str:
    """ "две тысячи": a count of thousands (1–9) with "тысяча" agreeing; 1 is bare "тысяча"."""
    if not 1 <= count <= 9:
        raise BadPhrase("count of thousands", count, "the voice says 1 to 9 thousands")
    if count == 1:
        return _THOUSAND_ONE[case.value]
    if case in (Case.NOMINATIVE, Case.ACCUSATIVE):
        noun = "тысячи" if count <= 4 else "тысяч"
    else:
        noun = _THOUSANDS_MANY[case.value]
    return " ".join([*_below_thousand(count, Gender.FEMININE, case), noun])


def number_words(n: int, gender: Gender = Gender.MASCULINE, case: Case = Case.NOMINATIVE) -> str:
    """Russian words of 0–9999 in the gender and case asked; BadPhrase outside that range."""
    return " ".join(number_pieces(n, gender, case))


def number_pieces(
    n: int, gender: Gender = Gender.MASCULINE, case: Case = Case.NOMINATIVE
) -> list[str]:
    """The words of n as clips: the thousands, then 1–999, so 0–999 and nine more cover all."""
    _check(n)
    if n == 0:
        return [_forms(0)[case.value]]
    thousands, rest = divmod(n, 1000)
    pieces = [thousands_words(thousands, case)] if thousands else []
    if rest:
        pieces.append(" ".join(_below_thousand(rest, gender, case)))
    return pieces


_EN_SMALL = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _english_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_EN_SMALL[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_SMALL[unit]}" if unit else ""))
    elif rest or not hundreds:
        words.append(_EN_SMALL[rest])
    return " ".join(words)


def english_pieces(n: int) -> list[str]:
    """English words of 0–9999 as clips ("one thousand", "two hundred thirty-four")."""
    _check(n)
    thousands, rest = divmod(n, 1000)
    pieces = [f"{_EN_SMALL[thousands]} thousand"] if thousands else []
    if rest or not thousands:
        pieces.append(_english_below_thousand(rest))
    return pieces


def english_words(n: int) -> str:
    """English words of 0–9999, without "and" ("one hundred one"); BadPhrase outside."""
    return " ".join(english_pieces(n))
