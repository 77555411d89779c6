"""A booking limit in words: the Russian genitive after "не более", one service or several."""

from __future__ import annotations

import pytest

from okno.booking_limit import held_words, limit_words, sentence


@pytest.mark.parametrize(
    ("most", "words"),
    [
        (1, "не более 1 записи"),
        (2, "не более 2 записей"),
        (5, "не более 5 записей"),
        (11, "не более 11 записей"),
        (21, "не более 21 записи"),
    ],
)
def test_the_count_agrees_with_its_noun(most: int, words: str) -> None:
    assert limit_words(most, "day", ["СНИЛС"], "ru") == f"{words} на услугу «СНИЛС» в день"


def test_the_call_centre_gets_the_code_and_a_visitor_where_to_find_it() -> None:
    limit = limit_words(1, "week", ["Паспорт РФ", "Загранпаспорт"], "ru")
    assert sentence(limit, held_words("9 декабря, 10:20", "", "4KX92P", "ru")) == (
        "Не более 1 записи на услуги «Паспорт РФ», «Загранпаспорт» в неделю: у вас уже есть "
        "запись на 9 декабря, 10:20, код 4KX-92P; отмените или перенесите её."
    )
    assert held_words("9 December, 10:20", "Passport", "", "en") == (
        "you already have a booking on 9 December, 10:20 («Passport»); cancel or move it "
        "(its code is in the message and on the slip)"
    )
