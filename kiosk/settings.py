"""A kiosk's settings: from its command line, then from the hub (``okno provision config``).

| key | values | default |
|---|---|---|
| printer | the device id of its ticket printer (``ticket_printer-SN-1``); empty: none | empty |
| language | ru, en: the language a visitor finds (and after idle) | ru |
| voice | on, off: voice guidance when a visitor arrives (visitors switch it) | off |
| large | on, off: large type and high contrast when a visitor arrives | off |
| volume | 0..1 | 1 |
| idle_s | seconds without a touch before the kiosk goes back home | 60 |
| result_s | seconds a ticket stays on screen | 30 |
| technician_pin | the PIN's hash from ``python -m kiosk.pin``; empty: no way out | empty |
| dpi | the screen's dots per inch, for 15 mm touch targets; 0: the screen's own | 0 |
| ticket_page_url | the ticket's web page for the QR code (``{ticket}``: its id) | empty |
| title | the name at the top, instead of the branch's | empty |
| snils_hash_key | sent by the hub itself (hex): hashes the SNILS read from a card | empty |
| keypad | the tactile keypad's pins, all five: ``up=5,down=6,select=13,back=19,help=26`` | empty |
| headphones_pin | the pin of the headphone jack's detect switch (closed: plugged in) | empty |
| group_<id> | "Имя|Name" of a service group, for hubs that send no group names | |

A setting the kiosk cannot take raises ValueError with the reason: the hub shows it to
the technician and the kiosk keeps its previous settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from kiosk.navigation import Key
from kiosk.pin import PinHash
from kiosk.texts import check_language

_SWITCH = {"on": True, "off": False}
GROUP_PREFIX = "group_"


@dataclass(frozen=True, slots=True)
class KioskSettings:
    printer: str = ""
    language: str = "ru"
    voice: str = "off"
    large: str = "off"
    volume: float = 1.0
    idle_s: float = 60.0
    result_s: float = 30.0
    technician_pin: str = ""
    dpi: float = 0.0
    ticket_page_url: str = ""
    title: str = ""
    snils_hash_key: str = ""
    keypad: str = ""
    headphones_pin: str = ""
    group_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_language(self.language)
        for key in ("voice", "large"):
            value = getattr(self, key)
            if value not in _SWITCH:
                raise ValueError(f"{key}={value!r} is not on or off")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume {self.volume} is outside 0..1")
        if not 10 <= self.idle_s <= 600:
            raise ValueError(f"idle_s {self.idle_s:g} is outside 10..600 seconds")
        if not 5 <= self.result_s <= 300:
            raise ValueError(f"result_s {self.result_s:g} is outside 5..300 seconds")
        if self.dpi and not 40 <= self.dpi <= 400:
            raise ValueError(f"dpi {self.dpi:g} is outside 40..400 (0: ask the screen)")
        if self.technician_pin:
            PinHash.parse(self.technician_pin)
        if self.printer and not self.printer.startswith("ticket_printer-"):
            raise ValueError(
                f"printer={self.printer!r} is not a ticket printer's device id "
                "(like ticket_printer-SN-0042)"
            )
        self.keypad_pins()
        if self.headphones_pin and self.headphones_pin in self.keypad_pins().values():
            raise ValueError(f"headphones_pin {self.headphones_pin} is a key's pin too")
        if self.ticket_page_url and not self.ticket_page_url.startswith(("http://", "https://")):
            raise ValueError("ticket_page_url is a web address starting with http:// or https://")

    @property
    def voice_on(self) -> bool:
        return _SWITCH[self.voice]

    @property
    def large_on(self) -> bool:
        return _SWITCH[self.large]

    def keypad_pins(self) -> dict[Key, str]:
        """The keypad's pin of each key ({} without a keypad); ValueError says what to fix."""
        if not self.keypad.strip():
            return {}
        form = "like up=5,down=6,select=13,back=19,help=26"
        pins: dict[Key, str] = {}
        for part in self.keypad.split(","):
            name, _, pin = (p.strip() for p in part.partition("="))
            if name not in set(Key) or not pin:
                raise ValueError(f"keypad: {part.strip()!r} is not key=pin ({form})")
            pins[Key(name)] = pin
        missing = [key.value for key in Key if key not in pins]
        if missing:
            raise ValueError(f"keypad: no pin for {', '.join(missing)} ({form})")
        if len(set(pins.values())) < len(pins):
            raise ValueError(f"keypad: two keys on one pin ({self.keypad})")
        return pins

    def updated(self, config: Mapping[str, str]) -> KioskSettings:
        """These settings with the hub's on top; ValueError for a key or value it cannot take."""
        kinds = {f.name: f.type for f in fields(self) if f.name != "group_names"}
        changes: dict[str, object] = {}
        names = dict(self.group_names)
        for key, value in config.items():
            if key.startswith(GROUP_PREFIX) and len(key) > len(GROUP_PREFIX):
                ru, _, en = value.partition("|")
                if not ru.strip():
                    raise ValueError(f'{key} is "Имя|Name": the group\'s Russian and English name')
                group = key[len(GROUP_PREFIX) :]
                # Setting names cannot hold "-": group_ready_documents names ready-documents.
                for gid in {group, group.replace("_", "-")}:
                    names[gid] = (ru.strip(), (en or ru).strip())
                continue
            if key not in kinds:
                known = ", ".join([*kinds, f"{GROUP_PREFIX}<id>"])
                raise ValueError(f"unknown kiosk setting {key}; known: {known}")
            if kinds[key] == "float":
                try:
                    changes[key] = float(value)
                except ValueError:
                    raise ValueError(f"{key}={value!r} is not a number") from None
            else:
                changes[key] = value.strip()
        return replace(self, group_names=names, **changes)  # type: ignore[arg-type]
