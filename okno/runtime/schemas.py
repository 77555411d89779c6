"""The settings schema of every device kind that takes settings (okno.runtime.settings).

A key a device package learns is added to its kind here, and both the hub and the device
take it from then on; each package's docs list what its keys mean.
"""

from __future__ import annotations

from okno.runtime.settings import (
    Schema,
    Setting,
    choice,
    hex_key,
    hours_span,
    matching,
    number,
    text,
    web_address,
    whole,
    zone,
)

SWITCH = choice("on", "off")
FLAG = choice("true", "false", "yes", "no", "on", "off", "1", "0")
# A Raspberry Pi header's BCM pin: "17", "GPIO17" or "BCM17" (staff_desk.settings).
PIN = r"(?:gpio|bcm)?\d{1,2}"
# One key of the kiosk's tactile keypad on its pin: "select=13" (kiosk.settings).
KEY_PIN = rf"\s*(?:up|down|select|back|help)\s*=\s*{PIN}\s*"
NAME = text(64)
LINE = text(500)
SNILS_HASH_KEY = Setting("snils_hash_key", hex_key(16))
DESK_BUTTONS = ("call_next", "recall", "start_finish", "no_show")
DESK_ACTIONS = ("none", "pause", "close", *DESK_BUTTONS)

KIOSK = Schema(
    "kiosk",
    (
        Setting("printer", matching(r"ticket_printer-.+", "ticket_printer-SN-0042")),
        Setting("language", choice("ru", "en")),
        Setting("voice", SWITCH),
        Setting("large", SWITCH),
        Setting("volume", number(0, 1)),
        Setting("idle_s", number(10, 600)),
        Setting("result_s", number(5, 300)),
        Setting(
            "technician_pin",
            matching(
                r"pbkdf2_sha256\$\d+\$[\w+/=-]+\$[\w+/=-]+", "the output of python -m kiosk.pin"
            ),
        ),
        Setting("dpi", number(40, 400, zero_too=True)),
        Setting("ticket_page_url", web_address),
        Setting("title", NAME),
        SNILS_HASH_KEY,
        # The tactile keypad's five keys and the headphone jack (kiosk.settings says more).
        Setting("keypad", matching(rf"{KEY_PIN}(?:,{KEY_PIN}){{4}}", "up=5,down=6,select=13,...")),
        Setting("headphones_pin", matching(PIN, "17 or GPIO17")),
        Setting("group_", matching(r"[^|]*[^|\s][^|]*(\|.*)?", "Имя|Name"), prefix=True),
    ),
)

HALL_DISPLAY = Schema(
    "hall_display",
    (
        Setting("role", choice("hall", "desk")),
        Setting("desk", NAME),
        Setting("layout", choice("auto", "landscape", "portrait")),
        Setting("language", choice("ru", "en", "ru+en")),
        Setting("voice", choice("ru", "en", "ru+en", "off")),
        Setting("volume", number(0, 1)),
        Setting("quiet_hours", hours_span),
        Setting("ticker", LINE),
        Setting("notice", LINE),
        Setting("title", NAME),
        Setting("timezone", zone),
        Setting("blink_s", number(0.5, 60)),
        Setting("page_s", number(3, 120)),
    ),
)

# A printer model's capabilities, chosen per printer (ticket_printer/settings.py reads
# these values too, so the hub and the printer refuse the same).
PAPER_WIDTHS = ("58", "80")
CODE_PAGES = ("cp866", "ascii")
QR_KINDS = ("native", "raster")
LOGO_KINDS = ("nv", "raster", "none")
TICKET_PRINTER = Schema(
    "ticket_printer",
    (
        Setting("paper_width", choice(*PAPER_WIDTHS)),
        Setting("code_page", choice(*CODE_PAGES)),
        Setting("qr", choice(*QR_KINDS)),
        Setting("logo", choice(*LOGO_KINDS)),
    ),
)

CARD_READER = Schema("card_reader", (SNILS_HASH_KEY, Setting("desk", NAME)))

STAFF_DESK = Schema(
    "staff_desk",
    (
        Setting("desk", NAME),
        Setting("operator", NAME),
        *(Setting(f"pin_{b}", matching(f"{PIN}|none", "17, GPIO17 or none")) for b in DESK_BUTTONS),
        *(Setting(f"pin_led_{c}", matching(PIN, "5 or GPIO5")) for c in ("red", "green", "blue")),
        Setting("led_active_high", FLAG),
        Setting("button_pull_up", FLAG),
        *(Setting(f"hold_{b}", choice(*DESK_ACTIONS)) for b in DESK_BUTTONS),
        Setting("debounce_ms", whole(0, 500)),
        Setting("hold_ms", whole(300, 10_000)),
        Setting("lockout_ms", whole(0, 10_000)),
        Setting("rating_pins", matching(rf"none|{PIN}(\s*,\s*{PIN}){{4}}", "12,16,20,21,26")),
    ),
)

SCHEMAS = {s.kind: s for s in (KIOSK, HALL_DISPLAY, TICKET_PRINTER, CARD_READER, STAFF_DESK)}


def schema_for(kind: str) -> Schema:
    """The kind's schema; a kind that takes no settings has an empty one."""
    return SCHEMAS.get(kind) or Schema(kind, ())
