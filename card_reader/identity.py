"""What a card tells about its holder, and the least of it that leaves the reader.

A :class:`Identity` (UEC) or :class:`BankCardHolder` (EMV) lives in the reader's memory
for one card; their ``repr`` shows no SNILS, policy or card number, so a stray log line
leaks nothing. :class:`Visitor` is what leaves: a name for the operator's screen and the
SNILS only as a keyed hash (HMAC-SHA256 with the branch's key) for matching appointments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from okno.snils import mask_snils, snils_hash


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"


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
