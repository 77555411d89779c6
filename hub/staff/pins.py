"""Staff PINs: the rules a new PIN must meet, and the salted scrypt hash the hub keeps.

Pure functions, no I/O. The stored form names its parameters, ``scrypt$n$r$p$salt$hash``
(hex), so they can be raised later without invalidating PINs already set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Six digits: at five wrong PINs per account in 15 minutes (hub/staff/limits.py), a
# guesser needs about 3 years on average for one account; four digits took ten days.
MIN_DIGITS = 6
MAX_DIGITS = 12
# 2^15 x 8 x 1: about 70 ms and 32 MiB per check on the hub's CPU (measured, 2 cores),
# which makes trying every 6-digit PIN against a stolen database cost about a CPU-day.
N, R, P = 2**15, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
_MAXMEM = 64 * 1024 * 1024

__all__ = ["MAX_DIGITS", "MIN_DIGITS", "check_pin", "hash_pin", "verify_pin"]


def check_pin(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN, or None when it can: 6 to 12 digits 0-9."""
    if not pin.isascii() or not pin.isdigit():
        return "a PIN is made of the digits 0-9 only"
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return f"a PIN has {MIN_DIGITS} to {MAX_DIGITS} digits, not {len(pin)}"
    if len(set(pin)) == 1:
        return "a PIN of one repeated digit is too easy to guess: choose another"
    return None


def hash_pin(pin: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """The stored form of a PIN, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` is the PIN ``stored`` was made from (in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        actual = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=HASH_BYTES)
