"""The visitor's rating box beside a desk: five buttons, 1 to 5, on gpiozero.

The box faces the visitor, not the operator: a press rates the service that desk has just
finished (the hub picks the ticket, see ``staff_desk.rating_agent``). The pin factory is
injected as for the desk unit (``staff_desk.driver``); a press is handed to ``on_score``
on whichever thread gpiozero calls from. After a press the box ignores the others for
``lockout_s``: a visitor pressing twice, or two buttons at once, rates once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from types import TracebackType

import gpiozero
from gpiozero.exc import GPIOZeroError

from staff_desk.driver import pin_factory as chosen_factory
from staff_desk.errors import PinUnavailable
from staff_desk.settings import check_pins

# BCM pins of a box on the same header as the desk unit (which uses 5, 6, 13, 17, 22-27).
DEFAULT_PINS = (12, 16, 20, 21, 26)
ScoreSink = Callable[[int], None]


class RatingBox:
    """Five buttons, score 1 first; close it to free the pins."""

    def __init__(
        self,
        on_score: ScoreSink,
        pins: Sequence[int] = DEFAULT_PINS,
        *,
        pull_up: bool = True,
        lockout_s: float = 3.0,
        pin_factory: object | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_score = on_score
        self._lockout_s = lockout_s
        self._clock = clock
        self._last = -lockout_s
        self._lock = threading.Lock()
        self._buttons: list[gpiozero.DigitalInputDevice] = []
        factory = chosen_factory(pin_factory)
        try:
            for score, pin in enumerate(check_pins(pins), start=1):
                button = gpiozero.DigitalInputDevice(
                    pin, pull_up=pull_up, bounce_time=None, pin_factory=factory
                )
                self._buttons.append(button)
                button.when_activated = partial(self._pressed, score)
        except GPIOZeroError as error:
            self.close()
            raise PinUnavailable(f"the rating box's pins cannot be used here: {error}") from error

    def _pressed(self, score: int) -> None:
        now = self._clock()
        with self._lock:
            if now - self._last < self._lockout_s:
                return
            self._last = now
        self._on_score(score)

    def close(self) -> None:
        for button in reversed(self._buttons):
            button.close()
        self._buttons.clear()

    def __enter__(self) -> RatingBox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
