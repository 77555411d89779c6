"""Checking in a booking by its code: typed on the kiosk's keypad or read by a code scanner.

The answer is a ticket like any other (the flow shows it); a code the hub does not know,
or mistyped, stays on the keypad with the reason, to be corrected there.
"""

from __future__ import annotations

from kiosk import speech
from kiosk.core import FlowCore, Screen

CODE_LENGTH = 6
# Booking codes (docs/appointments.md): digits and capitals without 0, 1, I, O.
CODE_ALPHABET = frozenset("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
# Code refusals that the visitor fixes on the keypad itself.
RETYPE = ("unknown_code", "bad_code")


class CheckInSteps:
    """The code keypad: its keys, a scanner's text, the check-in request."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        self.code = ""
        # Why the hub refused the code just sent ("unknown_code"), until the next key.
        self.error = ""

    def open(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.HOME:
            return
        self.clear()
        core.go(Screen.CHECKIN)

    def clear(self) -> None:
        self.code = self.error = ""

    def key(self, key: str) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.CHECKIN or len(self.code) >= CODE_LENGTH:
            return
        self.code += key.upper()
        self.error = ""
        core.say(speech.key_word(key, core.language))

    def erase(self) -> None:
        self.code = self.code[:-1]
        self.error = ""

    def submit(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.CHECKIN or len(self.code) != CODE_LENGTH:
            return
        request_id = core.request("checkin", self.code)
        core.requests.check_in(request_id, self.code, core.settings.printer)

    def scanned(self, text: str) -> None:
        """Text from a scanner at home or on the keypad: the code, keeping the last six
        code characters, so a scanned link that ends with the code reads as the code."""
        core = self._core
        keys = [key for key in text.upper() if key in CODE_ALPHABET]
        if not keys or core.screen not in (Screen.HOME, Screen.CHECKIN):
            return
        if core.screen is Screen.HOME:
            self.clear()
            core.go(Screen.CHECKIN, speak=False)
        self.code = (self.code + "".join(keys))[-CODE_LENGTH:]
        self.error = ""
