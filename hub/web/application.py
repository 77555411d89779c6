"""The visitor's look-up of an application: its number and the phone left at the desk.

Only whoever holds both halves sees the application (``Applications.look_up``); a wrong
number and a wrong phone get the same page, and wrong pairs are counted per address by
the hub, so that neither half can be found out by trying. A number or phone that cannot
be one is told at its field without asking the hub: its shape tells nobody anything.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.applications import ApplicationStatus, normalise_number
from hub.domain.appointments import contacts
from hub.errors import InvalidRequest, UnknownApplication
from hub.web.application_view import collect_link, shown
from hub.web.forms import shown as form_shown
from hub.web.site import FormError, Web


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def look_up(request: Request) -> Response:
    """GET: the form. POST: the application, or the form again saying what was wrong."""
    web = _web(request)
    if request.method == "GET":
        return web.render(request, "application_lookup.html", **form_shown(None))
    fields = await web.form(request)
    try:
        number, phone = _typed(fields)
        found = await web.hub.applications.look_up(number, phone, caller=web.caller(request))
    except FormError as wrong:
        return _form_again(request, wrong, fields, 400)
    except UnknownApplication:
        return _form_again(request, FormError("err_unknown_application"), fields, 404)
    lang = web.lang(request)
    return web.render(
        request,
        "application.html",
        private=True,
        app=shown(web, found, lang),
        collect=collect_link(web) if found.status is ApplicationStatus.READY else "",
    )


def _typed(fields: dict[str, str]) -> tuple[str, str]:
    number = normalise_number(fields.get("number", ""))
    if not number:
        raise FormError("err_application_number", "number")
    try:
        phone = contacts.phone(fields.get("phone", ""))
    except InvalidRequest:
        raise FormError("err_bad_phone", "phone") from None
    if not phone:
        raise FormError("err_bad_phone", "phone")
    return number, phone


def _form_again(
    request: Request, error: FormError, fields: dict[str, str], status: int
) -> Response:
    return _web(request).render(
        request,
        "application_lookup.html",
        status=status,
        private=True,
        **form_shown(error, fields),
    )
