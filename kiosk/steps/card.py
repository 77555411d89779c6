"""The card in the kiosk's reader: a booking checked in by its SNILS, and the card's PIN.

The visitor's identity itself is the core's (every request may carry it). The card's PIN
is typed on the kiosk's keypad when the reader asks (``kiosk.card.ScreenKeypad``) and
handed over once as it is: this class keeps no copy and wipes what it drops.
"""

from __future__ import annotations

from kiosk import speech
from kiosk.core import MAX_PIN, VISITOR_SCREENS, FlowCore, Screen


class CardSteps:
    """Check-in by card from the home screen, and the card's PIN keypad."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        # The card's PIN while it is typed: handed to the reader once, never kept.
        self.digits = bytearray()
        self.tries = -1
        self.wrong = False
        self._came_from = Screen.HOME

    @property
    def can_check_in(self) -> bool:
        """The identified visitor's card carries a SNILS hash: their booking can be found."""
        core = self._core
        visitor = core.card_visitor() if core.screen is Screen.HOME else None
        return visitor is not None and bool(visitor.snils_hash)

    def check_in(self) -> None:
        """Check in the booking made with the card's SNILS (the hub finds it by the hash)."""
        core = self._core
        if core.locked or not self.can_check_in or core.identified is None:
            return
        snils_hash = core.identified.snils_hash
        request_id = core.request("card_checkin", snils_hash)
        core.requests.check_in_by_card(request_id, snils_hash, core.settings.printer)

    # -- the card's PIN ----------------------------------------------------------------------

    def pin_asked(self, tries_left: int, last_wrong: bool) -> None:
        """The card in the reader wants its PIN: the keypad, over whatever was shown."""
        core = self._core
        self._wipe()
        self.tries, self.wrong = tries_left, last_wrong
        if core.screen is not Screen.CARD_PIN:
            self._came_from = core.screen if core.screen in VISITOR_SCREENS else Screen.HOME
        core.go(Screen.CARD_PIN, speak=False)
        core.say(speech.prompt("card_pin", core.language))

    def pin_closed(self) -> None:
        """The reader stopped waiting (answered, cancelled, timed out): back where it was."""
        core = self._core
        self._wipe()
        if core.screen is Screen.CARD_PIN:
            core.go(self._came_from if core.link else Screen.OUT, speak=False)

    def key(self, digit: str) -> None:
        if len(self.digits) < MAX_PIN:
            self.digits.append(ord(digit))

    def erase(self) -> None:
        if self.digits:
            self.digits[-1] = 0
            del self.digits[-1]

    def submit(self) -> None:
        if self.digits:
            self._hand(self.digits)

    def cancel(self) -> None:
        self._hand(None)

    def _hand(self, pin: bytearray | None) -> None:
        """The digits go to the reader as they are (it wipes them); this forgets them."""
        self.digits = bytearray()
        self._core.requests.card_pin(pin)

    def _wipe(self) -> None:
        self.digits[:] = bytes(len(self.digits))
        self.digits = bytearray()
