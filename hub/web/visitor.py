"""The visitor's pages: book a slot and get the code; look a booking up, move or cancel it.

Codes never appear in a URL (they would stay in the browser's history and in logs): a
booking is looked up, moved and cancelled by forms posted with the code in the body.
A booking form carries a request id, so that sending it twice books once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.appointments import SlotView, contacts
from hub.domain.model import Appointment, AppointmentState, Channel
from hub.errors import (
    BadCode,
    BookingLimitReached,
    SlotFull,
    SlotUnavailable,
    TooManyAttempts,
    UnknownCode,
)
from hub.web.forms import contact, shown
from hub.web.site import FormError, Web

if TYPE_CHECKING:
    from starlette.responses import HTMLResponse


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def home(request: Request) -> Response:
    return _web(request).render(request, "home.html")


async def services(request: Request) -> Response:
    web = _web(request)
    lang = web.lang(request)
    offered = [
        (s.id, web.service_name(s.id, lang))
        for s in web.branch.services
        if web.branch.appointments.capacity.get(s.id)
    ]
    return web.render(request, "services.html", services=offered)


async def book(request: Request) -> Response:
    web = _web(request)
    service_id = request.path_params["service"]
    if request.method == "GET":
        return await _slots_page(request, service_id, request.query_params.get("day", ""))
    fields = await web.form(request)
    day = fields.get("day", "")
    try:
        phone, email = contact(fields)
        slot_ms = _int(fields.get("slot"))
    except FormError as error:
        return await _slots_page(request, service_id, day, error=error, fields=fields, status=400)
    wait_s = web.bookings_made.take(web.caller(request), web.hub.clock())
    if wait_s:
        raise TooManyAttempts(f"too many bookings from this address: wait {wait_s} s")
    try:
        booked = await web.hub.bookings.book(
            service_id,
            slot_ms,
            Channel.ONLINE,
            request_id=_request_id(fields),
            phone=phone,
            email=email,
        )
    except (SlotFull, SlotUnavailable) as error:
        key = "err_slot_full" if isinstance(error, SlotFull) else "err_slot_unavailable"
        wrong = FormError(key, "slot")
        return await _slots_page(request, service_id, day, error=wrong, fields=fields, status=409)
    except BookingLimitReached as refused:
        said = web.limit_refusal(refused, web.lang(request))
        return await _slots_page(request, service_id, day, fields=fields, status=409, refusal=said)
    return await _booked_page(request, booked, "booked_title")


async def _slots_page(
    request: Request,
    service_id: str,
    day_text: str,
    *,
    error: FormError | None = None,
    fields: dict[str, str] | None = None,
    status: int = 200,
    refusal: str = "",
) -> HTMLResponse:
    """The days and free slots of a service; ``refusal``: why the form was not booked."""
    web = _web(request)
    lang = web.lang(request)
    everything = await web.hub.bookings.slots(service_id, only_free=True)
    first, last = web.hub.bookings.horizon()
    free_on = Counter(v.slot.day for v in everything)
    day = _chosen_day(day_text, first, last, free_on)
    days = []
    current = first
    while current <= last:
        days.append(
            {
                "iso": current.isoformat(),
                "label": web.day_text(current, lang),
                "free": free_on.get(current, 0),
                "chosen": current == day,
            }
        )
        current = date.fromordinal(current.toordinal() + 1)
    slots = [v for v in everything if v.slot.day == day]
    later = [v for v in everything if v.slot.day > day][:3] if not slots else []
    return web.render(
        request,
        "book.html",
        status=status,
        service_id=service_id,
        service_name=web.service_name(service_id, lang),
        days=days,
        day=day.isoformat(),
        slots=[_slot(web, v, lang) for v in slots],
        later=[_slot(web, v, lang) for v in later],
        **shown(error, fields),
        refusal=refusal,
        request_id=(fields or {}).get("request_id") or uuid.uuid4().hex,
        channels=web.notifier.channels if web.notifier else [],
    )


def _chosen_day(text: str, first: date, last: date, free_on: Counter[date]) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        # The first day with a free slot, so that the visitor sees times at once.
        return min(free_on) if free_on else first
    return min(max(day, first), last)


def _slot(web: Web, view: SlotView, lang: str) -> dict[str, object]:
    return {
        "ms": view.slot.start_ms,
        "time": view.slot.time,
        "free": view.free,
        "day": view.slot.day.isoformat(),
        "when": web.when_text(view.slot.start_ms, lang),
    }


async def _booked_page(request: Request, booked: Appointment, title: str) -> HTMLResponse:
    web = _web(request)
    lang = web.lang(request)
    opens, closes = web.hub.appointments.window(booked)
    where = [
        contacts.phone_hint(booked.phone),
        contacts.email_hint(booked.email) if booked.email else "",
    ]
    return web.render(
        request,
        "booked.html",
        private=True,
        title=title,
        booking=booked,
        service_name=web.service_name(booked.service_id, lang),
        when=web.when_text(booked.slot_ms, lang),
        rule=web.check_in_rule(lang, booked.slot_ms, opens, closes),
        where=", ".join(w for w in where if w),
        code_shown=f"{booked.code[:3]} {booked.code[3:]}",
    )


async def booking(request: Request) -> Response:
    """GET: the form for a code. POST: the booking, with ways to move or cancel it."""
    web = _web(request)
    if request.method == "GET":
        return web.render(request, "lookup.html", **shown(None))
    fields = await web.form(request)
    try:
        found = await _find(request, fields.get("code", ""))
    except (BadCode, UnknownCode) as error:
        # The form again, with what was typed and why it is no code: a retry is one tap.
        wrong = FormError(f"err_{error.code}", "code")
        status = 400 if isinstance(error, BadCode) else 404
        return web.render(request, "lookup.html", status=status, **shown(wrong, fields))
    return await _booking_page(request, found, fields.get("day", ""))


async def _find(request: Request, code: str) -> Appointment:
    web = _web(request)
    wait_s = web.code_lookups.take(web.caller(request), web.hub.clock())
    if wait_s:
        raise TooManyAttempts(f"too many booking codes from this address: wait {wait_s} s")
    return await web.hub.bookings.get(code, caller=web.caller(request))


async def _booking_page(
    request: Request,
    found: Appointment,
    day_text: str,
    *,
    error: str = "",
    refusal: str = "",
    status: int = 200,
) -> HTMLResponse:
    web = _web(request)
    lang = web.lang(request)
    opens, closes = web.hub.appointments.window(found)
    moves: list[dict[str, object]] = []
    days: list[dict[str, object]] = []
    day = ""
    if found.state is AppointmentState.BOOKED:
        free = await web.hub.bookings.slots(found.service_id, only_free=True)
        free = [v for v in free if v.slot.start_ms != found.slot_ms]
        by_day = Counter(v.slot.day for v in free)
        first, last = web.hub.bookings.horizon()
        chosen = _chosen_day(day_text, first, last, by_day)
        day = chosen.isoformat()
        days = [
            {"iso": d.isoformat(), "label": web.day_text(d, lang), "chosen": d == chosen}
            for d in sorted(by_day)
        ]
        moves = [_slot(web, v, lang) for v in free if v.slot.day == chosen]
    state_key = f"state_{found.state.value}"
    return web.render(
        request,
        "booking.html",
        status=status,
        private=True,
        booking=found,
        state_text=web.t(lang, state_key, ticket=found.ticket_id.rpartition("/")[2]),
        service_name=web.service_name(found.service_id, lang),
        when=web.when_text(found.slot_ms, lang),
        rule=web.check_in_rule(lang, found.slot_ms, opens, closes),
        days=days,
        day=day,
        moves=moves,
        error=error,
        refusal=refusal,
    )


async def cancel(request: Request) -> Response:
    web = _web(request)
    fields = await web.form(request)
    found = await _find(request, fields.get("code", ""))
    cancelled = await web.hub.bookings.cancel(
        found.code, caller=web.caller(request), reason="cancelled by the visitor on the web"
    )
    lang = web.lang(request)
    return web.render(
        request,
        "cancelled.html",
        private=True,
        service_id=cancelled.service_id,
        when=web.when_text(cancelled.slot_ms, lang),
        service_name=web.service_name(cancelled.service_id, lang),
    )


async def move(request: Request) -> Response:
    web = _web(request)
    fields = await web.form(request)
    found = await _find(request, fields.get("code", ""))
    try:
        slot_ms = _int(fields.get("slot"))
        moved = await web.hub.bookings.move(
            found.code, slot_ms, caller=web.caller(request), request_id=_request_id(fields)
        )
    except (SlotFull, SlotUnavailable, FormError) as error:
        key = (
            error.key
            if isinstance(error, FormError)
            else ("err_slot_full" if isinstance(error, SlotFull) else "err_slot_unavailable")
        )
        again = await web.hub.bookings.get(found.code, caller=web.caller(request))
        return await _booking_page(request, again, fields.get("day", ""), error=key, status=409)
    except BookingLimitReached as refused:
        said = web.limit_refusal(refused, web.lang(request))
        return await _booking_page(request, found, fields.get("day", ""), refusal=said, status=409)
    return await _booked_page(request, moved, "moved_title")


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise FormError("err_slot_unavailable") from None


def _request_id(fields: dict[str, str]) -> str:
    """The form's own id (retries of one form book once), kept to the hub's 64 characters."""
    found = fields.get("request_id", "")
    if not found or len(found) > 40 or not found.isalnum():
        return ""
    return f"web-{found}"
