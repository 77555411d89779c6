"""The driver on gpiozero's mock pins: edges out with their times, the light's pins in."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import pytest
from gpiozero.pins.mock import MockFactory

from staff_desk.driver import DeskUnit, pin_factory
from staff_desk.errors import PinUnavailable
from staff_desk.light import Flash, Light
from staff_desk.presses import Button, Edge
from staff_desk.settings import DEFAULT_BUTTONS, Wiring
from tests.staff_desk.conftest import WAIT_S

RED, GREEN, BLUE = 5, 6, 13
WIRING = Wiring(DEFAULT_BUTTONS, (RED, GREEN, BLUE))


def lit(factory: MockFactory) -> tuple[bool, bool, bool]:
    return (factory.pin(RED).state, factory.pin(GREEN).state, factory.pin(BLUE).state)


def eventually(check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    """Wait for the light's thread to reach a state; fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "the light did not get there in time"
        threading.Event().wait(0.005)


def test_presses_come_out_as_edges_with_their_times(factory: MockFactory) -> None:
    edges: list[Edge] = []
    ticks = itertools.count(100)
    with DeskUnit(WIRING, edges.append, pin_factory=factory, clock=lambda: float(next(ticks))):
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
        factory.pin(23).drive_low()
    assert edges == [
        Edge(Button.CALL_NEXT, True, 100.0),
        Edge(Button.CALL_NEXT, False, 101.0),
        Edge(Button.NO_SHOW, True, 102.0),
    ]


def test_buttons_wired_to_3v3_are_pressed_when_high(factory: MockFactory) -> None:
    edges: list[Edge] = []
    wiring = Wiring({Button.RECALL: 27}, (RED, GREEN, BLUE), button_pull_up=False)
    with DeskUnit(wiring, edges.append, pin_factory=factory):
        factory.pin(27).drive_high()
    assert [(e.button, e.pressed) for e in edges] == [(Button.RECALL, True)]


@pytest.mark.parametrize(
    ("light", "colour"),
    [
        (Light.IDLE, (False, True, False)),
        (Light.SERVING, (False, False, True)),
        (Light.CLOSED, (True, False, False)),
        (Light.PAUSED, (True, True, False)),
        (Light.FAULT, (True, False, True)),
        (Light.OFF, (False, False, False)),
    ],
)
def test_steady_states_light_their_colour(
    factory: MockFactory, light: Light, colour: tuple[bool, bool, bool]
) -> None:
    with DeskUnit(WIRING, lambda edge: None, pin_factory=factory) as unit:
        unit.show(Light.HUB_LOST if light is Light.OFF else Light.OFF)
        unit.show(light)
        eventually(lambda: lit(factory) == colour)
        assert unit.light is light


def test_a_common_anode_led_is_lit_by_driving_low(factory: MockFactory) -> None:
    wiring = Wiring(DEFAULT_BUTTONS, (RED, GREEN, BLUE), led_active_high=False)
    with DeskUnit(wiring, lambda edge: None, pin_factory=factory) as unit:
        unit.show(Light.IDLE)
        eventually(lambda: lit(factory) == (True, False, True))


def test_calling_blinks_green_and_hub_lost_blinks_red(factory: MockFactory) -> None:
    with DeskUnit(WIRING, lambda edge: None, pin_factory=factory) as unit:
        green = factory.pin(GREEN)
        green.clear_states()
        unit.show(Light.CALLING)
        eventually(lambda: [s.state for s in green.states][:3] == [False, True, False])
        red = factory.pin(RED)
        red.clear_states()
        unit.show(Light.HUB_LOST)
        eventually(lambda: [s.state for s in red.states][:3] == [False, True, False])
        eventually(lambda: not green.state)


def test_a_flash_plays_over_the_state_and_the_state_comes_back(factory: MockFactory) -> None:
    with DeskUnit(WIRING, lambda edge: None, pin_factory=factory) as unit:
        unit.show(Light.IDLE)
        eventually(lambda: lit(factory) == (False, True, False))
        red = factory.pin(RED)
        red.clear_states()
        unit.flash(Flash.REFUSED)
        # Three red blinks, then green again.
        eventually(lambda: [s.state for s in red.states] == [False] + [True, False] * 3)
        eventually(lambda: lit(factory) == (False, True, False))


def test_pins_in_use_are_refused_and_nothing_is_left_held(factory: MockFactory) -> None:
    with DeskUnit(WIRING, lambda edge: None, pin_factory=factory):
        other = Wiring({Button.CALL_NEXT: 24}, (RED, 20, 21))
        with pytest.raises(PinUnavailable, match="pins cannot be used here") as refused:
            DeskUnit(other, lambda edge: None, pin_factory=factory)
        assert isinstance(refused.value, ValueError)
    # Closed: the same pins can be opened again.
    with DeskUnit(WIRING, lambda edge: None, pin_factory=factory):
        pass


def test_the_pin_factory_is_the_one_given_or_gpiozeros_own(factory: MockFactory) -> None:
    assert pin_factory(factory) is factory
    # The tests' environment names gpiozero's mock factory (GPIOZERO_PIN_FACTORY=mock).
    assert isinstance(pin_factory(None), MockFactory)
