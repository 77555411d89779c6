"""The UEC (УЭК) identification application: select it, check the PIN, read who holds the card.

What is public, and what is assumed (docs/card_reader.md has the sources):

* AID ``A0 00 00 04 32 90 00 01``: the identification application ("ИД-приложение"); a
  public UEC terminal library answers its SELECT with an FCI carrying exactly this AID
  in tag 84.
* ``DF27`` SNILS: 6 bytes of packed BCD (11 digits, a leading zero); the same library
  takes it from bytes 10..16 of the certificate's ``5F20`` (PAN 10 bytes, then SNILS).
* ``5F2B`` date of birth and ``5F35`` sex: the interindustry tags of ISO/IEC 7816-6 and
  ICAO Doc 9303 (dates as ``YYYYMMDD``; sex as ``M``/``F`` or ISO 5218 ``1``/``2``); both
  spellings are read.
* ``DF2D`` surname, ``DF2E`` first name, ``DF2F`` patronymic, ``DF2B`` OMS policy number
  (16 digits, packed BCD): assumed. No public source we found ties these tags to these
  fields, and their coding is assumed too (names in ISO 8859-5, the Cyrillic code page
  the library converts card text from).
* The layout is assumed: the data objects sit in one ``70`` template in a transparent EF
  read by short file identifier 1, and the holder's PIN has reference 01. A real card's
  FCI lists its data blocks instead (``E0`` with ``E1`` entries: block ``DF20``, file id
  ``51``), read block by block; the UEC specification was never published in full.

Real UEC cards also want secure messaging (GOST 28147 or 3DES session keys derived from
the issuer's master keys) before they show these data. The keys are not public, so it
sits behind :class:`SecureMessaging`: :class:`NoSecureMessaging` talks in plain (what the
simulated card does), and a real card then refuses the read with 6982, which becomes
:class:`~card_reader.errors.SecureMessagingRequired` saying exactly that.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Protocol

from card_reader import codec, tlv
from card_reader.channel import PLAIN, CardChannel, SecureChannel
from card_reader.errors import (
    MalformedData,
    PinBlocked,
    SecureMessagingRequired,
    SecurityNotSatisfied,
    WrongPin,
)
from card_reader.identity import Identity, Sex
from card_reader.pin import PinPrompt
from card_reader.profiles.base import PinEntryFactory, select_application

log = logging.getLogger(__name__)

UEC_ID_AID = bytes.fromhex("A0000004329000 01".replace(" ", ""))
IDENTITY_SFI = 1
PIN_REFERENCE = 0x01
TEMPLATE = 0x70
TAG_SURNAME = 0xDF2D
TAG_NAME = 0xDF2E
TAG_PATRONYMIC = 0xDF2F
TAG_BIRTH_DATE = 0x5F2B
TAG_SEX = 0x5F35
TAG_SNILS = 0xDF27
TAG_OMS_POLICY = 0xDF2B
TEXT_ENCODING = "iso8859_5"
READ_CHUNK = 256


class SecureMessaging(Protocol):
    """Opens secure messaging with a card after SELECT; needs the issuer's keys for a real UEC."""

    def open(self, channel: CardChannel, fci: bytes) -> SecureChannel: ...


class NoSecureMessaging:
    """Plain commands: the simulated card; a real UEC refuses its data (see the module's notes)."""

    def open(self, channel: CardChannel, fci: bytes) -> SecureChannel:
        del channel, fci
        return PLAIN


# -- data objects <-> identity (pure) ----------------------------------------------------


def _text(value: bytes) -> str:
    return value.decode(TEXT_ENCODING).strip()


def _birth_date(value: bytes) -> date:
    # Eight bytes are ASCII digits; four are packed BCD. Anything else is no date.
    digits = value.decode("latin-1") if len(value) == 8 else codec.bcd_digits(value)
    if len(digits) != 8 or not (digits.isascii() and digits.isdigit()):
        raise MalformedData("a date of birth is YYYYMMDD")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as error:
        raise MalformedData("the date of birth is not a date") from error


_SEXES = {b"M": Sex.MALE, b"1": Sex.MALE, b"\x01": Sex.MALE}
_SEXES |= {b"F": Sex.FEMALE, b"2": Sex.FEMALE, b"\x02": Sex.FEMALE}


def parse_identity(data: bytes) -> Identity:
    """The holder from the identity template (or its bare data objects)."""
    objects = tlv.parse(data)
    if len(objects) == 1 and objects[0].tag == TEMPLATE:
        objects = objects[0].children
    found = {obj.tag: obj.value for obj in objects}
    if TAG_SURNAME not in found or TAG_NAME not in found:
        raise MalformedData("the identity holds no surname or name (DF2D, DF2E)")
    snils = codec.bcd_digits(found[TAG_SNILS])[-11:] if TAG_SNILS in found else ""
    return Identity(
        surname=_text(found[TAG_SURNAME]),
        name=_text(found[TAG_NAME]),
        patronymic=_text(found.get(TAG_PATRONYMIC, b"")),
        birth_date=_birth_date(found[TAG_BIRTH_DATE]) if TAG_BIRTH_DATE in found else None,
        sex=_SEXES.get(found[TAG_SEX].upper()) if TAG_SEX in found else None,
        snils=snils,
        oms_policy=codec.bcd_digits(found.get(TAG_OMS_POLICY, b"")),
    )


def encode_identity(identity: Identity) -> bytes:
    """The ``70`` template a card (the simulator) holds for ``identity``."""
    parts = [
        tlv.encode(TAG_SURNAME, identity.surname.encode(TEXT_ENCODING)),
        tlv.encode(TAG_NAME, identity.name.encode(TEXT_ENCODING)),
    ]
    if identity.patronymic:
        parts.append(tlv.encode(TAG_PATRONYMIC, identity.patronymic.encode(TEXT_ENCODING)))
    if identity.birth_date is not None:
        parts.append(
            tlv.encode(TAG_BIRTH_DATE, codec.digits_bcd(identity.birth_date.strftime("%Y%m%d")))
        )
    if identity.sex is not None:
        parts.append(tlv.encode(TAG_SEX, b"M" if identity.sex is Sex.MALE else b"F"))
    if identity.snils:
        parts.append(tlv.encode(TAG_SNILS, codec.digits_bcd(identity.snils, 6)))
    if identity.oms_policy:
        parts.append(tlv.encode(TAG_OMS_POLICY, codec.digits_bcd(identity.oms_policy, 8)))
    return tlv.encode(TEMPLATE, b"".join(parts))


# -- the profile ----------------------------------------------------------------------------


class UecProfile:
    name = "uec"

    def __init__(
        self,
        secure_messaging: SecureMessaging | None = None,
        *,
        require_pin: bool = True,
        max_pin_attempts: int = 3,
    ) -> None:
        """``max_pin_attempts``: wrong PINs accepted per insertion before giving up."""
        self._secure = secure_messaging or NoSecureMessaging()
        self._require_pin = require_pin
        self._max_attempts = max_pin_attempts

    def select(self, channel: CardChannel) -> bytes | None:
        return select_application(channel, UEC_ID_AID)

    def read(
        self, channel: CardChannel, fci: bytes, pin_entry: PinEntryFactory
    ) -> tuple[Identity, bool]:
        channel.secure = self._secure.open(channel, fci)
        verified = self._verify(channel, pin_entry) if self._require_pin else False
        return parse_identity(self._read_identity(channel)), verified

    def tries_left(self, channel: CardChannel) -> int | None:
        """Tries before the PIN blocks (None: the card does not say); PinBlocked if none.

        -1 means the card needs no PIN now (VERIFY without data answered 9000).
        """
        response = channel.exchange(codec.verify_status(PIN_REFERENCE))
        if response.sw == 0x9000:
            return -1
        if (response.sw1 == 0x63 and response.sw2 & 0xF0 == 0xC0) or response.sw == 0x6983:
            error = codec.error_for(response.sw)
            if isinstance(error, PinBlocked):
                raise error
            return response.sw2 & 0x0F
        return None

    def _verify(self, channel: CardChannel, pin_entry: PinEntryFactory) -> bool:
        tries = self.tries_left(channel)
        if tries == -1:
            return False
        entry = pin_entry()
        attempt, last_wrong = 1, False
        while True:
            prompt = PinPrompt(self.name, tries, attempt, last_wrong)
            response = entry.verify(channel, PIN_REFERENCE, prompt)
            try:
                codec.check_verify(response)
            except WrongPin as wrong:
                log.info("wrong PIN profile=uec tries_left=%s", wrong.tries_left)
                if attempt >= self._max_attempts:
                    raise
                tries, attempt, last_wrong = wrong.tries_left, attempt + 1, True
                continue
            log.info("PIN verified profile=uec entry=%s", entry.where)
            return True

    def _read_identity(self, channel: CardChannel) -> bytes:
        try:
            data = bytearray(channel.send(codec.read_binary(0, READ_CHUNK, sfi=IDENTITY_SFI)).data)
        except SecurityNotSatisfied as refused:
            if channel.secure is PLAIN:
                raise SecureMessagingRequired(
                    "the card shows its holder only over secure messaging, which needs the "
                    "issuer's keys (see docs/card_reader.md)",
                    refused.sw,
                ) from refused
            raise
        total = tlv.total_length(bytes(data))
        while total is not None and len(data) < total:
            size = min(READ_CHUNK, total - len(data))
            chunk = channel.send(codec.read_binary(len(data), size)).data
            if not chunk:
                break
            data += chunk
        if total is None or len(data) < total:
            raise MalformedData("the identity file ends before its data does")
        return bytes(data[:total])
