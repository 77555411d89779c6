"""What leaves the reader: SNILS check digits, masks, the keyed hash, the visitor's few fields."""

from __future__ import annotations

from datetime import date

import pytest

from card_reader.errors import MalformedData
from card_reader.identity import (
    BankCardHolder,
    CardRead,
    Identity,
    Sex,
    mask_pan,
    mask_snils,
    snils_check_digits,
    snils_hash,
    valid_snils,
    visitor_from,
)

HOLDER = Identity(
    "Иванова", "Мария", "Петровна", date(1985, 3, 14), Sex.FEMALE, "11223344595", "7755443322110099"
)
KEY = bytes(range(32))


@pytest.mark.parametrize(
    ("snils", "valid"),
    [
        ("112-233-445 95", True),
        ("11223344595", True),
        ("11223344596", False),
        ("1122334459", False),
        # Sums of 100 and 101 give check digits 00.
        ("920-000-003 00", True),
        ("920-000-004 00", True),
    ],
)
def test_snils_check_digits(snils: str, valid: bool) -> None:
    assert valid_snils(snils) is valid


def test_check_digits_of_sums_at_and_over_100() -> None:
    assert snils_check_digits("112233445") == "95"
    with pytest.raises(MalformedData):
        snils_check_digits("12345")


def test_masks_show_the_last_digits_only() -> None:
    assert mask_snils("11223344595") == "***-***-*45 95"
    assert mask_snils("bad") == "***-***-*** **"
    assert mask_pan("4761739001010010") == "476173******0010"
    assert mask_pan("12345") == "*****"


def test_the_snils_hash_is_keyed_and_stable() -> None:
    one = snils_hash(KEY, "112-233-445 95")
    assert one == snils_hash(KEY, "11223344595")
    assert one != snils_hash(bytes(32), "11223344595")
    assert "11223344595" not in one and len(one) == 64
    with pytest.raises(MalformedData):
        snils_hash(b"short", "11223344595")


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
