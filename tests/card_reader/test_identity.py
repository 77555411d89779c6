"""What leaves the reader: SNILS check digits, masks, the keyed hash, the visitor's few fields."""

from __future__ import annotations

from datetime import date

from card_reader.identity import (
    BankCardHolder,
    CardRead,
    Identity,
    Sex,
    mask_pan,
    visitor_from,
)
from okno.snils import snils_hash

HOLDER = Identity(
    "Иванова", "Мария", "Петровна", date(1985, 3, 14), Sex.FEMALE, "11223344595", "7755443322110099"
)
KEY = bytes(range(32))


def test_bank_card_numbers_show_first_six_and_last_four() -> None:
    assert mask_pan("4761739001010010") == "476173******0010"
    assert mask_pan("12345") == "*****"


def test_an_identity_repr_shows_initials_and_masks() -> None:
    shown = repr(HOLDER)
    assert (
        shown == "Identity('Иванова М. П.', snils='***-***-*45 95', oms_policy='****************')"
    )
    assert HOLDER.full_name == "Иванова Мария Петровна"


def test_the_visitor_keeps_a_name_and_a_hash_only() -> None:
    visitor = visitor_from(CardRead("uec", HOLDER, True), KEY)
    assert visitor.name == "Иванова Мария Петровна"
    assert visitor.snils_hash == snils_hash(KEY, HOLDER.snils)
    assert visitor.pin_verified
    assert "1985" not in repr(visitor) and "7755" not in repr(visitor)
    assert visitor_from(CardRead("uec", HOLDER, True), None).snils_hash == ""
    bank = visitor_from(
        CardRead("emv", BankCardHolder("MARIA IVANOVA", "476173******0010"), False), KEY
    )
    assert (bank.name, bank.snils_hash) == ("MARIA IVANOVA", "")
