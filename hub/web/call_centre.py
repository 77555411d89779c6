"""The call centre's applications page: any application by its number with the phone to
call, the ready ones to phone (those waiting longest first), and a status set by an
operator. Staff only: call-centre roles read (hub/web/security.py), and only those the
permission table lets set a status over gRPC may set one here.

Each look-up is logged with the operator and the number (who read which phone), never
the phone itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.api.permissions import allowed
from hub.domain.applications import (
    ALLOWED,
    NEEDS_REASON,
    Application,
    ApplicationStatus,
    Change,
)
from hub.errors import (
    BadPlannedDate,
    InvalidRequest,
    StaffOnly,
    StatusNotAllowed,
    UnknownApplication,
)
from hub.staff import SignedIn
from hub.web.application_view import Shown, shown, status_words
from hub.web.site import FormError, Web

log = logging.getLogger(__name__)
# The ready applications listed at once: a day's calls, more than a shift makes.
READY_LISTED = 100
SET_STATUS = "/okno.v1.Applications/SetStatus"


@dataclass(frozen=True, slots=True)
class Found:
    """An application as the call centre sees it: what the visitor sees, and the phone."""

    app: Shown
    phone: str
    changed: str
    changed_by: str
    next_statuses: list[tuple[str, str]]


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _may_set(member: SignedIn) -> bool:
    return allowed(SET_STATUS, frozenset(member.roles))


async def page(request: Request) -> Response:
    """The ready list; with ``?number=`` the application of that number too."""
    web = _web(request)
    member = web.call_centre(request)
    typed = request.query_params.get("number", "").strip()
    if not typed:
        return await _page(request, member)
    try:
        found = await web.hub.applications.get(typed)
    except UnknownApplication:
        wrong = FormError("err_no_such_application", "number")
        return await _page(request, member, status=404, error=wrong, number=typed[:20])
    log.info(
        "call-centre application look-up operator=%s number=%s", member.operator_id, found.number
    )
    return await _page(request, member, found=found)


async def set_status(request: Request) -> Response:
    """An operator's change of status (and planned date): the page again, saying what
    became of it, or why nothing changed."""
    web = _web(request)
    member = web.call_centre(request)
    if not _may_set(member):
        raise StaffOnly("application statuses are set by operators and administrators")
    fields = await web.form(request)
    number = fields.get("number", "")
    try:
        current = await web.hub.applications.get(number)
    except UnknownApplication:
        wrong = FormError("err_no_such_application", "number")
        return await _page(request, member, status=404, error=wrong, number=number[:20])
    asked = _status(fields.get("status", ""))
    reason = fields.get("reason", "").strip()
    if asked in NEEDS_REASON and not reason:
        wrong = FormError("err_reason_needed", "reason")
        return await _page(request, member, status=400, found=current, error=wrong)
    change = Change(
        status=asked,
        by=f"operator:{member.operator_id}",
        reason=reason,
        planned_ready=fields.get("planned_ready", "").strip(),
    )
    lang = web.lang(request)
    try:
        changed, _ = await web.hub.applications.change(number, change)
    except StatusNotAllowed:
        now = await web.hub.applications.get(number)
        said = web.t(
            lang,
            "err_not_allowed",
            now=status_words(web, now.status, lang),
            asked=status_words(web, asked, lang) if asked else "",
            allowed=_words(web, ALLOWED[now.status], lang),
        )
        return await _page(request, member, status=409, found=now, refusal=said)
    except BadPlannedDate:
        wrong = FormError("err_bad_planned_date", "planned_ready")
        return await _page(request, member, status=400, found=current, error=wrong)
    except InvalidRequest:
        unchanged = asked is None or asked is current.status
        key = "err_application_unchanged" if unchanged else "err_invalid_request"
        return await _page(request, member, status=400, found=current, error=FormError(key))
    saved = web.t(lang, "cc_apps_saved", status=status_words(web, changed.status, lang))
    return await _page(request, member, found=changed, note=saved)


def _status(text: str) -> ApplicationStatus | None:
    if not text:
        return None
    try:
        return ApplicationStatus(text)
    except ValueError:
        raise FormError("err_invalid_request", "status") from None


def _words(web: Web, statuses: frozenset[ApplicationStatus], lang: str) -> str:
    words = [status_words(web, s, lang) for s in ApplicationStatus if s in statuses]
    return ", ".join(words) or web.t(lang, "cc_apps_nothing")


async def _page(
    request: Request,
    member: SignedIn,
    *,
    status: int = 200,
    found: Application | None = None,
    error: FormError | None = None,
    **context: Any,
) -> Response:
    web = _web(request)
    lang = web.lang(request)
    ready = await web.hub.applications.listing(ApplicationStatus.READY, READY_LISTED + 1)
    return web.render(
        request,
        "call_centre.html",
        status=status,
        private=True,
        found=_found(web, found, lang) if found else None,
        ready=[(shown(web, a, lang), _phone_text(a.contact.phone)) for a in ready[:READY_LISTED]],
        more=len(ready) > READY_LISTED,
        listed=READY_LISTED,
        may_set=_may_set(member),
        today=web.hub.appointments.calendar.today(web.hub.clock()).isoformat(),
        error=error.key if error else "",
        error_field=error.field if error else "",
        fields={"number": context.pop("number", found.number if found else "")},
        **context,
    )


def _found(web: Web, app: Application, lang: str) -> Found:
    return Found(
        app=shown(web, app, lang),
        phone=_phone_text(app.contact.phone),
        changed=web.when_text(app.changed_at_ms, lang),
        changed_by=_who(web, app.changed_by),
        next_statuses=[
            (s.value, status_words(web, s, lang))
            for s in ApplicationStatus
            if s in ALLOWED[app.status]
        ],
    )


def _who(web: Web, changed_by: str) -> str:
    """ "operator:ivanova-a" -> "Анна Иванова (ivanova-a)"; a system's account as it is."""
    kind, _, account = changed_by.partition(":")
    names: dict[str, str] = {o.id: o.name for o in web.branch.operators}
    if kind == "operator" and account in names:
        return f"{names[account]} ({account})"
    return names.get(account, changed_by)


def _phone_text(phone: str) -> str:
    """ "+79161234567" -> "+7 916 123-45-67", read aloud easily; others as kept."""
    if len(phone) == 12 and phone.startswith("+7"):
        return f"+7 {phone[2:5]} {phone[5:8]}-{phone[8:10]}-{phone[10:]}"
    return phone
