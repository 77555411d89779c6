"""The call-centre page: find a free slot, book it for a caller, look bookings up by phone.
Staff only (hub/web/security.py).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.booking import LATEST_YEAR
from hub.domain.appointments import contacts
from hub.domain.model import Channel
from hub.errors import (
    BookingLimitReached,
    InvalidRequest,
    NoPin,
    PinTooShort,
    StaffOnly,
    TimeOutOfRange,
    Unauthenticated,
    UnknownOperator,
)
from hub.journal import acting_as
from hub.staff import SignedIn
from hub.web.security import CALL_CENTRE_ROLES, STAFF_COOKIE
from hub.web.site import FormError, Web, redirect
from okno.logtext import oneline

log = logging.getLogger(__name__)
FREE_SLOTS = 12


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _staff(request: Request) -> SignedIn:
    """The signed-in call-centre member, or StaffOnly (403)."""
    return _web(request).call_centre(request)


async def sign_in(request: Request) -> Response:
    """Staff id and PIN, checked by the hub (hub/staff); the session token in a cookie."""
    web = _web(request)
    if request.method == "GET":
        return web.render(request, "sign_in.html", error="", operator_id="")
    fields = await web.form(request)
    operator_id = fields.get("operator", "").strip()[:64]
    acting_as("anonymous", "web")
    try:
        token, session = await web.hub.staff.sign_in(
            operator_id, fields.get("pin", ""), web.caller(request)
        )
    except (UnknownOperator, Unauthenticated):
        # One answer for a wrong id and a wrong PIN: the page does not confirm ids.
        return web.render(
            request, "sign_in.html", status=401, error="err_sign_in", operator_id=operator_id
        )
    except (NoPin, PinTooShort) as error:
        return web.render(
            request, "sign_in.html", status=409, error=f"err_{error.code}", operator_id=operator_id
        )
    if not CALL_CENTRE_ROLES & set(session.roles):
        await web.hub.staff.sign_out(token)
        raise StaffOnly("the call-centre page is for operators and administrators")
    response = redirect("/operator")
    response.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=max(1, (session.expires_ms - web.hub.clock()) // 1000),
        httponly=True,
        samesite="strict",
        path="/operator",
        # Over HTTPS the browser must never send it in clear (docs/web.md, "On the branch LAN").
        secure=request.url.scheme == "https",
    )
    return response


async def sign_out(request: Request) -> Response:
    web = _web(request)
    await web.form(request)
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        await web.hub.staff.sign_out(token)
    response = redirect("/operator/sign-in")
    response.delete_cookie(STAFF_COOKIE, path="/operator")
    return response


async def page(request: Request) -> Response:
    web = _web(request)
    if web.staff(request) is None:
        return redirect("/operator/sign-in")
    _staff(request)
    return await _page(
        request, request.query_params.get("service", ""), request.query_params.get("after", "")
    )


async def _page(
    request: Request,
    service_id: str,
    after_text: str,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    web = _web(request)
    lang = web.lang(request)
    offered = [
        (s.id, web.service_name(s.id, lang))
        for s in web.branch.services
        if web.branch.appointments.capacity.get(s.id)
    ]
    service_id = service_id or (offered[0][0] if offered else "")
    slots: list[dict[str, object]] = []
    if service_id:
        free = await web.hub.bookings.free_slots(service_id, _after_ms(web, after_text), FREE_SLOTS)
        slots = [
            {"ms": v.slot.start_ms, "when": web.when_text(v.slot.start_ms, lang), "free": v.free}
            for v in free
        ]
    return web.render(
        request,
        "operator.html",
        status=status,
        private=True,
        services=offered,
        service_id=service_id,
        after=after_text,
        slots=slots,
        request_id=uuid.uuid4().hex,
        **context,
    )


def _after_ms(web: Web, text: str) -> int:
    if not text:
        return 0
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        raise FormError("err_invalid_request") from None
    # Checked before the calendar turns it into UTC, where year 1 or 9999 would overflow.
    if not 1970 < wall.year < LATEST_YEAR:
        raise TimeOutOfRange(
            f"no booking is made on {wall.date()}: choose a date from 1971 to {LATEST_YEAR - 1}"
        )
    calendar = web.hub.appointments.calendar
    minute = wall.hour * 60 + wall.minute
    found = calendar.utc_ms(wall.date(), minute)
    if found is None:
        found = calendar.day_start_ms(wall.date()) if wall.time() == time() else 0
    return found or 0


async def book(request: Request) -> Response:
    web = _web(request)
    staff = _staff(request)
    fields = await web.form(request)
    service_id = fields.get("service", "")
    try:
        phone = contacts.phone(fields.get("phone", ""))
    except InvalidRequest:
        return await _page(request, service_id, "", status=400, error="err_bad_phone")
    if not phone:
        return await _page(request, service_id, "", status=400, error="err_bad_phone")
    try:
        slot_ms = int(fields.get("slot", ""))
    except ValueError:
        return await _page(request, service_id, "", status=400, error="err_slot_unavailable")
    request_id = fields.get("request_id", "")
    lang = web.lang(request)
    try:
        booked = await web.hub.bookings.book(
            service_id,
            slot_ms,
            Channel.CALL_CENTRE,
            request_id=f"cc-{request_id}" if request_id.isalnum() and len(request_id) <= 40 else "",
            phone=phone,
            name=fields.get("name", ""),
        )
    except BookingLimitReached as refused:
        # The caller gave the number: the operator reads them the booking that fills the
        # limit, with its code, so that they can cancel or move it.
        said = web.limit_refusal(refused, lang, with_code=True)
        log.info(
            "call-centre booking refused operator=%s service=%s reason=%s",
            staff.operator_id,
            oneline(service_id),
            refused.code,
        )
        return await _page(request, service_id, "", status=409, refusal=said)
    log.info("call-centre booking operator=%s service=%s", staff.operator_id, oneline(service_id))
    opens, closes = web.hub.appointments.window(booked)
    return await _page(
        request,
        service_id,
        "",
        booked={
            "code": f"{booked.code[:3]} {booked.code[3:]}",
            "when": web.when_text(booked.slot_ms, lang),
            "service": web.service_name(booked.service_id, lang),
            "rule": web.check_in_rule(lang, booked.slot_ms, opens, closes),
        },
    )


async def find(request: Request) -> Response:
    web = _web(request)
    _staff(request)
    fields = await web.form(request)
    lang = web.lang(request)
    try:
        found = await web.hub.bookings.find(fields.get("phone", ""))
    except InvalidRequest:
        return await _page(request, "", "", status=400, error="err_bad_phone")
    listed = [
        {
            "code": b.code,
            "when": web.when_text(b.slot_ms, lang),
            "service": web.service_name(b.service_id, lang),
            "name": b.name,
        }
        for b in found
    ]
    return await _page(request, "", "", found=listed, searched=True)


async def cancel(request: Request) -> Response:
    web = _web(request)
    staff = _staff(request)
    fields = await web.form(request)
    await web.hub.bookings.cancel(
        fields.get("code", ""),
        caller=f"operator:{staff.operator_id}",
        reason=f"cancelled for the caller by {staff.operator_id}",
    )
    return await _page(request, "", "", note="cancelled_title")
