"""The SNILS (the visitor's pension insurance number): its check digits, mask and keyed hash.

The card reader hashes the SNILS it reads from a card, and the hub hashes one typed for a
booking, under the same branch key and the same way, so that the two match while neither
keeps the number itself.
"""

from __future__ import annotations

import hashlib
import hmac

from okno.errors import OknoError

SNILS_DIGITS = 11
# Domain separation: the same key may one day hash other identifiers.
SNILS_HASH_CONTEXT = b"okno/snils/v1:"
HASH_KEY_MIN_BYTES = 16


class BadSnilsInput(OknoError, ValueError):
    """A SNILS part or a hash key that cannot be what the rule asks for."""

    code = "bad_snils_input"


def snils_check_digits(first_nine: str) -> str:
    """The two check digits of a SNILS (Pension Fund rule): weights 9..1, sum mod 101, 100 -> 00."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise BadSnilsInput("the SNILS number part is 9 digits")
    total = sum(int(d) * w for d, w in zip(first_nine, range(9, 0, -1), strict=True))
    total %= 101
    return f"{0 if total == 100 else total:02d}"


def valid_snils(snils: str) -> bool:
    """Whether 11 digits are a SNILS with right check digits (the rule holds above 001-001-998)."""
    digits = "".join(c for c in snils if c.isdigit())
    if len(digits) != SNILS_DIGITS:
        return False
    return snils_check_digits(digits[:9]) == digits[9:]


def mask_snils(snils: str) -> str:
    """``***-***-*45 95``: the last four digits only, as on a receipt."""
    digits = "".join(c for c in snils if c.isdigit())
    if len(digits) != SNILS_DIGITS:
        return "***-***-*** **"
    return f"***-***-*{digits[7:9]} {digits[9:]}"


def snils_hash(key: bytes, snils: str) -> str:
    """HMAC-SHA256 of the SNILS digits under the branch key, hex: matches without revealing it."""
    if len(key) < HASH_KEY_MIN_BYTES:
        raise BadSnilsInput(f"the SNILS hash key is at least {HASH_KEY_MIN_BYTES} bytes")
    digits = "".join(c for c in snils if c.isdigit())
    return hmac.new(key, SNILS_HASH_CONTEXT + digits.encode(), hashlib.sha256).hexdigest()
