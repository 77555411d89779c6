"""The status light's states and what each looks like: data, no I/O.

A state lasts until the next one; a flash plays on top of it a few times and the state
comes back. Colours are red, green and blue on/off, so an RGB LED without PWM, or three
plain LEDs, shows them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Colour = tuple[bool, bool, bool]
DARK: Colour = (False, False, False)
RED: Colour = (True, False, False)
GREEN: Colour = (False, True, False)
BLUE: Colour = (False, False, True)
YELLOW: Colour = (True, True, False)
MAGENTA: Colour = (True, False, True)


class Light(StrEnum):
    OFF = "off"
    # The desk is closed: the unit works, the desk calls nobody.
    CLOSED = "closed"
    PAUSED = "paused"
    # Open, nobody at the desk: press "call next".
    IDLE = "idle"
    CALLING = "calling"
    SERVING = "serving"
    # The hub cannot be reached: presses are refused, nothing is sent later.
    HUB_LOST = "hub_lost"
    # The unit cannot work as configured (an unknown desk): the technician must act.
    FAULT = "fault"


class Flash(StrEnum):
    # The press did nothing: the hub refused it or cannot be reached.
    REFUSED = "refused"
    # "Call next" found nobody waiting.
    NOBODY = "nobody"


@dataclass(frozen=True, slots=True)
class Pattern:
    """``colour`` for ``on_s``, dark for ``off_s``, ``times`` over (0: for as long as shown)."""

    colour: Colour
    on_s: float = 0.0
    off_s: float = 0.0
    times: int = 0

    @property
    def steady(self) -> bool:
        return self.off_s == 0.0


PATTERNS: dict[Light, Pattern] = {
    Light.OFF: Pattern(DARK),
    Light.CLOSED: Pattern(RED),
    Light.PAUSED: Pattern(YELLOW),
    Light.IDLE: Pattern(GREEN),
    Light.CALLING: Pattern(GREEN, 0.5, 0.5),
    Light.SERVING: Pattern(BLUE),
    Light.HUB_LOST: Pattern(RED, 0.25, 0.75),
    Light.FAULT: Pattern(MAGENTA),
}

FLASHES: dict[Flash, Pattern] = {
    Flash.REFUSED: Pattern(RED, 0.1, 0.1, times=3),
    Flash.NOBODY: Pattern(YELLOW, 0.15, 0.15, times=2),
}
