"""What a card tells about its holder, and the least of it that leaves the reader.

A :class:`Identity` (UEC) or :class:`BankCardHolder` (EMV) lives in the reader's memory
for one card; their ``repr`` shows no SNILS, policy or card number, so a stray log line
leaks nothing. :class:`Visitor` is what leaves: a name for the operator's screen and the
SNILS only as a keyed hash (HMAC-SHA256 with the branch's key) for matching appointments.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from enum import Enum

from card_reader.errors import MalformedData

SNILS_DIGITS = 11
# Domain separation: the same key may one day hash other identifiers.
SNILS_HASH_CONTEXT = b"okno/snils/v1:"


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"


def snils_check_digits(first_nine: str) -> str:
    """The two check digits of a SNILS (Pension Fund rule): weights 9..1, sum mod 101, 100 -> 00."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise MalformedData("the SNILS number part is 9 digits")
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
    if len(key) < 16:
        raise MalformedData("the SNILS hash key is at least 16 bytes")
    digits = "".join(c for c in snils if c.isdigit())
    return hmac.new(key, SNILS_HASH_CONTEXT + digits.encode(), hashlib.sha256).hexdigest()


def mask_pan(pan: str) -> str:
    """``476173******0010``: first six and last four digits, as PCI DSS allows to be shown."""
    if len(pan) < 12 or not pan.isdigit():
        return "*" * len(pan)
    return pan[:6] + "*" * (len(pan) - 10) + pan[-4:]


@dataclass(frozen=True, slots=True, repr=False)
class Identity:
    """The identification application's data about the card holder (UEC)."""

    surname: str
    name: str
    patronymic: str = ""
    birth_date: date | None = None
    sex: Sex | None = None
    snils: str = ""
    oms_policy: str = ""

    @property
    def full_name(self) -> str:
        """``Иванов Иван Иванович``: what the operator's screen shows."""
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """``Иванов И. И.``."""
        initials = " ".join(f"{p[0]}." for p in (self.name, self.patronymic) if p)
        return f"{self.surname} {initials}".strip()

    def __repr__(self) -> str:
        return (
            f"Identity({self.short_name!r}, snils={mask_snils(self.snils)!r}, "
            f"oms_policy={'*' * len(self.oms_policy)!r})"
        )


@dataclass(frozen=True, slots=True)
class BankCardHolder:
    """An EMV card's holder name and masked number: the card number itself is never kept."""

    name: str
    masked_pan: str


@dataclass(frozen=True, slots=True)
class CardRead:
    """One card's outcome: which profile read it, whose it is, and whether the PIN was checked."""

    profile: str
    holder: Identity | BankCardHolder
    pin_verified: bool
    apdus: int = 0
    seconds: float = 0.0
    # Of ``seconds``, the time spent in APDU round trips through pcscd.
    apdu_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Visitor:
    """What leaves the reader: a name for the operator, a SNILS hash for appointments."""

    profile: str
    name: str
    snils_hash: str = ""
    pin_verified: bool = False


def visitor_from(read: CardRead, hash_key: bytes | None) -> Visitor:
    """The least the service needs from ``read``; no SNILS hash without the branch key."""
    holder = read.holder
    if isinstance(holder, Identity):
        hashed = snils_hash(hash_key, holder.snils) if hash_key and holder.snils else ""
        return Visitor(read.profile, holder.full_name, hashed, read.pin_verified)
    return Visitor(read.profile, holder.name, "", read.pin_verified)
