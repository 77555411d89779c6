"""What the service page and the life situations show, from the flow's state. Pure.

``view.info`` holds the page shown ("Что взять с собой"): the service's name, this page's
labelled blocks, the note of the checklist or the link, and on the phone step the number
typed. Empty whenever the page is not shown, so the phone typed outlives it nowhere.
"""

from __future__ import annotations

from kiosk.booking import PHONE_DIGITS, phone_shown
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.screens_view import Rows
from kiosk.steps.catalogue import Step
from kiosk.texts import services_text

LEVELS = {
    "info_printing": "wait",
    "info_printed": "ok",
    "link_sent": "ok",
    "info_not_printed": "bad",
    "info_print_refused": "bad",
    "link_refused": "bad",
    "phone_no_8": "bad",
    "phone_starts_9": "bad",
}
EMPTY: dict[str, object] = {
    "step": "",
    "title": "",
    "service": "",
    "blocks": [],
    "note": "",
    "level": "",
    "hint": "",
    "entry": "",
    "ready": False,
    "canPrint": False,
    # The home screen offers the life situations.
    "hasSituations": False,
}


def info(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    """The service page's map (``EMPTY`` on any other screen, but whether the home screen
    offers the life situations)."""
    steps, catalogue = flow.info, flow.catalogue
    service = catalogue.service(steps.service_id) if catalogue else None
    situations = (
        flow.screen is Screen.HOME and catalogue is not None and bool(catalogue.situations())
    )
    if flow.screen is not Screen.INFO or service is None:
        return {**EMPTY, "hasSituations": situations}
    note = words[steps.note].format(**steps.note_values) if steps.note else ""
    values = {
        **EMPTY,
        "step": steps.step,
        "service": service.name(flow.language),
        "note": note,
        "level": LEVELS.get(steps.note, ""),
    }
    if steps.step == Step.PHONE:
        return {
            **values,
            "title": words["link_title"],
            "hint": words["link_hint"],
            "entry": phone_shown(flow.link_phone),
            "ready": len(flow.link_phone) == PHONE_DIGITS,
        }
    return {
        **values,
        "title": words["info_title"],
        "blocks": [[b.label, _lines(b.label, b.lines)] for b in steps.page()],
        "canPrint": bool(flow.settings.printer) and steps.entry() is not None,
    }


def situations(flow: KioskFlow) -> Rows:
    """The life situations of this page, as the home screen's group rows."""
    catalogue = flow.catalogue
    if flow.screen is not Screen.SITUATIONS or catalogue is None:
        return []
    language = flow.language
    return [
        (group.id, group.name(language), services_text(len(catalogue.in_group(group.id)), language))
        for group in flow.lists.page_of(flow.lists.groups())
    ]


def _lines(label: str, lines: tuple[str, ...]) -> str:
    """A block's lines, one a line; a labelled list of several with bullets."""
    bullet = "• " if label and len(lines) > 1 else ""
    return "\n".join(f"{bullet}{line}" for line in lines)
