"""The SNILS as card readers and the hub both take it: check digits, mask, keyed hash."""

from __future__ import annotations

import pytest

from okno.snils import BadSnilsInput, mask_snils, snils_check_digits, snils_hash, valid_snils

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
    with pytest.raises(BadSnilsInput):
        snils_check_digits("12345")


def test_masks_show_the_last_digits_only() -> None:
    assert mask_snils("11223344595") == "***-***-*45 95"
    assert mask_snils("bad") == "***-***-*** **"


def test_the_snils_hash_is_keyed_and_stable() -> None:
    one = snils_hash(KEY, "112-233-445 95")
    assert one == snils_hash(KEY, "11223344595")
    assert one != snils_hash(bytes(32), "11223344595")
    assert "11223344595" not in one and len(one) == 64
    with pytest.raises(BadSnilsInput):
        snils_hash(b"short", "11223344595")
