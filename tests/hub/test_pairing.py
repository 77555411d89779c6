"""Pairing codes a technician can read and type, and that nobody can guess."""

from __future__ import annotations

import pytest

from hub.devices.pairing import ALPHABET, AttemptLimit, new_code, normalise
from hub.errors import InvalidRequest, TooManyAttempts


def test_codes_are_grouped_and_use_only_unambiguous_characters() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert code[4] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
        assert not set(code) & set("ILOU")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7QM-3TXD", "K7QM-3TXD"),
        ("k7qm 3txd", "K7QM-3TXD"),
        ("K7QM3TXD", "K7QM-3TXD"),
        ("O1LI-2345", "0111-2345"),
    ],
)
def test_what_people_type_is_read_kindly(typed: str, stored: str) -> None:
    assert normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", "K7QM-3TX", "K7QM-3TXDD", "K7QM-3TX!", "ЖЖЖЖ-ЖЖЖЖ"])
def test_malformed_codes_say_what_a_code_looks_like(typed: str) -> None:
    with pytest.raises(InvalidRequest, match="like K7QM-3TXD"):
        normalise(typed)


def test_wrong_codes_are_rate_limited_per_source_and_the_limit_passes() -> None:
    limit = AttemptLimit(tries=3, window_ms=60_000)
    for at in (0, 1_000, 2_000):
        limit.check("10.0.0.7", at)
        limit.failed("10.0.0.7", at)
    with pytest.raises(TooManyAttempts, match="wait 58 s"):
        limit.check("10.0.0.7", 2_500)
    limit.check("10.0.0.8", 2_500)
    limit.check("10.0.0.7", 60_001)


def test_many_addresses_share_one_budget_for_the_hub() -> None:
    limit = AttemptLimit(tries=5, hub_tries=10, window_ms=60_000)
    for n in range(10):
        limit.check(f"2001:db8::{n}", 1_000)
        limit.failed(f"2001:db8::{n}", 1_000)
    with pytest.raises(TooManyAttempts, match="on this hub"):
        limit.check("2001:db8::ff", 1_000)
    limit.check("2001:db8::ff", 61_001)
