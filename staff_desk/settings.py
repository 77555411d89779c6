"""The desk unit's settings, read from the device configuration the hub pushes: pure.

Keys (all optional but ``desk``; a key left out takes the okno desk harness default)::

    desk=desk-05            the desk's id, or its number ("5")
    operator=ivanova        the operator the unit names when it opens the desk
    pin_call_next=17  pin_recall=27  pin_start_finish=22  pin_no_show=23
                            BCM numbers ("17", "GPIO17" or "BCM17"); "none" leaves a button out
    pin_led_red=5  pin_led_green=6  pin_led_blue=13
                            the status light: an RGB LED or three LEDs
    led_active_high=true    false for a common-anode RGB LED
    button_pull_up=true     buttons wired to ground; false for buttons wired to 3V3
    hold_call_next=pause  hold_recall=none  hold_start_finish=none  hold_no_show=none
                            what a long press does: none, pause, close, call_next, recall,
                            start_finish or no_show
    hold_ms=1500  debounce_ms=50  lockout_ms=1500
    rating_pins=12,16,20,21,26
                            the visitors' rating box beside the desk: five buttons, score 1
                            first (docs/ratings.md); "none" (the default): no box
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from staff_desk.errors import BadSettings, PinConflict
from staff_desk.presses import Action, Button, Timing

# GPIO0 and GPIO1 carry the HAT identification EEPROM; 2-27 are on every 40-pin header.
FIRST_PIN = 2
LAST_PIN = 27
DEFAULT_BUTTONS = {
    Button.CALL_NEXT: 17,
    Button.RECALL: 27,
    Button.START_FINISH: 22,
    Button.NO_SHOW: 23,
}
LED_COLOURS = ("red", "green", "blue")
DEFAULT_LED = (5, 6, 13)
DEFAULT_HOLDS = {Button.CALL_NEXT: Action.PAUSE}
NONE = "none"
# (default, least, most) in milliseconds.
MS_SETTINGS = {
    "debounce_ms": (50, 0, 500),
    "hold_ms": (1500, 300, 10_000),
    "lockout_ms": (1500, 0, 10_000),
}
_PIN = re.compile(r"(?:gpio|bcm)?(\d{1,3})", re.IGNORECASE)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class Wiring:
    """What the driver needs: which pin does what, and how it is wired."""

    buttons: Mapping[Button, int]
    led: tuple[int, int, int] = DEFAULT_LED
    led_active_high: bool = True
    button_pull_up: bool = True


@dataclass(frozen=True, slots=True)
class DeskSettings:
    desk: str
    wiring: Wiring = field(default_factory=lambda: Wiring(DEFAULT_BUTTONS))
    holds: Mapping[Button, Action] = field(default_factory=lambda: dict(DEFAULT_HOLDS))
    timing: Timing = field(default_factory=Timing)
    operator: str = ""
    # The rating box's five buttons, score 1 first; empty: the desk has none.
    rating_pins: tuple[int, ...] = ()


def known_keys() -> list[str]:
    return [
        "desk",
        "operator",
        *(f"pin_{b.value}" for b in Button),
        *(f"pin_led_{c}" for c in LED_COLOURS),
        "led_active_high",
        "button_pull_up",
        *(f"hold_{b.value}" for b in Button),
        *MS_SETTINGS,
        "rating_pins",
    ]


def parse_settings(config: Mapping[str, str]) -> DeskSettings:
    """The settings from the hub's configuration; BadSettings says what to fix.

    The desk comes from the hub only: it lets a unit work the desk its settings name and
    no other (hub/api/scope.py), so a desk given on the unit's own command line could only
    be refused there.
    """
    unknown = sorted(set(config) - set(known_keys()))
    if unknown:
        raise BadSettings(
            f"unknown setting {', '.join(unknown)}: a desk unit takes {', '.join(known_keys())}"
        )
    desk = config.get("desk", "").strip()
    if not desk:
        raise BadSettings("no desk set: give desk=<desk id or number>, for example desk=desk-05")
    if len(desk) > 64:
        raise BadSettings(f"desk is {len(desk)} characters long; a desk id has at most 64")
    operator = config.get("operator", "").strip()
    if len(operator) > 64:
        raise BadSettings(f"operator is {len(operator)} characters long; at most 64")
    buttons = {}
    for button, default in DEFAULT_BUTTONS.items():
        pin = _pin(config, f"pin_{button.value}", default, optional=True)
        if pin is not None:
            buttons[button] = pin
    if Button.CALL_NEXT not in buttons:
        raise BadSettings("pin_call_next cannot be none: a desk unit must be able to call")
    red, green, blue = (
        _pin(config, f"pin_led_{colour}", default, optional=False)
        for colour, default in zip(LED_COLOURS, DEFAULT_LED, strict=True)
    )
    assert red is not None and green is not None and blue is not None
    rating = _rating_pins(config)
    _no_shared_pins(config, buttons, (red, green, blue), rating)
    holds = {}
    for button in Button:
        action = _hold(config, button)
        if action is not None:
            holds[button] = action
    debounce, hold, lockout = (_ms(config, key) for key in MS_SETTINGS)
    if hold <= debounce:
        raise BadSettings(f"hold_ms ({hold}) must be longer than debounce_ms ({debounce})")
    wiring = Wiring(
        buttons,
        (red, green, blue),
        led_active_high=_flag(config, "led_active_high"),
        button_pull_up=_flag(config, "button_pull_up"),
    )
    timing = Timing(debounce / 1000, hold / 1000, lockout / 1000)
    return DeskSettings(desk, wiring, holds, timing, operator, rating)


def _pin(config: Mapping[str, str], key: str, default: int, *, optional: bool) -> int | None:
    text = config.get(key, "").strip()
    if not text:
        return default
    if optional and text.lower() == NONE:
        return None
    found = _PIN.fullmatch(text)
    if found is None:
        raise BadSettings(f"{key}={text!r} is not a pin: give a BCM number such as 17 or GPIO17")
    number = int(found.group(1))
    if number < FIRST_PIN:
        raise BadSettings(
            f"{key}={text}: GPIO0 and GPIO1 are reserved for the HAT identification EEPROM"
        )
    if number > LAST_PIN:
        raise BadSettings(
            f"{key}={text}: there is no GPIO{number} on the header; use GPIO{FIRST_PIN}-"
            f"GPIO{LAST_PIN}"
        )
    return number


def check_pins(pins: Sequence[int]) -> tuple[int, ...]:
    """Five distinct pins, the first for score 1; BadSettings (PinConflict) otherwise."""
    if len(pins) != 5:
        raise BadSettings(f"a rating box has five buttons (1 to 5), {len(pins)} pins were given")
    if len(set(pins)) != 5:
        raise PinConflict(f"the rating buttons share a pin: {list(pins)}; give five distinct pins")
    return tuple(pins)


def _rating_pins(config: Mapping[str, str]) -> tuple[int, ...]:
    text = config.get("rating_pins", "").strip()
    if not text or text.lower() == NONE:
        return ()
    pins = []
    for part in text.split(","):
        found = _PIN.fullmatch(part.strip())
        if found is None or not FIRST_PIN <= int(found.group(1)) <= LAST_PIN:
            raise BadSettings(
                f"rating_pins={text!r}: give five BCM pins {FIRST_PIN}-{LAST_PIN}, score 1 "
                "first, such as 12,16,20,21,26"
            )
        pins.append(int(found.group(1)))
    return check_pins(pins)


def _no_shared_pins(
    config: Mapping[str, str],
    buttons: Mapping[Button, int],
    led: tuple[int, int, int],
    rating: tuple[int, ...],
) -> None:
    owners: dict[int, list[str]] = {}
    named = [(f"pin_{b.value}", pin) for b, pin in buttons.items()]
    named += [(f"pin_led_{c}", pin) for c, pin in zip(LED_COLOURS, led, strict=True)]
    named += [(f"rating_pins (score {score})", pin) for score, pin in enumerate(rating, 1)]
    for key, pin in named:
        shown = key if key in config else f"{key} (default)"
        owners.setdefault(pin, []).append(shown)
    for pin, keys in owners.items():
        if len(keys) > 1:
            raise PinConflict(f"GPIO{pin} is given to {' and '.join(keys)}: one pin, one use")


def _hold(config: Mapping[str, str], button: Button) -> Action | None:
    key = f"hold_{button.value}"
    text = config.get(key, "").strip().lower()
    if not text:
        return DEFAULT_HOLDS.get(button)
    if text == NONE:
        return None
    try:
        return Action(text)
    except ValueError:
        choices = ", ".join([NONE, *(a.value for a in Action)])
        raise BadSettings(f"{key}={text!r}: a long press does one of {choices}") from None


def _ms(config: Mapping[str, str], key: str) -> int:
    default, least, most = MS_SETTINGS[key]
    text = config.get(key, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadSettings(f"{key}={text!r} is not a whole number of milliseconds") from None
    if not least <= value <= most:
        raise BadSettings(f"{key}={value} is out of range: {least} to {most} milliseconds")
    return value


def _flag(config: Mapping[str, str], key: str) -> bool:
    text = config.get(key, "").strip().lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadSettings(f"{key}={text!r}: give true or false")
