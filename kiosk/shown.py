"""Everything the kiosk's screen shows at one moment, computed from the flow (pure).

screens_view.py and steps_view.py compute each screen's part; this puts them together
with what every screen shares (language, type size, touch targets, the clock), so the
Qt view only hands the values to QML and the rows to its list models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk import catalogue_view, claim_view, lookup_view, screens_view, steps_view
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.screens_view import Rows
from kiosk.steps_view import Row
from kiosk.texts import CODE_KEYS, KEYBOARDS, PIN_KEYS, WORDS

TARGET_MM = 15.0
MM_PER_INCH = 25.4
DEFAULT_DPI = 96.0
LARGE_SCALE = 1.35


def min_target_px(dpi: float) -> float:
    """The side of a 15 mm touch target in pixels at ``dpi``."""
    return TARGET_MM / MM_PER_INCH * dpi


@dataclass(frozen=True, slots=True)
class Shown:
    """The values QML reads by name, the rows of the three lists, the ticket's QR text."""

    values: dict[str, object]
    groups: Rows
    services: Rows
    choices: list[Row]
    # The text of the ticket's QR code when the ticket screen shows one.
    qr: str | None


def shown(flow: KioskFlow, screen_dpi: float) -> Shown:
    """What the screen shows now; ``screen_dpi`` is the screen's own (the setting wins)."""
    language = flow.language
    words = WORDS[language]
    dpi = flow.settings.dpi or screen_dpi
    moment = flow.local()
    list_values, group_rows, service_rows = screens_view.lists(flow, words)
    if flow.screen is Screen.SITUATIONS:
        group_rows = catalogue_view.situations(flow)
        list_values["heading"] = words["situations_title"]
    banner = screens_view.banner(flow, words)
    entry = screens_view.entry(flow, words)
    ticket, qr = screens_view.ticket(flow, words)
    booking, choice_rows = steps_view.booking(flow, words)
    values: dict[str, object] = {
        "language": language,
        "labels": words,
        "large": flow.large,
        "voice": flow.voice,
        "scale": LARGE_SCALE if flow.large else 1.0,
        "minTarget": math.ceil(min_target_px(dpi)),
        "keyboardRows": list(KEYBOARDS[flow.lists.keyboard]),
        "codeKeys": list(CODE_KEYS),
        "pinKeys": list(PIN_KEYS),
        "screen": flow.screen.value,
        "busy": flow.busy,
        "clock": "" if moment is None else f"{moment:%H:%M}",
        **list_values,
        **banner,
        **entry,
        **ticket,
        **booking,
        **steps_view.payment(flow, words),
        "lookup": lookup_view.lookup(flow, words),
        "info": catalogue_view.info(flow, words),
        "claim": claim_view.claim(flow),
    }
    return Shown(values, group_rows, service_rows, choice_rows, qr)
