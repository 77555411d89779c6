"""The desk unit's hardware on gpiozero: buttons in as raw edges, the status light out.

The pin factory is injected (``pin_factory=``, or gpiozero's own choice from
``GPIOZERO_PIN_FACTORY``); nothing here knows whether the pins are real. Edges are
stamped and handed to ``on_edge`` as they come, on whichever thread gpiozero (or a test
driving mock pins) calls from; debouncing and long presses are :mod:`staff_desk.presses`.
The light is animated by one thread of its own, so a flash can play over a blinking state
and the state comes back after it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from types import TracebackType

import gpiozero
from gpiozero.exc import GPIOZeroError

from staff_desk.errors import PinUnavailable
from staff_desk.light import DARK, FLASHES, PATTERNS, Colour, Flash, Light, Pattern
from staff_desk.presses import Button, Edge, EdgeSink
from staff_desk.settings import Wiring

log = logging.getLogger(__name__)


def pin_factory(given: object | None = None) -> object:
    """The pin factory to use: ``given``, else gpiozero's own (``GPIOZERO_PIN_FACTORY``)."""
    if given is not None:
        return given
    try:
        gpiozero.Device.ensure_pin_factory()
    except GPIOZeroError as error:
        raise PinUnavailable(
            f"no GPIO on this machine ({error}): set GPIOZERO_PIN_FACTORY=mock to run without "
            "the hardware"
        ) from error
    factory: object = gpiozero.Device.pin_factory
    return factory


class DeskUnit:
    """The buttons and status light of one desk unit; close it to free the pins."""

    def __init__(
        self,
        wiring: Wiring,
        on_edge: EdgeSink,
        *,
        pin_factory: object | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wiring = wiring
        self._on_edge = on_edge
        self._clock = clock
        self._devices: list[gpiozero.Device] = []
        self._condition = threading.Condition()
        self._light = Light.OFF
        self._flashes: list[Flash] = []
        self._version = 0
        self._closing = False
        try:
            red, green, blue = wiring.led
            self._led = gpiozero.RGBLED(
                red,
                green,
                blue,
                active_high=wiring.led_active_high,
                pwm=False,
                pin_factory=pin_factory,
            )
            self._devices.append(self._led)
            for button, pin in wiring.buttons.items():
                # Not gpiozero's Button: its hold thread is not needed (holds are timed in
                # staff_desk.presses) and would cost a tenth of a second to close.
                device = gpiozero.DigitalInputDevice(
                    pin, pull_up=wiring.button_pull_up, bounce_time=None, pin_factory=pin_factory
                )
                self._devices.append(device)
                device.when_activated = partial(self._edge, button, True)
                device.when_deactivated = partial(self._edge, button, False)
        except GPIOZeroError as error:
            self._close_devices()
            raise PinUnavailable(f"the desk unit's pins cannot be used here: {error}") from error
        self._thread = threading.Thread(target=self._animate, name="okno-desk-light", daemon=True)
        self._thread.start()

    @property
    def light(self) -> Light:
        return self._light

    def show(self, light: Light) -> None:
        """Show a state until the next one; showing the state already shown changes nothing."""
        with self._condition:
            if light is self._light:
                return
            self._light = light
            self._version += 1
            self._condition.notify_all()

    def flash(self, flash: Flash) -> None:
        """Play a flash over the state, after any flash still playing."""
        with self._condition:
            self._flashes.append(flash)
            self._version += 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            if self._closing:
                return
            self._closing = True
            self._condition.notify_all()
        self._thread.join()
        self._close_devices()

    def __enter__(self) -> DeskUnit:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _edge(self, button: Button, pressed: bool) -> None:
        self._on_edge(Edge(button, pressed, self._clock()))

    def _close_devices(self) -> None:
        for device in reversed(self._devices):
            device.close()
        self._devices.clear()

    # -- the light's thread ------------------------------------------------------------

    def _animate(self) -> None:
        while True:
            with self._condition:
                if self._closing:
                    break
                flash = self._flashes.pop(0) if self._flashes else None
                version = self._version
                pattern = FLASHES[flash] if flash is not None else PATTERNS[self._light]
            if flash is not None:
                self._play(pattern)
            elif pattern.steady:
                self._set(pattern.colour)
                self._wait(version, None)
            else:
                self._set(pattern.colour)
                if not self._wait(version, pattern.on_s):
                    self._set(DARK)
                    self._wait(version, pattern.off_s)
        self._set(DARK)

    def _play(self, pattern: Pattern) -> None:
        """A flash plays to its end: a press's outcome is never cut short by the next state."""
        for _ in range(pattern.times):
            self._set(pattern.colour)
            if self._sleep(pattern.on_s):
                return
            self._set(DARK)
            if self._sleep(pattern.off_s):
                return

    def _wait(self, version: int, seconds: float | None) -> bool:
        """Wait ``seconds`` (None: for ever) or until something changes; True if it did."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._closing or self._version != version, seconds
            )

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` unless closing; True if closing."""
        with self._condition:
            return self._condition.wait_for(lambda: self._closing, seconds)

    def _set(self, colour: Colour) -> None:
        try:
            self._led.value = tuple(int(on) for on in colour)
        except GPIOZeroError as error:
            log.warning("status light not set reason=%s", error)
