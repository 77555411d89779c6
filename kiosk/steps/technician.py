"""The technician's way in: the hidden corner, the PIN (guarded against guessing), the exit.

Nothing here is for visitors: the corner asks for the PIN only when a technician PIN is
set, and the service screen is left for the visitors' (the flow starts over then).
"""

from __future__ import annotations

import logging
from collections import deque

from kiosk.core import MAX_PIN, FlowCore, Screen
from kiosk.pin import PinGuard

log = logging.getLogger(__name__)

CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0


class TechnicianSteps:
    """The corner taps, the technician's PIN keypad and the service screen's exit."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        self.pin = ""
        self.failed = False
        # The technician closed the program (the view quits it).
        self.quit_requested = False
        self.guard = PinGuard(core.clock)
        self._corner: deque[float] = deque(maxlen=CORNER_TAPS)

    def corner(self) -> None:
        """A tap on the hidden corner: five within three seconds ask for the PIN."""
        core = self._core
        now = core.clock()
        self._corner.append(now)
        if len(self._corner) < CORNER_TAPS or now - self._corner[0] > CORNER_WINDOW_S:
            return
        self._corner.clear()
        if not core.settings.technician_pin:
            log.info("technician sign-in asked for, but no technician_pin is set")
            return
        if core.screen not in (Screen.PIN, Screen.SERVICE):
            self.pin = ""
            self.failed = False
            core.go(Screen.PIN, speak=False)

    def key(self, digit: str) -> None:
        if len(self.pin) < MAX_PIN:
            self.pin += digit
            self.failed = False

    def erase(self) -> None:
        self.pin = self.pin[:-1]

    def submit(self) -> None:
        if not self.pin:
            return
        entered, self.pin = self.pin, ""
        if self.guard.check(entered, self._core.settings.technician_pin):
            log.info("technician signed in")
            self._core.go(Screen.SERVICE, speak=False)
        else:
            log.warning("wrong technician PIN left=%d", self.guard.left)
            self.failed = True

    def exit_app(self) -> None:
        if self._core.screen is Screen.SERVICE:
            log.info("technician closed the kiosk")
            self.quit_requested = True
