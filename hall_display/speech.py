"""The voice codec: what the hall says for a call, as text and as clips. Pure, no I/O.

Ticket numbers. The hub prints "А007": a prefix of letters, then at least three digits.
Rule: each *leading* zero is said as "ноль", then the rest of the digits as one number:
"А007" -> "А ноль ноль семь", "А010" -> "А ноль десять", "А123" -> "А сто двадцать три",
"А1234" -> "А тысяча двести тридцать четыре", "А000" -> "А ноль ноль ноль". Why: the
words map one to one onto the characters a visitor holds on the ticket, so "007" and "07"
and "7" never sound the same, while the significant part stays one short number, as
queue systems and people in Russia say it. English reads the digits one by one ("A zero
zero seven", "A one two three"): how English speakers read codes, and it keeps zeros.

Desks are numbers ("5" -> "пять"), optionally with letters ("5А" -> "пять А") and a
place word that changes the phrase ("кабинет 12" -> "пройдите в кабинет номер
двенадцать"); see :data:`PLACES`.

Whole phrases or clips? On this machine espeak-ng synthesises a whole call in
about 15 ms, and a cached one costs a file lookup, so the voice speaks *whole phrases*
(one utterance has natural prosody; glued clips sound like a 1990s railway station) and
pre-warms the likely next calls (``voice.py``, ``announcer.py``). Each :class:`Phrase`
still carries its :class:`Piece` list, each with its own cache key, drawn from the finite
set :func:`clip_inventory` (numbers 0–999, thousands, letters, fixed words): a slower
engine or recorded human clips can be assembled from them without touching this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hall_display.errors import BadPhrase
from hall_display.numerals import (
    LARGEST,
    Case,
    Gender,
    english_pieces,
    english_words,
    number_pieces,
    number_words,
    thousands_words,
)

__all__ = [
    "LARGEST",
    "LETTERS_EN",
    "LETTERS_RU",
    "PLACES",
    "Case",
    "Desk",
    "Gender",
    "Language",
    "Phrase",
    "Piece",
    "Place",
    "Ticket",
    "call_phrase",
    "clip_inventory",
    "display_text",
    "english_words",
    "number_words",
    "parse_desk",
    "parse_ticket",
    "phrases",
    "recall_phrase",
    "thousands_words",
    "ticket_pieces",
    "ticket_words",
]


class Language(StrEnum):
    RU = "ru"
    EN = "en"


# Letters as Russians name them on a board. Vowels stay the capital letter: espeak-ng
# says a lone capital vowel as its name. Latin letters use the school names, except G
# "гэ" and J "йот", chosen so that neither sounds like Cyrillic Ж ("жэ") on the same board.
LETTERS_RU: dict[str, str] = {
    "А": "А", "Б": "бэ", "В": "вэ", "Г": "гэ", "Д": "дэ", "Е": "Е", "Ё": "Ё", "Ж": "жэ",
    "З": "зэ", "И": "И", "Й": "и краткое", "К": "ка", "Л": "эль", "М": "эм", "Н": "эн",
    "О": "О", "П": "пэ", "Р": "эр", "С": "эс", "Т": "тэ", "У": "У", "Ф": "эф", "Х": "ха",
    "Ц": "цэ", "Ч": "че", "Ш": "ша", "Щ": "ща", "Ъ": "твёрдый знак", "Ы": "Ы",
    "Ь": "мягкий знак", "Э": "Э", "Ю": "Ю", "Я": "Я",
    "A": "А", "B": "бэ", "C": "цэ", "D": "дэ", "E": "Э", "F": "эф", "G": "гэ", "H": "аш",
    "I": "И", "J": "йот", "K": "ка", "L": "эль", "M": "эм", "N": "эн", "O": "О", "P": "пэ",
    "Q": "ку", "R": "эр", "S": "эс", "T": "тэ", "U": "У", "V": "вэ", "W": "дубль-вэ",
    "X": "икс", "Y": "игрек", "Z": "зэт",
}  # fmt: skip

# Letters for the English voice, spelled so that espeak-ng says the letter's name (a bare
# "A" is read as the article). Cyrillic goes through its usual Latin transliteration.
LETTERS_EN: dict[str, str] = {
    "A": "eh", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "ef", "G": "gee",
    "H": "aitch", "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en",
    "O": "oh", "P": "pee", "Q": "cue", "R": "ar", "S": "ess", "T": "tee", "U": "you",
    "V": "vee", "W": "double-you", "X": "ex", "Y": "why", "Z": "zed",
    "А": "eh", "Б": "bee", "В": "vee", "Г": "gee", "Д": "dee", "Е": "ee", "Ё": "yo",
    "Ж": "zhe", "З": "zed", "И": "ee", "Й": "short ee", "К": "kay", "Л": "el", "М": "em",
    "Н": "en", "О": "oh", "П": "pee", "Р": "ar", "С": "ess", "Т": "tee", "У": "oo",
    "Ф": "ef", "Х": "kha", "Ц": "tse", "Ч": "che", "Ш": "sha", "Щ": "shcha",
    "Ъ": "hard sign", "Ы": "yeru", "Ь": "soft sign", "Э": "eh", "Ю": "yoo", "Я": "yah",
}  # fmt: skip

_LETTER = "A-ZА-ЯЁ"
_TICKET = re.compile(rf"([{_LETTER}]{{0,3}})([0-9]{{1,4}})")
_MAX_PREFIX = 3
_TICKET_FORM = "a ticket is up to 3 letters, then 1 to 4 digits, like 'А123'"
_MAX_DIGITS = 4


@dataclass(frozen=True, slots=True)
class Place:
    """How a call sends the visitor to one kind of place, in each language."""

    name: str
    go_ru: str
    go_en: str


PLACES: dict[str, Place] = {
    "окно": Place("окно", "пройдите к окну номер", "please go to desk"),
    "кабинет": Place("кабинет", "пройдите в кабинет номер", "please go to room"),
    "стойка": Place("стойка", "пройдите к стойке номер", "please go to counter"),
    "касса": Place("касса", "пройдите к кассе номер", "please go to cash desk"),
}
_DEFAULT_PLACE = PLACES["окно"]
_RUN = re.compile(rf"[0-9]+|[{_LETTER}]+")
_DESIGNATION = re.compile(rf"(?:[0-9]+|[{_LETTER}]+)(?:[- ]?(?:[0-9]+|[{_LETTER}]+))*")
_MAX_RUNS = 3
_SEPARATE = {*LETTERS_RU, "-", " "}

_WORDS = {
    Language.RU: {"ticket": "Талон", "recall": "Повторно", "recall_ticket": "талон"},
    Language.EN: {"ticket": "Ticket", "recall": "Calling again", "recall_ticket": "ticket"},
}


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Piece:
    """One clip of a phrase: a word or a number said alone, cacheable by itself."""

    language: Language
    text: str

    @property
    def cache_key(self) -> str:
        return _key("piece", self.language, self.text)


@dataclass(frozen=True, slots=True)
class Phrase:
    """What the voice says for one call in one language, its clips and its board text."""

    language: Language
    text: str
    pieces: tuple[Piece, ...]
    display: str

    @property
    def cache_key(self) -> str:
        return _key("phrase", self.language, self.text)


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket number split as it is said: prefix letters, then digits."""

    prefix: str
    digits: str

    def __str__(self) -> str:
        return self.prefix + self.digits

    def following(self) -> Ticket | None:
        """The next ticket of the same prefix and width ("А123" -> "А124"), if sayable."""
        serial = int(self.digits) + 1
        if serial > LARGEST:
            return None
        return Ticket(self.prefix, f"{serial:0{len(self.digits)}d}")


@dataclass(frozen=True, slots=True)
class Desk:
    """A desk as it is said: the kind of place and the designation's runs ("5", "А")."""

    place: Place
    runs: tuple[str, ...]
    shown: str


def parse_ticket(ticket: str) -> Ticket:
    """Split "А123" into prefix and digits; BadPhrase says which character cannot be said."""
    if not isinstance(ticket, str):
        raise BadPhrase("ticket", ticket, "a ticket number is text like 'А123'")
    text = ticket.strip().upper()
    if not text:
        raise BadPhrase("ticket", ticket, "it is empty; there is nothing to announce")
    match = _TICKET.fullmatch(text)
    if match:
        return Ticket(match.group(1), match.group(2))
    for position, char in enumerate(text, 1):
        if not (char.isdigit() and char.isascii()) and char not in LETTERS_RU:
            why = f"{char!r} at position {position} cannot be said ({_TICKET_FORM})"
            raise BadPhrase("ticket", ticket, why)
    letters = re.match(rf"[{_LETTER}]*", text)
    prefix = letters.group(0) if letters else ""
    digits = text[len(prefix) :]
    if not digits:
        raise BadPhrase("ticket", ticket, "it has no digits after the prefix")
    if not digits.isdigit():
        raise BadPhrase("ticket", ticket, "letters may only come before the digits")
    if len(prefix) > _MAX_PREFIX:
        raise BadPhrase("ticket", ticket, f"the prefix has {len(prefix)} letters, at most 3")
    raise BadPhrase("ticket", ticket, f"{len(digits)} digits; at most 4 (up to 9999) are said")


def parse_desk(desk: str | int) -> Desk:
    """Read 5, "5А", "12-Б" or "кабинет 12"; BadPhrase says what cannot be said and why."""
    if isinstance(desk, bool) or not isinstance(desk, (int, str)):
        raise BadPhrase("desk", desk, "a desk is a number or a name like '5А' or 'кабинет 12'")
    if isinstance(desk, int):
        if desk < 0:
            raise BadPhrase("desk", desk, "negative; desks are numbered from 0 to 9999")
        desk = str(desk)
    text = " ".join(desk.split())
    if not text:
        raise BadPhrase("desk", desk, "it is empty; the visitor would not know where to go")
    place = _DEFAULT_PLACE
    word, _, rest = text.partition(" ")
    if word.lower() in PLACES:
        place = PLACES[word.lower()]
        text = rest
    elif word.isalpha() and len(word) > 1 and not word.isupper():
        # Written as a word, not as letters of a designation like "Б" or "АБ".
        known = ", ".join(PLACES)
        raise BadPhrase("desk", desk, f"unknown kind of place {word!r}; known: {known}")
    designation = text.removeprefix("№").strip().upper()
    if not designation:
        raise BadPhrase("desk", desk, "it names a place but no number")
    if not _DESIGNATION.fullmatch(designation):
        bad = next(
            (c for c in designation if not (c.isascii() and c.isdigit()) and c not in _SEPARATE),
            "",
        )
        why = f"{bad!r} cannot be said" if bad else "only one '-' or space between parts"
        raise BadPhrase("desk", desk, why)
    runs = tuple(_RUN.findall(designation))
    if len(runs) > _MAX_RUNS:
        raise BadPhrase("desk", desk, f"{len(runs)} parts; at most 3 (like '12А' or '5-Б')")
    for run in runs:
        if run.isdigit() and len(run) > _MAX_DIGITS:
            raise BadPhrase("desk", desk, f"{run} has more than 4 digits")
        if not run.isdigit() and len(run) > _MAX_PREFIX:
            raise BadPhrase("desk", desk, f"{run} has more than 3 letters in a row")
    shown = f"{place.name} {designation}"
    return Desk(place, runs, shown)


def _digit_pieces(digits: str, language: Language) -> list[str]:
    """Pieces of a digit run by the leading-zero rule (Russian) or one by one (English)."""
    if language is Language.EN:
        return [english_words(int(d)) for d in digits]
    significant = digits.lstrip("0")
    zeros = len(digits) - len(significant)
    return [number_words(0)] * zeros + (number_pieces(int(significant)) if significant else [])


def _letter_pieces(letters: str, language: Language) -> list[str]:
    table = LETTERS_EN if language is Language.EN else LETTERS_RU
    return [table[letter] for letter in letters]


def ticket_pieces(ticket: str | Ticket, language: Language = Language.RU) -> list[str]:
    """The clips of a ticket number: "А007" -> ["А", "ноль", "ноль", "семь"]."""
    parsed = ticket if isinstance(ticket, Ticket) else parse_ticket(ticket)
    return [*_letter_pieces(parsed.prefix, language), *_digit_pieces(parsed.digits, language)]


def ticket_words(ticket: str | Ticket, language: Language = Language.RU) -> str:
    """A ticket number as the voice says it: "А007" -> "А ноль ноль семь"."""
    return " ".join(ticket_pieces(ticket, language))


def _desk_pieces(desk: Desk, language: Language) -> list[str]:
    pieces: list[str] = []
    for run in desk.runs:
        if not run.isdigit():
            pieces += _letter_pieces(run, language)
        elif language is Language.EN:
            significant = run.lstrip("0")
            zeros = len(run) - len(significant)
            pieces += ["zero"] * zeros + (english_pieces(int(significant)) if significant else [])
        else:
            pieces += _digit_pieces(run, language)
    return pieces


def display_text(ticket: str, desk: str | int, *, recall: bool = False) -> str:
    """The short line a board or a log shows for a call: "А123 → окно 5"."""
    shown = f"{parse_ticket(ticket)} → {parse_desk(desk).shown}"
    return f"{shown}, повторно" if recall else shown


def _phrase(ticket: str, desk: str | int, language: Language, *, recall: bool) -> Phrase:
    parsed_ticket, parsed_desk = parse_ticket(ticket), parse_desk(desk)
    words = _WORDS[language]
    go = parsed_desk.place.go_en if language is Language.EN else parsed_desk.place.go_ru
    lead = [words["recall"], words["recall_ticket"]] if recall else [words["ticket"]]
    said_ticket = ticket_pieces(parsed_ticket, language)
    said_desk = _desk_pieces(parsed_desk, language)
    head = f"{words['recall']}: {words['recall_ticket']}" if recall else words["ticket"]
    text = f"{head} {' '.join(said_ticket)}, {go} {' '.join(said_desk)}"
    pieces = tuple(Piece(language, p) for p in [*lead, *said_ticket, go, *said_desk])
    return Phrase(language, text, pieces, display_text(ticket, desk, recall=recall))


def call_phrase(ticket: str, desk: str | int, language: Language = Language.RU) -> Phrase:
    """ "Талон А сто двадцать три, пройдите к окну номер пять"; BadPhrase if unsayable."""
    return _phrase(ticket, desk, language, recall=False)


def recall_phrase(ticket: str, desk: str | int, language: Language = Language.RU) -> Phrase:
    """ "Повторно: талон А сто двадцать три, пройдите к окну номер пять"."""
    return _phrase(ticket, desk, language, recall=True)


def phrases(
    ticket: str,
    desk: str | int,
    *,
    recall: bool = False,
    languages: Sequence[Language] = (Language.RU,),
) -> tuple[Phrase, ...]:
    """One phrase per language, in the order given (Russian first, as the hall expects)."""
    if not languages:
        raise BadPhrase("languages", languages, "no language to say the call in")
    return tuple(_phrase(ticket, desk, language, recall=recall) for language in languages)


def clip_inventory(language: Language = Language.RU) -> frozenset[str]:
    """Every clip text any call can need: a finite set to record or pre-synthesise once."""
    if language is Language.EN:
        numbers = {english_words(n) for n in range(1000)}
        numbers |= {f"{english_words(n)} thousand" for n in range(1, 10)}
    else:
        numbers = {number_words(n) for n in range(1000)}
        numbers |= {thousands_words(n, Case.NOMINATIVE) for n in range(1, 10)}
    table = LETTERS_EN if language is Language.EN else LETTERS_RU
    words = set(_WORDS[language].values())
    places = {p.go_en if language is Language.EN else p.go_ru for p in PLACES.values()}
    return frozenset(numbers | set(table.values()) | words | places)
