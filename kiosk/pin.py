"""The technician's PIN: kept on the hub as a salted hash, checked on the kiosk, guarded.

The kiosk never stores, logs or sends the PIN itself; the hub keeps only
``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (the ``technician_pin`` setting), made with
``python -m kiosk.pin``. A PIN of 4–12 digits is weak against a stolen hash whatever the
hash (10^6 tries for six digits), so the hash guards against reading it over a shoulder
in ``okno provision show``; the real guard is :class:`PinGuard`: five wrong PINs lock
sign-in for five minutes.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass

SCHEME = "pbkdf2_sha256"
ITERATIONS = 100_000
MIN_DIGITS, MAX_DIGITS = 4, 12
ATTEMPTS = 5
LOCK_S = 300.0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def check_pin(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise ValueError(f"a technician PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The setting's value for ``pin``: scheme, iterations, salt and hash, "$"-separated."""
    check_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


@dataclass(frozen=True, slots=True)
class PinHash:
    iterations: int
    salt: bytes
    digest: bytes

    @classmethod
    def parse(cls, encoded: str) -> PinHash:
        """ValueError (for the technician to see) unless ``encoded`` came from hash_pin."""
        parts = encoded.strip().split("$")
        try:
            if len(parts) != 4 or parts[0] != SCHEME:
                raise ValueError("wrong form")
            iterations = int(parts[1])
            salt, digest = _unb64(parts[2]), _unb64(parts[3])
        except ValueError:
            raise ValueError(
                "technician_pin is not a PIN hash: make one with `python -m kiosk.pin`"
            ) from None
        if not 1_000 <= iterations <= 10_000_000 or len(digest) != 32 or len(salt) < 8:
            raise ValueError("technician_pin has a wrong iteration count, salt or hash length")
        return cls(iterations, salt, digest)

    def matches(self, pin: str) -> bool:
        tried = hashlib.pbkdf2_hmac("sha256", pin.encode(), self.salt, self.iterations)
        return hmac.compare_digest(tried, self.digest)


class PinGuard:
    """Checks PINs against the hash; ``ATTEMPTS`` wrong ones lock it for ``LOCK_S``."""

    def __init__(self, clock: Callable[[], float], *, attempts: int = ATTEMPTS) -> None:
        self._clock = clock
        self._attempts = attempts
        self._wrong = 0
        self._locked_until = 0.0

    @property
    def left(self) -> int:
        return max(0, self._attempts - self._wrong)

    def locked_for(self) -> float:
        """Seconds until PINs are taken again; 0 when they are."""
        return max(0.0, self._locked_until - self._clock())

    def check(self, pin: str, encoded: str) -> bool:
        """True for the right PIN; no hash set, or locked, is always False."""
        if not encoded or self.locked_for() > 0:
            return False
        if PinHash.parse(encoded).matches(pin):
            self._wrong = 0
            return True
        self._wrong += 1
        if self._wrong >= self._attempts:
            self._wrong = 0
            self._locked_until = self._clock() + LOCK_S
        return False


def main() -> int:
    """Ask for a PIN twice (not echoed) and print its hash for ``technician_pin``."""
    pin = getpass.getpass("Technician PIN (4-12 digits): ")
    if getpass.getpass("Again: ") != pin:
        print("the two PINs differ", file=sys.stderr)
        return 2
    try:
        encoded = hash_pin(pin)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(encoded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
