"""The voice codec from tables: numerals, letters, tickets, desks, phrases and clips."""

from __future__ import annotations

import string

import pytest

from hall_display.errors import BadPhrase
from hall_display.numerals import english_words, number_pieces
from hall_display.speech import (
    LETTERS_EN,
    LETTERS_RU,
    Case,
    Gender,
    Language,
    call_phrase,
    clip_inventory,
    display_text,
    number_words,
    parse_desk,
    parse_ticket,
    phrases,
    recall_phrase,
    ticket_words,
)

CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
ALL = range(1000)


@pytest.mark.parametrize(
    ("n", "masculine", "feminine"),
    [
        (0, "ноль", "ноль"),
        (1, "один", "одна"),
        (2, "два", "две"),
        (3, "три", "три"),
        (4, "четыре", "четыре"),
        (5, "пять", "пять"),
        (8, "восемь", "восемь"),
        (10, "десять", "десять"),
        (11, "одиннадцать", "одиннадцать"),
        (12, "двенадцать", "двенадцать"),
        (14, "четырнадцать", "четырнадцать"),
        (19, "девятнадцать", "девятнадцать"),
        (20, "двадцать", "двадцать"),
        (21, "двадцать один", "двадцать одна"),
        (22, "двадцать два", "двадцать две"),
        (40, "сорок", "сорок"),
        (50, "пятьдесят", "пятьдесят"),
        (68, "шестьдесят восемь", "шестьдесят восемь"),
        (90, "девяносто", "девяносто"),
        (100, "сто", "сто"),
        (101, "сто один", "сто одна"),
        (110, "сто десять", "сто десять"),
        (123, "сто двадцать три", "сто двадцать три"),
        (200, "двести", "двести"),
        (300, "триста", "триста"),
        (400, "четыреста", "четыреста"),
        (500, "пятьсот", "пятьсот"),
        (600, "шестьсот", "шестьсот"),
        (700, "семьсот", "семьсот"),
        (800, "восемьсот", "восемьсот"),
        (900, "девятьсот", "девятьсот"),
        (999, "девятьсот девяносто девять", "девятьсот девяносто девять"),
        (1000, "тысяча", "тысяча"),
        (1001, "тысяча один", "тысяча одна"),
        (1234, "тысяча двести тридцать четыре", "тысяча двести тридцать четыре"),
        (2000, "две тысячи", "две тысячи"),
        (2002, "две тысячи два", "две тысячи две"),
        (4000, "четыре тысячи", "четыре тысячи"),
        (5000, "пять тысяч", "пять тысяч"),
        (
            9999,
            "девять тысяч девятьсот девяносто девять",
            "девять тысяч девятьсот девяносто девять",
        ),
    ],
)
def test_known_numerals(n: int, masculine: str, feminine: str) -> None:
    assert number_words(n) == masculine
    assert number_words(n, Gender.FEMININE) == feminine


@pytest.mark.parametrize(
    ("n", "gender", "case", "words"),
    [
        (0, Gender.MASCULINE, Case.GENITIVE, "ноля"),
        (1, Gender.NEUTER, Case.NOMINATIVE, "одно"),
        (1, Gender.FEMININE, Case.ACCUSATIVE, "одну"),
        (2, Gender.MASCULINE, Case.GENITIVE, "двух"),
        (3, Gender.MASCULINE, Case.DATIVE, "трём"),
        (4, Gender.MASCULINE, Case.INSTRUMENTAL, "четырьмя"),
        (5, Gender.MASCULINE, Case.INSTRUMENTAL, "пятью"),
        (8, Gender.MASCULINE, Case.GENITIVE, "восьми"),
        (11, Gender.MASCULINE, Case.DATIVE, "одиннадцати"),
        (40, Gender.MASCULINE, Case.PREPOSITIONAL, "сорока"),
        (50, Gender.MASCULINE, Case.GENITIVE, "пятидесяти"),
        (80, Gender.MASCULINE, Case.INSTRUMENTAL, "восемьюдесятью"),
        (90, Gender.MASCULINE, Case.DATIVE, "девяноста"),
        (100, Gender.MASCULINE, Case.GENITIVE, "ста"),
        (200, Gender.MASCULINE, Case.GENITIVE, "двухсот"),
        (300, Gender.MASCULINE, Case.DATIVE, "трёмстам"),
        (400, Gender.MASCULINE, Case.INSTRUMENTAL, "четырьмястами"),
        (500, Gender.MASCULINE, Case.PREPOSITIONAL, "пятистах"),
        (123, Gender.MASCULINE, Case.DATIVE, "ста двадцати трём"),
        (221, Gender.FEMININE, Case.GENITIVE, "двухсот двадцати одной"),
        (1000, Gender.MASCULINE, Case.ACCUSATIVE, "тысячу"),
        (1000, Gender.MASCULINE, Case.INSTRUMENTAL, "тысячей"),
        (2000, Gender.MASCULINE, Case.DATIVE, "двум тысячам"),
        (5005, Gender.MASCULINE, Case.GENITIVE, "пяти тысяч пяти"),
    ],
)
def test_oblique_forms(n: int, gender: Gender, case: Case, words: str) -> None:
    assert number_words(n, gender, case) == words


@pytest.mark.parametrize("gender", list(Gender))
@pytest.mark.parametrize("case", list(Case))
def test_every_number_below_a_thousand_is_clean_and_distinct(gender: Gender, case: Case) -> None:
    said = [number_words(n, gender, case) for n in ALL]
    for n, words in zip(ALL, said, strict=True):
        assert words == words.strip(), n
        assert "  " not in words, n
        assert all(w.isalpha() for w in words.split()), n
        assert 1 <= len(words.split()) <= 3, n
        if n % 10 not in (1, 2) or 10 <= n % 100 < 20:
            assert words == number_words(n, Gender.MASCULINE, case), n
    assert len(set(said)) == len(said)


def test_every_number_up_to_9999_is_distinct() -> None:
    said = [number_words(n) for n in range(10_000)]
    assert len(set(said)) == 10_000
    assert all("  " not in s and s == s.strip() for s in said)


def test_number_clips_are_thousands_then_below_a_thousand() -> None:
    assert number_pieces(2345) == ["две тысячи", "триста сорок пять"]
    assert number_pieces(3000) == ["три тысячи"]
    assert number_pieces(0) == ["ноль"]


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (21, "twenty-one"),
        (40, "forty"),
        (100, "one hundred"),
        (105, "one hundred five"),
        (999, "nine hundred ninety-nine"),
        (1000, "one thousand"),
        (2019, "two thousand nineteen"),
    ],
)
def test_english_numerals(n: int, words: str) -> None:
    assert english_words(n) == words


@pytest.mark.parametrize("bad", [-1, 10_000, 1.5, True, "5"])
def test_numbers_outside_the_range_are_refused(bad: object) -> None:
    with pytest.raises(BadPhrase) as caught:
        number_words(bad)  # type: ignore[arg-type]
    assert caught.value.code == "bad_phrase"
    assert repr(bad) in str(caught.value)


def test_the_letter_tables_cover_both_alphabets() -> None:
    expected = set(CYRILLIC) | set(string.ascii_uppercase)
    assert set(LETTERS_RU) == expected
    assert set(LETTERS_EN) == expected


@pytest.mark.parametrize(
    ("letter", "said"),
    [
        ("А", "А"),
        ("Б", "бэ"),
        ("В", "вэ"),
        ("Ж", "жэ"),
        ("К", "ка"),
        ("Л", "эль"),
        ("С", "эс"),
        ("Й", "и краткое"),
        ("A", "А"),
        ("B", "бэ"),
        ("G", "гэ"),
        ("W", "дубль-вэ"),
        ("Z", "зэт"),
    ],
)
def test_letters_as_russians_read_them_on_boards(letter: str, said: str) -> None:
    assert LETTERS_RU[letter] == said


@pytest.mark.parametrize("letter", sorted(LETTERS_RU))
def test_every_prefix_letter_is_said_in_both_languages(letter: str) -> None:
    assert ticket_words(f"{letter}123") == f"{LETTERS_RU[letter]} сто двадцать три"
    english = ticket_words(f"{letter}123", Language.EN)
    assert english == f"{LETTERS_EN[letter]} one two three"


@pytest.mark.parametrize(
    ("ticket", "russian", "english"),
    [
        ("А007", "А ноль ноль семь", "eh zero zero seven"),
        ("А070", "А ноль семьдесят", "eh zero seven zero"),
        ("А100", "А сто", "eh one zero zero"),
        ("А010", "А ноль десять", "eh zero one zero"),
        ("А000", "А ноль ноль ноль", "eh zero zero zero"),
        ("АБ012", "А бэ ноль двенадцать", "eh bee zero one two"),
        ("Б1234", "бэ тысяча двести тридцать четыре", "bee one two three four"),
        ("12", "двенадцать", "one two"),
        (" в5 ", "вэ пять", "vee five"),
    ],
)
def test_ticket_numbers_say_each_leading_zero(ticket: str, russian: str, english: str) -> None:
    assert ticket_words(ticket) == russian
    assert ticket_words(ticket, Language.EN) == english


def test_the_next_ticket_keeps_the_width() -> None:
    assert str(parse_ticket("А009").following()) == "А010"
    assert parse_ticket("А9999").following() is None


def test_the_example_call_and_recall() -> None:
    call = call_phrase("А123", 5)
    assert call.text == "Талон А сто двадцать три, пройдите к окну номер пять"
    assert [p.text for p in call.pieces] == [
        "Талон",
        "А",
        "сто двадцать три",
        "пройдите к окну номер",
        "пять",
    ]
    assert call.display == "А123 → окно 5"
    recall = recall_phrase("А123", 5)
    assert recall.text == "Повторно: талон А сто двадцать три, пройдите к окну номер пять"
    assert recall.display == "А123 → окно 5, повторно"
    english = call_phrase("А123", 5, Language.EN)
    assert english.text == "Ticket eh one two three, please go to desk five"


@pytest.mark.parametrize(
    ("desk", "russian", "english", "shown"),
    [
        (5, "пройдите к окну номер пять", "please go to desk five", "окно 5"),
        ("12", "пройдите к окну номер двенадцать", "please go to desk twelve", "окно 12"),
        ("5А", "пройдите к окну номер пять А", "please go to desk five eh", "окно 5А"),
        ("5а", "пройдите к окну номер пять А", "please go to desk five eh", "окно 5А"),
        (
            "12-Б",
            "пройдите к окну номер двенадцать бэ",
            "please go to desk twelve bee",
            "окно 12-Б",
        ),
        (
            "кабинет 12",
            "пройдите в кабинет номер двенадцать",
            "please go to room twelve",
            "кабинет 12",
        ),
        (
            "Кабинет 3В",
            "пройдите в кабинет номер три вэ",
            "please go to room three vee",
            "кабинет 3В",
        ),
        ("стойка 2", "пройдите к стойке номер два", "please go to counter two", "стойка 2"),
        ("касса №1", "пройдите к кассе номер один", "please go to cash desk one", "касса 1"),
        ("окно 05", "пройдите к окну номер ноль пять", "please go to desk zero five", "окно 05"),
    ],
)
def test_desks_with_letters_and_place_words(
    desk: str | int, russian: str, english: str, shown: str
) -> None:
    assert call_phrase("А1", desk).text == f"Талон А один, {russian}"
    assert call_phrase("А1", desk, Language.EN).text == f"Ticket eh one, {english}"
    assert parse_desk(desk).shown == shown
    assert display_text("А1", desk) == f"А1 → {shown}"


@pytest.mark.parametrize(
    ("ticket", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("А-1/2", "'-' at position 2 cannot be said"),
        ("-5", "'-' at position 1"),
        ("А12345", "5 digits; at most 4"),
        ("АБВГ1", "prefix has 4 letters"),
        ("12А", "letters may only come before the digits"),
        ("АБ", "no digits"),
        ("Ω12", "'Ω' at position 1"),
        ("А١٢", "'١' at position 2"),
    ],
)
def test_unsayable_tickets_are_refused_with_the_reason(ticket: str, reason: str) -> None:
    with pytest.raises(BadPhrase, match=reason) as caught:
        call_phrase(ticket, 5)
    assert isinstance(caught.value, ValueError)
    assert caught.value.what == "ticket"
    assert f"cannot say ticket {ticket!r}" in str(caught.value)


@pytest.mark.parametrize(
    ("desk", "reason"),
    [
        ("", "empty"),
        (-1, "negative"),
        ("зал 5", "unknown kind of place 'зал'"),
        ("окно", "no number"),
        ("5А/1", "'/' cannot be said"),
        ("5 - А", "only one '-' or space"),
        ("1-2-3-4", "4 parts"),
        ("12345", "more than 4 digits"),
        ("5АБВГ", "more than 3 letters"),
    ],
)
def test_unsayable_desks_are_refused_with_the_reason(desk: str | int, reason: str) -> None:
    with pytest.raises(BadPhrase, match=reason) as caught:
        call_phrase("А1", desk)
    assert caught.value.what == "desk"


def test_pieces_say_what_the_phrase_says() -> None:
    for phrase in [
        *phrases("А123", 5, languages=list(Language)),
        *phrases("Б007", "кабинет 12А", recall=True, languages=list(Language)),
        call_phrase("В2045", "стойка 3"),
    ]:
        joined = " ".join(p.text for p in phrase.pieces)
        assert joined == phrase.text.replace(":", "").replace(",", "")


@pytest.mark.parametrize("language", list(Language))
def test_a_finite_clip_set_covers_every_call(language: Language) -> None:
    inventory = clip_inventory(language)
    assert len(inventory) < 1200
    for serial in range(10_000):
        for phrase in phrases(f"Ж{serial:03d}", serial % 40 + 1, recall=True, languages=[language]):
            assert {p.text for p in phrase.pieces} <= inventory, phrase.text


def test_cache_keys_follow_language_and_text() -> None:
    call = call_phrase("А123", 5)
    assert call.cache_key == call_phrase("А123", "окно 5").cache_key
    assert call.cache_key != call_phrase("А124", 5).cache_key
    assert call.cache_key != recall_phrase("А123", 5).cache_key
    five = call.pieces[-1]
    assert five.cache_key == call_phrase("Б001", 5).pieces[-1].cache_key
    assert five.cache_key != call_phrase("Б001", 5, Language.EN).pieces[-1].cache_key


def test_phrases_come_in_the_order_of_the_languages() -> None:
    said = phrases("А1", 1, languages=[Language.RU, Language.EN])
    assert [p.language for p in said] == [Language.RU, Language.EN]
    with pytest.raises(BadPhrase, match="no language"):
        phrases("А1", 1, languages=[])
