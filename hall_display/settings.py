"""A display's settings: from its command line, then from the hub (okno provision config).

Keys a technician sets with ``okno provision config DEVICE key=value``:

| key | values | default |
|---|---|---|
| role | hall, desk | hall (or the command line's) |
| desk | the desk's number or id, for role=desk | the command line's |
| layout | auto (by the screen's shape), landscape, portrait | auto |
| language | ru, en, ru+en: the board's words | ru |
| voice | ru, en, ru+en, off: the languages calls are spoken in | ru |
| volume | 0..1 | 1 |
| quiet_hours | "22:00-08:00", optionally "@0.3" for the volume then (default 0: silent) | none |
| ticker | the running line at the bottom | empty |
| notice | text of the announcement area while no call is shown | empty |
| title | the name at the top of the board | empty |
| timezone | IANA zone of the clock, e.g. Europe/Moscow | the branch's |
| blink_s | seconds a new call stays highlighted | 8 |
| page_s | seconds each page of the waiting list stays, when the services need more than one | 10 |

A setting the display cannot take raises ValueError with the reason: the hub shows it to
the technician and the display keeps its previous settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall_display.board import BLINK_S
from hall_display.labels import check_language
from hall_display.speech import Language
from hall_display.voice import QuietHours

ROLES = ("hall", "desk")
LAYOUTS = ("auto", "landscape", "portrait")
# Long enough to find one's letter in a page of the waiting list, short enough that the
# next page comes before a visitor looks away.
PAGE_S = 10.0
_VOICES = {
    "ru": (Language.RU,),
    "en": (Language.EN,),
    "ru+en": (Language.RU, Language.EN),
    "off": (),
}


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    role: str = "hall"
    desk: str = ""
    layout: str = "auto"
    language: str = "ru"
    voice: str = "ru"
    volume: float = 1.0
    quiet_hours: str = ""
    ticker: str = ""
    notice: str = ""
    title: str = ""
    timezone: str = ""
    blink_s: float = BLINK_S
    page_s: float = PAGE_S

    def __post_init__(self) -> None:
        _choice("role", self.role, ROLES)
        _choice("layout", self.layout, LAYOUTS)
        _choice("voice", self.voice, tuple(_VOICES))
        check_language(self.language)
        if self.role == "desk" and not self.desk:
            raise ValueError("role=desk needs desk=NUMBER: which desk this display is above")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume {self.volume} is outside 0..1")
        if not 0.5 <= self.blink_s <= 60:
            raise ValueError(f"blink_s {self.blink_s} is outside 0.5..60 seconds")
        if not 3 <= self.page_s <= 120:
            raise ValueError(f"page_s {self.page_s} is outside 3..120 seconds")
        parse_quiet_hours(self.quiet_hours)
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError) as err:
                raise ValueError(f"timezone {self.timezone!r} is not an IANA zone") from err

    @property
    def voice_languages(self) -> tuple[Language, ...]:
        """The languages calls are spoken in; none when the voice is off."""
        return _VOICES[self.voice]

    @property
    def quiet(self) -> QuietHours | None:
        return parse_quiet_hours(self.quiet_hours)

    def updated(self, config: Mapping[str, str]) -> DisplaySettings:
        """These settings with the hub's on top; ValueError for a key or value it cannot take."""
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise ValueError(
                f"unknown display setting {', '.join(unknown)}; known: {', '.join(known)}"
            )
        changes: dict[str, object] = {}
        for key, value in config.items():
            if known[key] == "float":
                try:
                    changes[key] = float(value)
                except ValueError:
                    raise ValueError(f"{key}={value!r} is not a number") from None
            else:
                changes[key] = value.strip()
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_quiet_hours(text: str) -> QuietHours | None:
    """ "22:00-08:00" (silent) or "22:00-08:00@0.3"; None for ""."""
    if not text:
        return None
    span, _, level = text.partition("@")
    start, sep, end = span.partition("-")
    try:
        if not sep:
            raise ValueError("no dash")
        hours = QuietHours(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        volume = float(level) if level else 0.0
    except ValueError:
        raise ValueError(
            f"quiet_hours {text!r} is not like 22:00-08:00 or 22:00-08:00@0.3"
        ) from None
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"quiet_hours volume {volume} is outside 0..1")
    return replace(hours, volume=volume)


def _choice(key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{key}={value!r} is not one of {', '.join(allowed)}")
