"""PIN entry: on the reader's own PIN pad when it has one, else on the kiosk's on-screen keypad.

The PIN is never stored, logged or sent anywhere but to the card. On a PIN pad reader
(PC/SC part 10 FEATURE_VERIFY_PIN_DIRECT) it never even reaches this computer. From an
on-screen keypad it arrives as a ``bytearray`` of ASCII digits that is wiped, with the
PIN block and the APDU built from it, as soon as the card has answered. What cannot be
wiped from here: copies pyscard makes on the way to pcscd (a list of ints) and the
keypad's own widgets; the keypad must hand over its buffer and keep none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from card_reader import codec
from card_reader.channel import CardChannel
from card_reader.codec import Response
from card_reader.errors import PinCancelled, PinTimeout
from card_reader.part10 import FEATURE_VERIFY_PIN_DIRECT, PinPadRequest, verify_pin_structure

log = logging.getLogger(__name__)

# PC/SC part 10 section 2.6.9: what a PIN pad reader answers instead of the card's SW.
SW_PINPAD_TIMEOUT = 0x6400
SW_PINPAD_CANCELLED = 0x6401


@dataclass(frozen=True, slots=True)
class PinPrompt:
    """What the screen says when asking: which card, tries left (None: unknown), which attempt."""

    profile: str
    tries_left: int | None
    attempt: int = 1
    last_wrong: bool = False
    on_reader: bool = False


class Keypad(Protocol):
    """The on-screen keypad, asked from the reader's thread; blocks until the visitor is done."""

    def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        """ASCII digits (the keypad keeps no copy), or None if the visitor cancelled."""
        ...


class PinEntry(Protocol):
    where: str

    def verify(self, channel: CardChannel, reference: int, prompt: PinPrompt) -> Response:
        """Have the card VERIFY a PIN for ``reference``; its answer, status word unchecked."""
        ...


Announce = Callable[[PinPrompt], None]


def _silent(prompt: PinPrompt) -> None:
    del prompt


class KeypadEntry:
    """The PIN typed on screen, made into a format 2 block and sent in a VERIFY."""

    where = "keypad"

    def __init__(self, keypad: Keypad, announce: Announce = _silent) -> None:
        self._keypad = keypad
        self._announce = announce

    def verify(self, channel: CardChannel, reference: int, prompt: PinPrompt) -> Response:
        self._announce(prompt)
        pin = self._keypad.ask_pin(prompt)
        if pin is None:
            raise PinCancelled("PIN entry was cancelled")
        block = bytearray()
        apdu = bytearray()
        try:
            block = codec.pin_block(pin)
            apdu = codec.verify_buffer(reference, block)
            return channel.send_secret(apdu)
        finally:
            codec.wipe(pin, block, apdu)


class PinPadEntry:
    """The reader's PIN pad: the host sends a template, the reader inserts the PIN itself."""

    where = "pin_pad"

    def __init__(
        self, control_code: int, announce: Announce = _silent, *, timeout_s: int = 30
    ) -> None:
        self._code = control_code
        self._announce = announce
        self._timeout_s = timeout_s

    def verify(self, channel: CardChannel, reference: int, prompt: PinPrompt) -> Response:
        self._announce(replace(prompt, on_reader=True))
        request = PinPadRequest(reference, timeout_s=self._timeout_s)
        response = Response.parse(channel.control(self._code, verify_pin_structure(request)))
        if response.sw == SW_PINPAD_TIMEOUT:
            raise PinTimeout("nobody entered the PIN on the reader's keypad in time")
        if response.sw == SW_PINPAD_CANCELLED:
            raise PinCancelled("PIN entry was cancelled on the reader's keypad")
        return response


class NoKeypad:
    """Where no screen can ask for a PIN: every request is refused, the card is never asked."""

    def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        del prompt
        return None


def choose_entry(channel: CardChannel, keypad: Keypad, announce: Announce = _silent) -> PinEntry:
    """The reader's PIN pad if it lists FEATURE_VERIFY_PIN_DIRECT, else the on-screen keypad."""
    features = channel.features()
    if FEATURE_VERIFY_PIN_DIRECT in features:
        log.info("PIN on the reader's PIN pad")
        return PinPadEntry(features[FEATURE_VERIFY_PIN_DIRECT], announce)
    return KeypadEntry(keypad, announce)
