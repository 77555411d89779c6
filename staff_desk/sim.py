"""A simulated operator: a person at a desk unit, pressing its buttons on gpiozero's mock pins.

The operator works through the real wire: each press drives a mock pin low and high
again (with contact bounce, as real buttons have), so the driver, the press logic and
the agent all run as they do on a desk. They read the status light as a person does
(``look`` returns its state) and act on it: call when idle, start once the visitor has
walked up, finish after serving, recall and then give up on a visitor who does not come.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from staff_desk.light import Light
from staff_desk.presses import Button
from staff_desk.settings import Wiring

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Habits:
    """How a simulated operator works, in seconds (scale them down for a fast demo)."""

    walk_up_s: float = 6.0
    serve_s: float = 45.0
    # With nobody waiting, or the hub lost: look at the light again after this long.
    idle_s: float = 5.0
    # After a press: the time to see what the light says now.
    glance_s: float = 1.0
    press_s: float = 0.12
    hold_s: float = 2.0
    # Contact bounce: the pin chatters this many times within the first few ms of a press.
    bounces: int = 2
    bounce_s: float = 0.002
    # Share of visitors who never come to the desk (recalled once, then marked no-show).
    no_show: float = 0.1


class MockPin(Protocol):
    def drive_low(self) -> None: ...

    def drive_high(self) -> None: ...


class MockPins(Protocol):
    """What the operator needs of gpiozero's ``MockFactory``."""

    def pin(self, name: int) -> MockPin: ...


@dataclass
class Pins:
    """Drives a desk unit's buttons on a mock pin factory: low is pressed (pull-up wiring)."""

    factory: MockPins
    wiring: Wiring
    presses: dict[Button, int] = field(default_factory=dict)

    def down(self, button: Button) -> None:
        self._drive(button, pressed=True)

    def up(self, button: Button) -> None:
        self._drive(button, pressed=False)

    async def press(
        self, button: Button, seconds: float, *, bounces: int = 0, bounce_s: float = 0.002
    ) -> None:
        """Press and release like a finger: bounce, hold ``seconds``, let go."""
        self.down(button)
        for _ in range(bounces):
            await asyncio.sleep(bounce_s)
            self.up(button)
            await asyncio.sleep(bounce_s)
            self.down(button)
        await asyncio.sleep(seconds)
        self.up(button)
        self.presses[button] = self.presses.get(button, 0) + 1

    def _drive(self, button: Button, *, pressed: bool) -> None:
        pin = self.factory.pin(self.wiring.buttons[button])
        low = pressed == self.wiring.button_pull_up
        if low:
            pin.drive_low()
        else:
            pin.drive_high()


class SimulatedOperator:
    """An operator at one desk unit, until ``stop``."""

    def __init__(
        self,
        pins: Pins,
        look: Callable[[], Light],
        *,
        habits: Habits | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._pins = pins
        self._look = look
        self._habits = habits or Habits()
        self._rng = rng or random.Random()
        self.served = 0
        self.no_shows = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            light = self._look()
            if light in (Light.IDLE, Light.CLOSED, Light.PAUSED):
                await self._tap(Button.CALL_NEXT)
                if (
                    await self._wait(stop, self._habits.glance_s)
                    or self._look() is not Light.CALLING
                ):
                    await self._wait(stop, self._habits.idle_s)
            elif light is Light.CALLING:
                await self._visitor_comes_or_not(stop)
            elif light is Light.SERVING:
                if await self._wait(stop, self._rng.expovariate(1 / self._habits.serve_s)):
                    return
                await self._tap(Button.START_FINISH)
                self.served += 1
                await self._wait(stop, self._habits.glance_s)
            else:
                await self._wait(stop, self._habits.idle_s)

    async def take_a_break(self) -> None:
        """Hold "call next" long: the desk pauses (with the default settings)."""
        await self._pins.press(Button.CALL_NEXT, self._habits.hold_s)

    async def _visitor_comes_or_not(self, stop: asyncio.Event) -> None:
        habits = self._habits
        if await self._wait(stop, habits.walk_up_s):
            return
        if self._rng.random() >= habits.no_show:
            await self._tap(Button.START_FINISH)
            await self._wait(stop, self._habits.glance_s)
            return
        if Button.RECALL in self._pins.wiring.buttons:
            await self._tap(Button.RECALL)
            if await self._wait(stop, habits.walk_up_s):
                return
        if Button.NO_SHOW in self._pins.wiring.buttons:
            await self._tap(Button.NO_SHOW)
            self.no_shows += 1
        await self._wait(stop, self._habits.glance_s)

    async def _tap(self, button: Button) -> None:
        habits = self._habits
        log.debug("simulated operator presses %s", button.value)
        await self._pins.press(
            button, habits.press_s, bounces=habits.bounces, bounce_s=habits.bounce_s
        )

    @staticmethod
    async def _wait(stop: asyncio.Event, seconds: float) -> bool:
        """Wait ``seconds``; True if ``stop`` came first."""
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return False
        return True
