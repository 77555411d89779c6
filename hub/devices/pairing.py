"""Pairing codes: what a technician types to admit a new device, and the limits on guessing.

A code is shown on the device's screen (or printed, for a printer) and typed into
``okno provision approve CODE``. Eight characters of Crockford's base32 (no I, L, O, U)
give 32^8 ≈ 1.1e12 codes; with five wrong tries a quarter of an hour per source, guessing
one of a handful of pending codes would take millennia.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from hub.attempts import WINDOW_MS, Window, whole_seconds
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
    """Wrong guesses allowed per source, and for the whole hub, in a sliding window.

    The hub-wide budget stops a guesser who has many addresses (an IPv6 /64 has plenty).
    """

    tries: int = 5
    hub_tries: int = 50
    window_ms: int = WINDOW_MS
    # What is being guessed and what an honest person should do, for the message.
    what: str = "pairing codes"
    advice: str = "read the code again from the device's screen"
    _sources: Window = field(init=False)
    _hub: Window = field(init=False)

    def __post_init__(self) -> None:
        self._sources = Window(self.tries, self.window_ms)
        self._hub = Window(self.hub_tries, self.window_ms)

    def check(self, source: str, now_ms: int) -> None:
        """Raise TooManyAttempts while ``source``, or the hub as a whole, is out of tries."""
        for window, key, who in (
            (self._sources, source, f"from {source}"),
            (self._hub, _EVERYONE, "on this hub"),
        ):
            wait = window.wait_ms(key, now_ms)
            if wait:
                raise TooManyAttempts(
                    f"too many wrong {self.what} {who}: wait {whole_seconds(wait)} s and "
                    f"{self.advice}"
                )

    def failed(self, source: str, now_ms: int) -> None:
        self._sources.failed(source, now_ms)
        self._hub.failed(_EVERYONE, now_ms)


# The hub's window has a single key: every source's failures together.
_EVERYONE = "*"
