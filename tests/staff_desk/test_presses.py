"""The press logic from tables of raw edges with explicit timestamps (seconds)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from staff_desk.presses import Action, Button, Edge, Intent, Presses, Timing

CALL = Button.CALL_NEXT
TIMING = Timing(debounce_s=0.05, hold_s=1.5, lockout_s=1.5)


@dataclass(frozen=True)
class Down:
    at: float
    button: Button = CALL


@dataclass(frozen=True)
class Up:
    at: float
    button: Button = CALL


@dataclass(frozen=True)
class Due:
    at: float


@dataclass(frozen=True)
class Done:
    at: float
    acted: bool = True
    button: Button = CALL


Step = Down | Up | Due | Done


def run(steps: list[Step], holds: dict[Button, Action] | None = None) -> list[Intent]:
    """Feed the steps; every intent given, in order."""
    presses = Presses(holds or {}, TIMING)
    intents: list[Intent] = []
    for step in steps:
        if isinstance(step, Down):
            intents += presses.edge(Edge(step.button, True, step.at))
        elif isinstance(step, Up):
            intents += presses.edge(Edge(step.button, False, step.at))
        elif isinstance(step, Due):
            intents += presses.due(step.at)
        else:
            presses.done(step.button, step.at, acted=step.acted)
    return intents


def short(at: float, button: Button = CALL) -> Intent:
    return Intent(button, Action(button.value), at)


PAUSE = {CALL: Action.PAUSE}

CASES: list[tuple[str, list[Step], dict[Button, Action], list[Intent]]] = [
    ("a single press acts on the press", [Down(0.0), Up(0.12)], {}, [short(0.0)]),
    (
        "contact bounce within 50 ms is one press",
        [Down(0.0), Up(0.004), Down(0.008), Up(0.02), Down(0.03), Due(0.06), Up(0.15), Due(0.3)],
        {},
        [short(0.0)],
    ),
    (
        "bounce on release makes no second press",
        [Down(0.0), Up(0.2), Down(0.203), Up(0.21), Due(0.26), Due(0.4)],
        {},
        [short(0.0)],
    ),
    (
        "a second press while the call is in flight is swallowed",
        [Down(0.0), Up(0.1), Down(0.3), Up(0.4), Done(0.5)],
        {},
        [short(0.0)],
    ),
    (
        "a second press within the lockout after the call is swallowed",
        [Down(0.0), Up(0.1), Done(0.2), Down(1.0), Up(1.1), Down(1.69), Up(1.75)],
        {},
        [short(0.0)],
    ),
    (
        "a press after the lockout calls again",
        [Down(0.0), Up(0.1), Done(0.2), Down(1.71), Up(1.8)],
        {},
        [short(0.0), short(1.71)],
    ),
    (
        "a refused press leaves no lockout: pressing again retries at once",
        [Down(0.0), Up(0.1), Done(0.1, acted=False), Down(0.5), Up(0.6)],
        {},
        [short(0.0), short(0.5)],
    ),
    (
        "another button is not held up by a call in flight",
        [Down(0.0), Up(0.1), Down(0.2, Button.NO_SHOW), Up(0.3, Button.NO_SHOW)],
        {},
        [short(0.0), short(0.2, Button.NO_SHOW)],
    ),
    (
        "with a hold action a short press acts on the release",
        [Down(0.0), Due(0.05), Up(0.3), Due(1.5)],
        PAUSE,
        [short(0.3)],
    ),
    (
        "held for the hold time: the long action, at once, and nothing on release",
        [Down(0.0), Due(1.49), Due(1.5), Up(2.2), Due(2.3)],
        PAUSE,
        [Intent(CALL, Action.PAUSE, 1.5, long=True)],
    ),
    (
        "released late with no tick in between: still a long press",
        [Down(0.0), Up(2.0)],
        PAUSE,
        [Intent(CALL, Action.PAUSE, 1.5, long=True)],
    ),
    (
        "a tap shorter than the bounce window still counts, when the window closes",
        [Down(0.0), Up(0.02), Due(0.049), Due(0.05)],
        PAUSE,
        [short(0.02)],
    ),
    (
        "bounce while holding does not restart the hold",
        [Down(0.0), Up(0.01), Down(0.02), Due(1.5), Up(1.7)],
        PAUSE,
        [Intent(CALL, Action.PAUSE, 1.5, long=True)],
    ),
    (
        "a long press does not lock the button: a short press right after it acts",
        [Down(0.0), Due(1.5), Done(1.55), Up(1.6), Down(1.7), Up(1.8)],
        PAUSE,
        [Intent(CALL, Action.PAUSE, 1.5, long=True), short(1.8)],
    ),
    (
        "a button without a hold action ignores long presses",
        [Down(0.0, Button.RECALL), Due(3.0), Up(3.1, Button.RECALL)],
        PAUSE,
        [short(0.0, Button.RECALL)],
    ),
]


@pytest.mark.parametrize(
    ("steps", "holds", "expected"),
    [pytest.param(s, h, e, id=name) for name, s, h, e in CASES],
)
def test_presses(steps: list[Step], holds: dict[Button, Action], expected: list[Intent]) -> None:
    assert run(steps, holds) == expected


def test_the_deadline_names_when_time_alone_completes_a_press() -> None:
    presses = Presses(PAUSE, TIMING)
    assert presses.deadline() is None
    presses.edge(Edge(CALL, True, 10.0))
    assert presses.deadline() == pytest.approx(11.5)
    presses.edge(Edge(CALL, False, 10.01))
    assert presses.deadline() == pytest.approx(10.05)
    assert presses.due(10.05) == [short(10.01)]
    assert presses.deadline() is None


def test_swallowed_presses_are_counted() -> None:
    presses = Presses({}, TIMING)
    assert presses.edge(Edge(CALL, True, 0.0)) == [short(0.0)]
    presses.edge(Edge(CALL, False, 0.1))
    assert presses.edge(Edge(CALL, True, 0.2)) == []
    assert presses.swallowed == 1
    assert presses.busy(CALL)
    presses.done(CALL, 0.3, acted=True)
    assert not presses.busy(CALL)
