"""The hub's settings for a desk unit: defaults, overrides, and refusals that say what to fix."""

from __future__ import annotations

import re

import pytest

from staff_desk.errors import BadSettings, PinConflict
from staff_desk.presses import Action, Button, Timing
from staff_desk.settings import DEFAULT_BUTTONS, DEFAULT_LED, known_keys, parse_settings


def test_only_the_desk_is_needed_the_rest_is_the_standard_harness() -> None:
    settings = parse_settings({"desk": "desk-05"})
    assert settings.desk == "desk-05"
    assert dict(settings.wiring.buttons) == DEFAULT_BUTTONS
    assert settings.wiring.led == DEFAULT_LED
    assert settings.wiring.led_active_high and settings.wiring.button_pull_up
    assert dict(settings.holds) == {Button.CALL_NEXT: Action.PAUSE}
    assert settings.timing == Timing(0.05, 1.5, 1.5)


def test_every_setting_can_be_changed() -> None:
    settings = parse_settings(
        {
            "desk": "3",
            "operator": "ivanova",
            "pin_call_next": "GPIO4",
            "pin_recall": "bcm24",
            "pin_start_finish": "25",
            "pin_no_show": "none",
            "pin_led_red": "16",
            "pin_led_green": "20",
            "pin_led_blue": "21",
            "led_active_high": "false",
            "button_pull_up": "no",
            "hold_call_next": "none",
            "hold_start_finish": "no_show",
            "hold_ms": "800",
            "debounce_ms": "20",
            "lockout_ms": "0",
        }
    )
    assert settings.operator == "ivanova"
    assert dict(settings.wiring.buttons) == {
        Button.CALL_NEXT: 4,
        Button.RECALL: 24,
        Button.START_FINISH: 25,
    }
    assert settings.wiring.led == (16, 20, 21)
    assert not settings.wiring.led_active_high and not settings.wiring.button_pull_up
    assert dict(settings.holds) == {Button.START_FINISH: Action.NO_SHOW}
    assert settings.timing == Timing(0.02, 0.8, 0.0)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({}, "no desk set: give desk="),
        ({"desk": "1", "pin_cal_next": "4"}, "unknown setting pin_cal_next: a desk unit takes"),
        ({"desk": "1", "pin_recall": "GPIO"}, "pin_recall='GPIO' is not a pin"),
        ({"desk": "1", "pin_recall": "1"}, "GPIO0 and GPIO1 are reserved"),
        ({"desk": "1", "pin_led_red": "40"}, "there is no GPIO40 on the header"),
        ({"desk": "1", "pin_call_next": "none"}, "pin_call_next cannot be none"),
        ({"desk": "1", "pin_led_blue": "none"}, "pin_led_blue='none' is not a pin"),
        ({"desk": "1", "hold_recall": "dance"}, "hold_recall='dance': a long press does one of"),
        ({"desk": "1", "hold_ms": "1.5"}, "hold_ms='1.5' is not a whole number of milliseconds"),
        ({"desk": "1", "debounce_ms": "900"}, "debounce_ms=900 is out of range: 0 to 500"),
        ({"desk": "1", "hold_ms": "300", "debounce_ms": "300"}, "must be longer than debounce"),
        ({"desk": "1", "led_active_high": "maybe"}, "led_active_high='maybe': give true or false"),
        ({"desk": "x" * 65}, "a desk id has at most 64"),
    ],
)
def test_bad_settings_are_refused_with_what_to_fix(config: dict[str, str], reason: str) -> None:
    with pytest.raises(BadSettings, match=re.escape(reason)) as refused:
        parse_settings(config)
    assert isinstance(refused.value, ValueError)
    assert refused.value.code == "bad_settings"


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (
            {"desk": "1", "pin_recall": "17"},
            "GPIO17 is given to pin_call_next (default) and pin_recall: one pin, one use",
        ),
        (
            {"desk": "1", "pin_call_next": "24", "pin_led_green": "24"},
            "GPIO24 is given to pin_call_next and pin_led_green",
        ),
        (
            {"desk": "1", "pin_no_show": "GPIO5"},
            "GPIO5 is given to pin_no_show and pin_led_red (default)",
        ),
    ],
)
def test_a_pin_given_twice_is_refused(config: dict[str, str], reason: str) -> None:
    with pytest.raises(PinConflict, match=re.escape(reason)) as refused:
        parse_settings(config)
    assert refused.value.code == "pin_conflict"


def test_a_button_left_out_frees_its_default_pin() -> None:
    settings = parse_settings({"desk": "1", "pin_no_show": "none", "pin_call_next": "23"})
    assert settings.wiring.buttons[Button.CALL_NEXT] == 23
    assert Button.NO_SHOW not in settings.wiring.buttons


def test_the_known_keys_are_listed_for_the_technician() -> None:
    keys = known_keys()
    assert {"desk", "pin_call_next", "pin_led_blue", "hold_call_next", "lockout_ms"} <= set(keys)
    assert len(keys) == len(set(keys))
