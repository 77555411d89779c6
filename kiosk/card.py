"""The card reader inside the kiosk: its agent on the kiosk's loop, the PIN on the screen.

``okno kiosk --card-reader auto`` runs :class:`card_reader.agent.CardAgent` on the kiosk's
I/O loop with a :class:`~card_reader.agent.MemorySink`, whose visitor the flow reads
(``KioskFlow(identity=...)``). When a card wants its PIN, the agent asks
:class:`ScreenKeypad`, which shows the kiosk's keypad (through the listener) and waits for
the digits the visitor types there. The digits travel as one ``bytearray`` handed over
once: the flow keeps no copy, and the card reader overwrites it after VERIFY.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from card_reader.pin import PinPrompt

log = logging.getLogger(__name__)


class PinScreen(Protocol):
    """Where the keypad is shown: the bridge to the GUI thread."""

    def card_pin_asked(self, tries_left: int, last_wrong: bool) -> None: ...

    def card_pin_closed(self) -> None: ...


class ScreenKeypad:
    """card_reader's on-screen keypad, answered from the kiosk's screen."""

    def __init__(self, screen: PinScreen) -> None:
        self._screen = screen
        self._asking: asyncio.Future[bytearray | None] | None = None

    async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        """The PIN the visitor types on the screen; None if they cancel (or walk away:
        the reader's timeout cancels this wait, and the screen closes the keypad)."""
        self._asking = asyncio.get_running_loop().create_future()
        tries = prompt.tries_left if prompt.tries_left is not None else -1
        self._screen.card_pin_asked(tries, prompt.last_wrong)
        try:
            return await self._asking
        finally:
            self._asking = None
            self._screen.card_pin_closed()

    def answer(self, pin: bytearray | None) -> None:
        """The visitor's digits (or None: cancelled); on the loop. A late answer is wiped."""
        if self._asking is None or self._asking.done():
            if pin is not None:
                pin[:] = bytes(len(pin))
            log.info("a PIN came when none was asked: dropped")
            return
        self._asking.set_result(pin)
