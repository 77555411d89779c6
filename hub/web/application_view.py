"""An application as the pages show it: its status in words, its dates in full, and where
ready documents are collected; the visitor's page and the call centre's share it.

What a visitor may read is decided here once: the public part and the reason, never the
contact; the call-centre page adds the phone itself (``hub/web/call_centre.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hub.domain.applications import Application, ApplicationStatus
from hub.web.site import Web


@dataclass(frozen=True, slots=True)
class Shown:
    """What a page prints of one application, in the reader's language."""

    number: str
    status: str
    status_key: str
    service: str
    authority: str
    planned: str
    reason: str
    early: bool
    ready_since: str
    collect_by: str


def status_words(web: Web, status: ApplicationStatus, lang: str) -> str:
    """ "Готово к выдаче" / "Ready to collect": the status as the centres' systems name it."""
    return web.t(lang, f"app_status_{status.value}")


def long_date(web: Web, iso: str, lang: str) -> str:
    """ "пт 18 декабря 2026": a date a person reads aloud on the phone ("" stays "")."""
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{web.day_text(day, lang)} {day.year}"


def shown(web: Web, app: Application, lang: str) -> Shown:
    return Shown(
        number=app.number,
        status=status_words(web, app.status, lang),
        status_key=app.status.value,
        service=web.service_name(app.service_id, lang),
        authority=app.authority,
        planned=long_date(web, app.planned_ready, lang),
        reason=app.reason,
        early=app.early and app.status is ApplicationStatus.READY,
        ready_since=long_date(web, app.ready_day, lang),
        collect_by=long_date(web, web.hub.applications.collect_by(app), lang),
    )


def collect_link(web: Web) -> str:
    """The booking page of the branch's ``collect_service``, or "" when it takes no bookings."""
    service_id = web.branch.applications.collect_service
    if not service_id or not web.branch.appointments.capacity.get(service_id):
        return ""
    return f"/book/{service_id}"
