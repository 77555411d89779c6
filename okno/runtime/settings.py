"""What a device kind takes as settings: one schema per kind, read by the hub and the device.

``okno provision config DEVICE key=value`` goes to the hub, which checks the whole set
against its kind's schema before it keeps anything: a technician sees the refusal at
once, instead of a setting that looks accepted while the device's log refuses it. It
lives here, below the hub and the device packages, so both read the same table without
either importing the other. A schema says which keys exist and which values each takes;
what only the device can judge (a desk the hub does not have, two buttons on one pin) it
still refuses itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from okno.errors import OknoError

Check = Callable[[str], None]


class SettingRefused(OknoError, ValueError):
    """A setting the device's kind does not have, or a value it cannot take."""

    code = "setting_refused"


@dataclass(frozen=True, slots=True)
class Setting:
    """One key: ``check`` raises ValueError saying what the value should be."""

    key: str
    check: Check
    prefix: bool = False  # the key is a prefix: group_<id>

    def matches(self, key: str) -> bool:
        return (
            key.startswith(self.key) and len(key) > len(self.key)
            if self.prefix
            else (key == self.key)
        )

    @property
    def shown(self) -> str:
        return f"{self.key}<id>" if self.prefix else self.key


@dataclass(frozen=True, slots=True)
class Schema:
    """The settings of one device kind."""

    kind: str
    settings: tuple[Setting, ...]

    def keys(self) -> list[str]:
        return [s.shown for s in self.settings]

    def check(self, config: Mapping[str, str]) -> None:
        """Every key known and every value taken; SettingRefused names the first that is not."""
        for key, value in sorted(config.items()):
            setting = next((s for s in self.settings if s.matches(key)), None)
            if setting is None:
                raise SettingRefused(
                    f"a {self.kind} has no setting {key}; its settings: {', '.join(self.keys())}"
                )
            try:
                setting.check(value.strip())
            except ValueError as refused:
                raise SettingRefused(f"{key}={value}: {refused}") from None


def choice(*allowed: str) -> Check:
    def check(value: str) -> None:
        if value not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}")

    return check


def number(least: float, most: float, *, zero_too: bool = False) -> Check:
    """A decimal number from ``least`` to ``most``; ``zero_too``: 0 also (meaning "none")."""

    def check(value: str) -> None:
        try:
            figure = float(value)
        except ValueError:
            raise ValueError(f"a number from {least:g} to {most:g}") from None
        if not (least <= figure <= most or (zero_too and figure == 0)):
            raise ValueError(f"{figure:g} is outside {least:g}..{most:g}")

    return check


def whole(least: int, most: int) -> Check:
    def check(value: str) -> None:
        if not re.fullmatch(r"\d+", value) or not least <= int(value) <= most:
            raise ValueError(f"a whole number from {least} to {most}")

    return check


def text(longest: int) -> Check:
    def check(value: str) -> None:
        if len(value) > longest:
            raise ValueError(f"{len(value)} characters long; at most {longest}")

    return check


def matching(pattern: str, example: str) -> Check:
    """A value of a fixed shape (case-insensitive), told by an example."""
    shape = re.compile(pattern, re.IGNORECASE)

    def check(value: str) -> None:
        if not shape.fullmatch(value):
            raise ValueError(f"not like {example}")

    return check


def zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone like Europe/Moscow") from None


def hours_span(value: str) -> None:
    """ "22:00-08:00", optionally "@0.3" for the volume then."""
    span, _, level = value.partition("@")
    start, dash, end = span.partition("-")
    try:
        time.fromisoformat(start.strip())
        time.fromisoformat(end.strip())
        volume = float(level) if level else 0.0
    except ValueError:
        raise ValueError("not like 22:00-08:00 or 22:00-08:00@0.3") from None
    if not dash:
        raise ValueError("not like 22:00-08:00 or 22:00-08:00@0.3")
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"the volume {volume:g} is outside 0..1")


def hex_key(least_bytes: int) -> Check:
    def check(value: str) -> None:
        try:
            key = bytes.fromhex(value)
        except ValueError:
            raise ValueError("not hexadecimal") from None
        if len(key) < least_bytes:
            raise ValueError(f"shorter than {least_bytes} bytes")

    return check


def web_address(value: str) -> None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("a web address starting with http:// or https://")
