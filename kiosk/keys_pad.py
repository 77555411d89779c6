"""The tactile keypad on gpiozero: five keys (EZ-Access) and the headphone jack's switch.

The pin factory is injected (``pin_factory=``, or gpiozero's own from
``GPIOZERO_PIN_FACTORY``), so tests press the keys with gpiozero's mock pins. Each key
and the jack are wired to ground with the pull-up on: pressed, or headphones plugged in,
reads as active. A press is handed to ``on_key`` (a ``navigation.Key`` value, or
``HEADPHONES``) on gpiozero's thread: the kiosk passes it to Qt's thread (bridge.py).
Pins are taken once, at start; a keypad changed at the hub takes effect at the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import gpiozero
from gpiozero.exc import GPIOZeroError

from kiosk.errors import KeypadUnavailable
from kiosk.keys_guide import HEADPHONES
from kiosk.navigation import Key

log = logging.getLogger(__name__)

# Key contacts bounce for a few milliseconds; a visitor does not press twice in 30 ms.
BOUNCE_S = 0.03


class Keypad:
    """The keypad's keys and the jack sense; close it to free the pins."""

    def __init__(
        self,
        pins: dict[Key, str],
        on_key: Callable[[str], None],
        *,
        headphones_pin: str = "",
        pin_factory: object | None = None,
    ) -> None:
        self._on_key = on_key
        self._devices: list[gpiozero.Device] = []
        try:
            for key, pin in pins.items():
                button = gpiozero.Button(
                    pin, pull_up=True, bounce_time=BOUNCE_S, pin_factory=pin_factory
                )
                button.when_pressed = partial(self._pressed, key.value)
                self._devices.append(button)
            if headphones_pin:
                jack = gpiozero.DigitalInputDevice(
                    headphones_pin, pull_up=True, bounce_time=BOUNCE_S, pin_factory=pin_factory
                )
                jack.when_activated = partial(self._pressed, HEADPHONES)
                self._devices.append(jack)
        except GPIOZeroError as error:
            self.close()
            raise KeypadUnavailable(
                f"the keypad's pins cannot be used here ({error}): check the keypad and "
                "headphones_pin settings, or set GPIOZERO_PIN_FACTORY=mock to run without it"
            ) from error

    def _pressed(self, name: str) -> None:
        log.debug("keypad key=%s", name)
        self._on_key(name)

    def close(self) -> None:
        for device in self._devices:
            device.close()
        self._devices.clear()
