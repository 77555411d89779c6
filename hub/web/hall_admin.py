"""The hall administrator's page: a priority ticket for a visitor who cannot use the kiosk.

Administrators only (signed in on /operator/sign-in). The administrator sees the document,
so the ticket's priority is confirmed as issued, and the log names them (a
``priority_confirmed`` event beside the issue). The appointment category is never issued
here: it comes with a booking's code at check-in.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.branch import Priority
from hub.domain.model import TicketState
from hub.errors import HallAdministratorsOnly
from hub.journal import acting_as
from hub.staff import SignedIn
from hub.web.site import Web, redirect
from okno.logtext import oneline

log = logging.getLogger(__name__)
ADMINISTRATOR = "administrator"


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _administrator(request: Request) -> SignedIn:
    found = _web(request).staff(request)
    if found is None or ADMINISTRATOR not in found.roles:
        raise HallAdministratorsOnly("the hall page is for administrators")
    return found


async def page(request: Request) -> Response:
    if _web(request).staff(request) is None:
        return redirect("/operator/sign-in")
    _administrator(request)
    return await _page(request)


async def issue(request: Request) -> Response:
    web = _web(request)
    who = _administrator(request)
    fields = await web.form(request)
    service_id = fields.get("service", "")
    category = fields.get("priority", "")
    if category not in {p.id for p in _categories(web)}:
        return await _page(request, status=400, error="err_hall_category")
    request_id = fields.get("request_id", "")
    acting_as(f"staff:{who.operator_id}", "web")
    issued = await web.hub.tickets.issue(
        service_id,
        priority=category,
        request_id=f"hall-{request_id}" if request_id.isalnum() and len(request_id) <= 40 else "",
        confirmed_by=f"staff:{who.operator_id}",
    )
    ticket = issued.ticket
    log.info(
        "hall priority ticket=%s category=%s administrator=%s",
        ticket.number,
        oneline(category),
        who.operator_id,
    )
    lang = web.lang(request)
    return await _page(
        request,
        issued={
            "number": ticket.number,
            "service": web.service_name(ticket.service_id, lang),
            "category": _name(web, category, lang),
        },
    )


def _categories(web: Web) -> list[Priority]:
    """The categories an administrator issues: all but the one check-in gives."""
    appointment = web.branch.appointments.priority
    return [p for p in web.branch.priorities if p.id != appointment]


def _name(web: Web, category_id: str, lang: str) -> str:
    found: Priority | None = web.branch.priority(category_id)
    if found is None:
        return category_id
    return found.name_ru if lang == "ru" else found.name_en


async def _page(request: Request, *, status: int = 200, **context: Any) -> Response:
    web = _web(request)
    lang = web.lang(request)
    snapshot = await web.hub.snapshot()
    waiting = [
        {
            "number": t.number,
            "service": web.service_name(t.service_id, lang),
            "category": _name(web, t.priority, lang),
            "claimed": t.priority_claimed,
        }
        for t in snapshot.tickets
        if t.priority and t.state is TicketState.WAITING
    ]
    categories = [
        {
            "id": p.id,
            "name": p.name_ru if lang == "ru" else p.name_en,
            "document": p.document_ru if lang == "ru" else p.document_en,
        }
        for p in _categories(web)
    ]
    return web.render(
        request,
        "hall_admin.html",
        status=status,
        private=True,
        services=[(s.id, web.service_name(s.id, lang)) for s in web.branch.services],
        categories=categories,
        waiting=waiting,
        request_id=uuid.uuid4().hex,
        **context,
    )
