"""What the application status screen shows, from the flow's state: one map for QML. Pure.

``view.lookup`` holds the keypad's step and entry, the note under it, and for the
application found its status in words with a colour level and its facts as label/value
rows. Empty whenever the status screen is not shown, so nothing of an application
outlives its screen in what QML can read.
"""

from __future__ import annotations

from datetime import date

from kiosk.booking import phone_shown
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.lookup import AppStatus, Found, LookUp, Step, number_shown

# How each status is coloured (QML's levels, as the ticket's print states).
LEVELS = {
    AppStatus.ACCEPTED: "wait",
    AppStatus.IN_WORK: "wait",
    AppStatus.SUSPENDED: "warn",
    AppStatus.READY: "ok",
    AppStatus.ISSUED: "ok",
    AppStatus.REFUSED: "bad",
    AppStatus.CANCELLED: "bad",
}
_NOTE_ALARM = ("lookup_wrong", "lookup_wait", "lookup_wait_later", "phone_no_8", "phone_starts_9")
EMPTY: dict[str, object] = {
    "step": "",
    "title": "",
    "hint": "",
    "entry": "",
    "ready": False,
    "note": "",
    "noteAlarm": False,
    "canCard": False,
    "status": "",
    "level": "",
    "facts": [],
    "canCollect": False,
}


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d.%m.%Y}" if iso else ""


def facts(found: Found, service: str, words: dict[str, str]) -> list[list[str]]:
    """The application's facts a visitor reads, as label/value rows."""
    rows = [[words["summary_service"], service]]
    if found.authority:
        rows.append([words["lookup_authority"], found.authority])
    if found.status is AppStatus.READY and found.collect_by:
        rows.append([words["lookup_collect_by"], _day(found.collect_by)])
    elif found.status in (AppStatus.ACCEPTED, AppStatus.IN_WORK, AppStatus.SUSPENDED):
        rows.append([words["lookup_planned"], _day(found.planned_ready)])
    if found.reason and found.status is AppStatus.SUSPENDED:
        rows.append([words["lookup_why_suspended"], found.reason])
    elif found.reason and found.status in (AppStatus.REFUSED, AppStatus.CANCELLED):
        rows.append([words["lookup_why"], found.reason])
    return rows


def _entry(lookup: LookUp, words: dict[str, str]) -> dict[str, object]:
    number = lookup.step is Step.NUMBER
    return {
        "title": words["lookup_number_title" if number else "lookup_phone_title"],
        "hint": words["lookup_number_hint" if number else "lookup_phone_hint"],
        "entry": number_shown(lookup.number) if number else phone_shown(lookup.phone),
    }


def lookup(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    """The status screen's map (``EMPTY`` on any other screen)."""
    state = flow.lookup
    if flow.screen is not Screen.STATUS or state is None:
        return dict(EMPTY)
    values = {
        **EMPTY,
        "step": state.step.value,
        "ready": state.ready,
        "note": words[state.note].format(minutes=state.wait_min) if state.note else "",
        "noteAlarm": state.note in _NOTE_ALARM,
        "canCard": flow.can_identify and state.step is not Step.FOUND,
    }
    if state.step is not Step.FOUND:
        return {**values, **_entry(state, words)}
    found = state.found[min(flow.page, len(state.found) - 1)]
    service = flow.catalogue.service(found.service_id) if flow.catalogue else None
    name = service.name(flow.language) if service else found.service_name
    return {
        **values,
        "title": words["lookup_found_title"].format(number=found.number),
        "status": words[f"app_{found.status.value}"],
        "level": LEVELS[found.status],
        "facts": facts(found, name, words),
        "canCollect": flow.applications.collectable() is not None,
    }
