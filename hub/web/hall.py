"""The hall's public pages: the live queue, one ticket by its QR code, and opting out.

The live pages answer from memory once what they show is committed, and are cached per
committed sequence: a hall full of phones polling costs one render per change. A
browser that polls with If-None-Match gets 304 while nothing has changed.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.domain.appointments import contacts
from hub.domain.model import Snapshot, Ticket, TicketState
from hub.domain.position import position
from hub.errors import InvalidRequest, TooManyAttempts, UnknownTicket
from hub.notify.inbound import read_reply
from hub.web.forms import contact, shown
from hub.web.site import SECURITY_HEADERS, FormError, Web
from okno.links import ticket_url

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"^[A-ZА-ЯЁ]{1,2}\d{3,5}$")
# The status page shows the longest waits in minutes: re-rendered at least this often.
STATUS_BUCKET_MS = 15_000


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _partial(request: Request) -> bool:
    return request.headers.get("x-partial") == "1"


async def status(request: Request) -> Response:
    """Waiting per service, the calls now, the expected waits; cached per sequence."""
    web = _web(request)
    lang = web.lang(request)
    partial = _partial(request)
    await web.hub.once_committed(None)
    seq = web.hub.committed_seq
    bucket = web.hub.clock() // STATUS_BUCKET_MS
    etag = f'"s{seq}-{bucket}-{lang}"'
    if partial and request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"etag": etag})
    cached = web.status_cache.get((lang, partial))
    if cached is not None and cached[0] == seq and cached[1] == bucket:
        body = cached[2]
    else:
        snapshot = await web.hub.snapshot()
        context = _status_context(web, snapshot, lang)
        if partial:
            body = web.templates.get_template("_status.html").render(
                t=lambda key, **v: web.t(lang, key, **v), **context
            )
        else:
            body = bytes(web.render(request, "status.html", **context).body).decode()
        web.status_cache[(lang, partial)] = (snapshot.seq, bucket, body)
    response = Response(body, media_type="text/html", headers=SECURITY_HEADERS)
    response.headers["etag"] = etag
    response.headers["cache-control"] = "no-cache"
    if request.query_params.get("lang") in ("ru", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


def _status_context(web: Web, snapshot: Snapshot, lang: str) -> dict[str, Any]:
    tickets = {t.id: t for t in snapshot.tickets}
    services = []
    for queue in snapshot.queues:
        estimate = queue.estimate
        if queue.waiting == 0:
            wait = web.t(lang, "nobody_waiting")
        elif not estimate.known:
            wait = web.t(lang, "no_open_desk")
        else:
            wait = _minutes(web, lang, estimate.wait_s)
        services.append(
            {
                "name": web.service_name(queue.service_id, lang),
                "waiting": queue.waiting,
                "wait": wait,
            }
        )
    calls = []
    for desk in sorted(snapshot.desks, key=lambda d: d.number):
        ticket = tickets.get(desk.current_ticket_id)
        if ticket is None:
            continue
        calls.append(
            {
                "number": ticket.number,
                "desk": desk.number,
                "state": web.t(lang, "called" if ticket.state is TicketState.CALLED else "serving"),
                "called": ticket.state is TicketState.CALLED,
            }
        )
    calls.sort(key=lambda c: (not c["called"], c["desk"]))
    return {
        "services": services,
        "calls": calls,
        "updated": web.hub.appointments.calendar.clock(snapshot.at_ms),
    }


def _minutes(web: Web, lang: str, seconds: int) -> str:
    """The estimate's whole minutes (hub/domain/estimate.py), as the ticket page says them."""
    if not seconds:
        return web.t(lang, "under_min")
    return web.t(lang, "about_min", n=seconds // 60)


async def ticket(request: Request) -> Response:
    found = await _ticket(request)
    return await _ticket_page(request, found)


async def _ticket(request: Request) -> Ticket:
    web = _web(request)
    day, number = request.path_params["day"], request.path_params["number"]
    try:
        date.fromisoformat(day)
    except ValueError:
        raise UnknownTicket("no such ticket") from None
    if not _NUMBER.match(number):
        raise UnknownTicket("no such ticket")
    return await web.hub.ticket(f"{day}/{number}")


async def _ticket_page(
    request: Request,
    found: Ticket,
    *,
    message: str = "",
    error: FormError | None = None,
    fields: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    web = _web(request)
    lang = web.lang(request)
    context: dict[str, Any] = {"ticket": found, "message": message, **shown(error, fields)}
    desk = web.branch.desk(found.desk_id) if found.desk_id else None
    desk_number = desk.number if desk is not None else ""
    state = found.state
    lines: list[str] = []
    big = ""
    if state is TicketState.WAITING and found.day == web.hub.engine.day:
        where = position(await web.hub.snapshot(), found)
        big = (
            web.t(lang, "ticket_ahead", n=where.people_ahead)
            if where.people_ahead
            else web.t(lang, "ticket_ahead_none")
        )
        if not where.known:
            lines.append(web.t(lang, "ticket_wait_unknown"))
        elif where.wait_s:
            lines.append(web.t(lang, "ticket_wait", n=where.wait_s // 60))
        else:
            lines.append(web.t(lang, "ticket_wait_now"))
        lines.insert(0, web.t(lang, "ticket_waiting"))
    elif state is TicketState.CALLED:
        big = web.t(lang, "ticket_called", desk=desk_number)
    elif state is TicketState.SERVING:
        big = web.t(lang, "ticket_serving", desk=desk_number)
    else:
        big = web.t(lang, f"ticket_{state.value}") if state is not TicketState.WAITING else ""
    live = state in (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)
    notifier = web.notifier
    watching = False
    if notifier is not None and notifier.channels and live:
        watching = await notifier.watching(found.id)
    context |= {
        "big": big,
        "lines": lines,
        "state": state.value,
        "live": live,
        "service_name": web.service_name(found.service_id, lang),
        "channels": notifier.channels if notifier is not None and live else [],
        "watching": watching,
        "turn_near": web.branch.notifications.turn_near_ahead,
        "url": ticket_url("/t/{ticket}", found.id),
    }
    if _partial(request):
        body = web.templates.get_template("_ticket.html").render(
            t=lambda key, **v: web.t(lang, key, **v), **context
        )
        return Response(body, media_type="text/html", headers=SECURITY_HEADERS)
    return web.render(request, "ticket.html", status=status, **context)


async def notify(request: Request) -> Response:
    """ "Notify me" on the ticket page: the visitor's phone or e-mail for this ticket."""
    web = _web(request)
    fields = await web.form(request)
    found = await _ticket(request)
    lang = web.lang(request)
    if web.notifier is None or not web.notifier.channels:
        raise FormError("err_notifications_off")
    wait_s = web.watches_made.take(web.caller(request), web.hub.clock())
    if wait_s:
        raise TooManyAttempts(f"too many requests from this address: wait {wait_s} s")
    try:
        phone, email = contact(fields)
    except FormError as error:
        # Sent back as typed, the error at its field: nothing to type again.
        return await _ticket_page(request, found, error=error, fields=fields, status=400)
    try:
        watch = await web.notifier.watch(found.id, phone, email, lang)
    except InvalidRequest:
        wrong = FormError("err_no_contact", "phone")
        return await _ticket_page(request, found, error=wrong, fields=fields, status=400)
    where = ", ".join(x for x in (watch.phone_hint, watch.email_hint) if x)
    message = (
        web.t(lang, "notify_done", n=web.branch.notifications.turn_near_ahead)
        if watch.new
        else web.t(lang, "notify_on", where=where)
    )
    return await _ticket_page(request, found, message=message)


async def stop(request: Request) -> Response:
    """An opt-out link from a message: GET asks (mail scanners follow links), POST stops."""
    web = _web(request)
    token = request.path_params["token"]
    if request.method == "GET":
        return web.render(request, "stop.html", token=token, done=False, bad=False)
    await web.form(request)
    done = web.notifier is not None and await web.notifier.stop_by_token(token)
    return web.render(
        request, "stop.html", token=token, done=done, bad=not done, status=200 if done else 404
    )


async def sms_inbound(request: Request) -> Response:
    """The SMS gateway posts a visitor's reply here; "СТОП" stops messages to that phone,
    an application's number (or "СТАТУС <number>") asks its status (answered by SMS only
    to the application's own phone: Notifier.reply_status).

    The gateway proves itself with the same bearer token the hub sends it
    (OKNO_SMS_TOKEN). Without a token configured nobody can prove to be the gateway, so
    replies are refused: anyone could otherwise stop another person's messages.
    """
    web = _web(request)
    token = os.environ.get("OKNO_SMS_TOKEN", "")
    if not token:
        return JSONResponse(
            {
                "error": "SMS replies are off: the hub has no OKNO_SMS_TOKEN; set the same "
                "token for the hub and the gateway"
            },
            status_code=403,
        )
    given = request.headers.get("authorization", "").encode()
    if not hmac.compare_digest(given, f"Bearer {token}".encode()):
        return JSONResponse({"error": "unknown token"}, status_code=401)
    if web.notifier is None:
        return JSONResponse({"error": "notifications are off"}, status_code=404)
    try:
        body = json.loads(await request.body())
        sender, words = str(body["from"]), str(body["text"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": 'expected JSON with "from" and "text"'}, status_code=400)
    asked = read_reply(words)
    if not (asked.stop or asked.number):
        return JSONResponse({"stopped": False, "replied": False})
    try:
        phone = contacts.phone(sender)
    except ValueError:
        return JSONResponse({"error": "not a phone number"}, status_code=400)
    if asked.stop:
        await web.notifier.stop_address(phone)
        return JSONResponse({"stopped": True})
    replied = await web.notifier.reply_status(phone, asked.number)
    return JSONResponse({"stopped": False, "replied": replied})
