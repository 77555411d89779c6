"""Pairing codes: what a technician types to admit a new device, and the limits on guessing.

A code is shown on the device's screen (or printed, for a printer) and typed into
``okno provision approve CODE``. Eight characters of Crockford's base32 (no I, L, O, U)
give 32^8 ≈ 1.1e12 codes; with five wrong tries a quarter of an hour per source, guessing
one of a handful of pending codes would take millennia.
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field

from hub.errors import InvalidRequest, TooManyAttempts

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
# Crockford's base32 reads the letters people confuse with digits as those digits.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, grouped for reading aloud: "K7QM-3TXD"."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(typed: str) -> str:
    """The code as stored, from what a person typed ("k7qm 3txd", "K7QM-3TXD")."""
    cleaned = typed.upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        raise InvalidRequest(
            f"a pairing code has {CODE_LENGTH} letters and digits, like K7QM-3TXD: "
            "read it again from the device's screen"
        )
    return f"{cleaned[:4]}-{cleaned[4:]}"


@dataclass
class AttemptLimit:
    """Wrong codes allowed per source, and for the whole hub, in a sliding window.

    The hub-wide budget stops a guesser who has many addresses (an IPv6 /64 has plenty).
    """

    tries: int = 5
    hub_tries: int = 50
    window_ms: int = 15 * 60_000
    # What is being guessed and what an honest person should do, for the message.
    what: str = "pairing codes"
    advice: str = "read the code again from the device's screen"
    _failures: dict[str, deque[int]] = field(default_factory=dict)

    def check(self, source: str, now_ms: int) -> None:
        """Raise TooManyAttempts while ``source``, or the hub as a whole, is out of tries."""
        for key, limit, who in (
            (source, self.tries, f"from {source}"),
            (_EVERYONE, self.hub_tries, "on this hub"),
        ):
            recent = self._recent(key, now_ms)
            if len(recent) >= limit:
                wait_s = (recent[0] + self.window_ms - now_ms + 999) // 1000
                raise TooManyAttempts(
                    f"too many wrong {self.what} {who}: wait {wait_s} s and {self.advice}"
                )

    def failed(self, source: str, now_ms: int) -> None:
        for key in (source, _EVERYONE):
            self._failures.setdefault(key, deque()).append(now_ms)

    def forgive(self, source: str, now_ms: int) -> None:
        """Take back one failure of ``source`` counted by :meth:`failed` (it was right).

        Lets a slow check count an attempt as wrong before it is decided, so attempts made
        at the same time cannot all slip under the limit.
        """
        for key in (source, _EVERYONE):
            failures = self._failures.get(key)
            if failures:
                failures.pop()
            self._recent(key, now_ms)

    def _recent(self, key: str, now_ms: int) -> deque[int]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now_ms - self.window_ms:
            failures.popleft()
        if not failures:
            # Forget quiet sources, so that memory does not grow with every address seen.
            self._failures.pop(key, None)
        return failures


_EVERYONE = "*"
