"""From raw button edges to what the operator meant: pure, no I/O, timings explicit.

Edges carry monotonic timestamps in seconds. Debouncing is leading-edge: the first edge
after a quiet spell counts at once (no added latency), and edges within ``debounce_s``
of an accepted change are bounce; the level they leave is taken when the window closes.
A button with a hold action acts when released before ``hold_s`` (short press), or when
``hold_s`` has passed while it is still down (long press); a button without one acts on
the press itself. While a button's action is in flight, and for ``lockout_s`` after the
hub may have acted on a short press of it, further presses of that button are swallowed:
a double press is one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEBOUNCE_S = 0.05
HOLD_S = 1.5
LOCKOUT_S = 1.5


class Button(StrEnum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    START_FINISH = "start_finish"
    NO_SHOW = "no_show"


class Action(StrEnum):
    """What a press asks of the hub; a button's short press is the action of its name."""

    CALL_NEXT = "call_next"
    RECALL = "recall"
    # Start serving the visitor called, or finish the one being served.
    START_FINISH = "start_finish"
    NO_SHOW = "no_show"
    PAUSE = "pause"
    CLOSE = "close"


SHORT = {button: Action(button.value) for button in Button}


@dataclass(frozen=True, slots=True)
class Timing:
    debounce_s: float = DEBOUNCE_S
    hold_s: float = HOLD_S
    lockout_s: float = LOCKOUT_S


@dataclass(frozen=True, slots=True)
class Edge:
    button: Button
    pressed: bool
    at: float


EdgeSink = Callable[[Edge], None]


@dataclass(frozen=True, slots=True)
class Intent:
    button: Button
    action: Action
    at: float
    long: bool = False


@dataclass(slots=True)
class _State:
    raw: bool = False
    raw_at: float = float("-inf")
    level: bool = False
    level_at: float = float("-inf")
    pressed_at: float | None = None
    held: bool = False
    busy: bool = False
    long: bool = False
    locked_until: float = float("-inf")


@dataclass
class Presses:
    """The press logic of one desk unit; ``done`` must follow every intent it gave."""

    holds: Mapping[Button, Action] = field(default_factory=dict)
    timing: Timing = field(default_factory=Timing)
    # Presses dropped as bounce-free repeats (in flight or locked out); for logs and tests.
    swallowed: int = 0
    _buttons: dict[Button, _State] = field(default_factory=lambda: {b: _State() for b in Button})

    def edge(self, edge: Edge) -> list[Intent]:
        """A raw edge from the pin; the intents it completes (usually none or one)."""
        state = self._buttons[edge.button]
        state.raw, state.raw_at = edge.pressed, edge.at
        return self._settle(edge.button, edge.at)

    def due(self, now: float) -> list[Intent]:
        """Intents that time alone completes: a bounce window closing, a hold reached."""
        intents: list[Intent] = []
        for button in Button:
            intents += self._settle(button, now)
            state = self._buttons[button]
            hold = self.holds.get(button)
            if (
                hold is not None
                and state.pressed_at is not None
                and not state.held
                and now - state.pressed_at >= self.timing.hold_s
            ):
                state.held = True
                intents += self._act(button, hold, state.pressed_at + self.timing.hold_s, True)
        return intents

    def deadline(self) -> float | None:
        """When :meth:`due` must be called next, or None while nothing waits on time."""
        times = []
        for button, state in self._buttons.items():
            if state.raw != state.level:
                times.append(state.level_at + self.timing.debounce_s)
            if button in self.holds and state.pressed_at is not None and not state.held:
                times.append(state.pressed_at + self.timing.hold_s)
        return min(times, default=None)

    def done(self, button: Button, now: float, *, acted: bool) -> None:
        """The button's action ended; ``acted``: the hub did (or may have done) it.

        Only a short press locks its button out: a long one cannot bounce into a second.
        """
        state = self._buttons[button]
        state.busy = False
        if acted and not state.long:
            state.locked_until = now + self.timing.lockout_s

    def busy(self, button: Button) -> bool:
        return self._buttons[button].busy

    def _settle(self, button: Button, now: float) -> list[Intent]:
        state = self._buttons[button]
        if state.raw == state.level or now - state.level_at < self.timing.debounce_s:
            return []
        # Taken when the pin last moved: a tap shorter than the window still counts as short.
        at = state.raw_at
        state.level, state.level_at = state.raw, at
        return self._pressed(button, at) if state.level else self._released(button, at)

    def _pressed(self, button: Button, at: float) -> list[Intent]:
        state = self._buttons[button]
        state.pressed_at, state.held = at, False
        if button in self.holds:
            return []
        return self._act(button, SHORT[button], at, False)

    def _released(self, button: Button, at: float) -> list[Intent]:
        state = self._buttons[button]
        pressed_at, state.pressed_at = state.pressed_at, None
        hold = self.holds.get(button)
        if hold is None or state.held or pressed_at is None:
            return []
        if at - pressed_at >= self.timing.hold_s:
            # Released after the hold time before anyone asked: still a long press.
            state.held = True
            return self._act(button, hold, pressed_at + self.timing.hold_s, True)
        return self._act(button, SHORT[button], at, False)

    def _act(self, button: Button, action: Action, at: float, long: bool) -> list[Intent]:
        state = self._buttons[button]
        if state.busy or at < state.locked_until:
            self.swallowed += 1
            return []
        state.busy, state.long = True, long
        return [Intent(button, action, at, long)]
