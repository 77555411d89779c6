"""The hub checks a device's settings against its kind's schema: the same keys the device takes."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from hall_display.settings import DisplaySettings
from kiosk.settings import GROUP_PREFIX, KioskSettings
from okno.runtime.schemas import SCHEMAS, schema_for
from okno.runtime.settings import SettingRefused
from staff_desk.settings import known_keys
from tests.kiosk.scenes import PIN_HASH
from ticket_printer.settings import PrinterSettings


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("hall_display", [f.name for f in fields(DisplaySettings)]),
        (
            "kiosk",
            [f.name for f in fields(KioskSettings) if f.name != "group_names"]
            + [f"{GROUP_PREFIX}<id>"],
        ),
        ("staff_desk", known_keys()),
        ("ticket_printer", [f.name for f in fields(PrinterSettings)]),
        ("card_reader", ["snils_hash_key", "desk"]),
    ],
)
def test_each_schema_holds_the_keys_its_device_takes(kind: str, keys: list[str]) -> None:
    assert sorted(SCHEMAS[kind].keys()) == sorted(keys)


@pytest.mark.parametrize(
    ("kind", "config", "reason"),
    [
        ("hall_display", {"volume": "7"}, "volume=7: 7 is outside 0..1"),
        ("hall_display", {"voice": "de"}, "voice=de: one of ru, en, ru+en, off"),
        ("hall_display", {"quiet_hours": "22-8"}, "not like 22:00-08:00"),
        ("hall_display", {"timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ("hall_display", {"paper_width": "80"}, "a hall_display has no setting paper_width"),
        ("kiosk", {"idle_s": "1"}, "idle_s=1: 1 is outside 10..600"),
        ("kiosk", {"printer": "printer-1"}, "not like ticket_printer-SN-0042"),
        ("kiosk", {"technician_pin": "1234"}, "not like the output of python -m kiosk.pin"),
        ("kiosk", {"group_documents": "|Documents"}, "not like Имя|Name"),
        ("kiosk", {"keypad": "up=5,down=6,select=13"}, "not like up=5,down=6,select=13,..."),
        ("kiosk", {"headphones_pin": "jack"}, "headphones_pin=jack: not like 17 or GPIO17"),
        ("ticket_printer", {"paper_width": "75"}, "paper_width=75: one of 58, 80"),
        ("card_reader", {"snils_hash_key": "abc"}, "snils_hash_key=abc: not hexadecimal"),
        ("staff_desk", {"pin_recall": "GPIO"}, "pin_recall=GPIO: not like 17"),
        ("staff_desk", {"hold_ms": "1.5"}, "a whole number from 300 to 10000"),
        ("staff_desk", {"rating_pins": "12,16"}, "not like 12,16,20,21,26"),
        ("payment_terminal", {"volume": "1"}, "a payment_terminal has no setting volume"),
    ],
)
def test_a_value_the_kind_cannot_take_is_refused_with_the_reason(
    kind: str, config: dict[str, str], reason: str
) -> None:
    with pytest.raises(SettingRefused, match=re.escape(reason)):
        schema_for(kind).check(config)


@pytest.mark.parametrize(
    ("kind", "config"),
    [
        ("hall_display", {"volume": "0.5", "quiet_hours": "22:00-08:00@0.3", "role": "desk"}),
        ("kiosk", {"technician_pin": PIN_HASH, "group_documents": "Документы|Documents"}),
        ("kiosk", {"dpi": "0", "ticket_page_url": "https://okno.example/t/{ticket}"}),
        ("kiosk", {"keypad": "up=5, down=6,select=GPIO13,back=19,help=26", "headphones_pin": "4"}),
        ("staff_desk", {"pin_call_next": "GPIO17", "rating_pins": "12, 16,20,21,26"}),
        ("ticket_printer", {"paper_width": "58", "code_page": "ascii", "logo": "none"}),
    ],
)
def test_values_the_devices_take_pass(kind: str, config: dict[str, str]) -> None:
    schema_for(kind).check(config)
