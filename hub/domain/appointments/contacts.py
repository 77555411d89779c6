"""A visitor's contact for notifications: checked, written one way, shown partly hidden.

Error messages never repeat what was typed: they reach the hub's log, which carries no
personal data.
"""

from __future__ import annotations

import re
import unicodedata

from hub.errors import BadEmail, BadPhone, BadSnils, InvalidRequest
from okno.snils import snils_hash as keyed_snils_hash
from okno.snils import valid_snils

MAX_EMAIL = 254
MAX_NAME = 64
_PHONE_NOISE = str.maketrans("", "", " -().\u00a0")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_HEX = frozenset("0123456789abcdef")
SNILS_HASH_LENGTH = 64


def phone(typed: str) -> str:
    """ "+7 (916) 123-45-67", "8 916 123 45 67", "9161234567" -> "+79161234567"; "" stays ""."""
    text = typed.strip().translate(_PHONE_NOISE)
    if not text:
        return ""
    digits = text.removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise _bad_phone()
    if text.startswith("+"):
        if not 10 <= len(digits) <= 15:
            raise _bad_phone()
        return f"+{digits}"
    # Russian habits: 8 or 7 before the ten digits, or the ten digits alone.
    if len(digits) == 11 and digits[0] in "78":
        return f"+7{digits[1:]}"
    if len(digits) == 10 and digits[0] == "9":
        return f"+7{digits}"
    raise _bad_phone()


def email(typed: str) -> str:
    """An e-mail address with its domain in lower case; "" stays ""."""
    text = typed.strip()
    if not text:
        return ""
    if len(text) > MAX_EMAIL or not _EMAIL.match(text):
        raise BadEmail(
            "the e-mail address is not one a message can reach: give it as name@example.ru"
        )
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def name(typed: str) -> str:
    """A name as the call centre wrote it, with spaces tidied; "" stays ""."""
    text = " ".join(typed.split())
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise InvalidRequest("the name has control characters: type it again")
    if len(text) > MAX_NAME:
        raise InvalidRequest(f"the name is longer than {MAX_NAME} characters: shorten it")
    return text


def snils_hash(value: str) -> str:
    """The SNILS as a card reader sends it: hex HMAC-SHA256 under the branch key, or "".

    Never the SNILS itself, which the hub does not keep; see :func:`hash_snils`.
    """
    text = value.strip().lower()
    if text and (len(text) != SNILS_HASH_LENGTH or not set(text) <= _HEX):
        raise InvalidRequest(
            "snils_hash must be the hex HMAC-SHA256 of the SNILS (64 characters), never "
            "the SNILS itself"
        )
    return text


def hash_snils(key: bytes, typed: str) -> str:
    """A SNILS typed on a web form or told to the call centre, as its keyed hash; "" stays "".

    Kept only hashed, the same way the card reader hashes the card's SNILS, so that the
    visitor can check in by card and the hub holds nothing a leak could use.
    """
    if not typed.strip():
        return ""
    if not valid_snils(typed):
        raise BadSnils(
            "the SNILS is not valid: type its 11 digits as on the green card, XXX-XXX-XXX YY"
        )
    return keyed_snils_hash(key, typed)


def phone_hint(value: str) -> str:
    """Enough of a phone number to recognise it: "+7********67"."""
    if len(value) < 6:
        return ""
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def email_hint(value: str) -> str:
    """Enough of an e-mail address to recognise it: "i***@mail.ru"."""
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else ""


def _bad_phone() -> BadPhone:
    return BadPhone("the phone number is not one an SMS can reach: give it as +7 916 123-45-67")
