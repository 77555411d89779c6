"""Signing in to the dashboard: the sign-in page, the session cookie, signing out.

Every page, report and export runs behind :func:`signed_in`; a request without a live
session is sent to ``/signin`` (303) with the page it asked for, and back there once
signed in. The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's
page sends it, so a forged form cannot sign anyone out or read anything as them) and
Secure when the dashboard is reached over HTTPS.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from backoffice.accounts import SESSION_MS, authenticate, close_session, open_session, session_user
from backoffice.web.app import Dashboard, Handler

log = logging.getLogger(__name__)
COOKIE = "okno_session"
# A sign-in form is a name, a password and the page to return to: more is not one.
MAX_FORM_BYTES = 4096


def signed_in(dashboard: Dashboard, handler: Handler) -> Handler:
    """``handler`` for a signed-in person only (``request.state.user``); others to /signin."""

    async def run(request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        user = (
            await dashboard.read(lambda: session_user(dashboard.engine, token)) if token else None
        )
        if user is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?{urlencode({'next': here})}", status_code=303)
        request.state.user = user
        return await handler(request)

    return run


def routes_of(dashboard: Dashboard) -> tuple[Handler, Handler, Handler]:
    """The endpoints of GET /signin, POST /signin and POST /signout."""

    async def page(request: Request) -> Response:
        return _page(dashboard, request, _next(request.query_params.get("next", "")))

    async def sign_in(request: Request) -> Response:
        refused = _cross_site(request)
        if refused is not None:
            return refused
        form = await _form(request)
        if isinstance(form, Response):
            return form
        name, password = form.get("name", ""), form.get("password", "")
        user = await dashboard.read(lambda: authenticate(dashboard.engine, name, password))
        if user is None:
            log.warning("dashboard sign-in refused: wrong name or password")
            return _page(dashboard, request, _next(form.get("next", "")), failed=True)
        token = await dashboard.read(lambda: open_session(dashboard.engine, user.name))
        log.info("dashboard signed in role=%s", user.role)
        response = RedirectResponse(_next(form.get("next", "")), status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=SESSION_MS // 1000,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def sign_out(request: Request) -> Response:
        refused = _cross_site(request)
        if refused is not None:
            return refused
        token = request.cookies.get(COOKIE, "")
        if token:
            await dashboard.read(lambda: close_session(dashboard.engine, token))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(
            COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https"
        )
        return response

    return page, sign_in, sign_out


def _page(dashboard: Dashboard, request: Request, after: str, *, failed: bool = False) -> Response:
    status = 401 if failed else 200
    return dashboard.render(request, "signin.html", status=status, next=after, failed=failed)


def _next(asked: str) -> str:
    """Where to go once signed in: a path of this dashboard only, never another site."""
    if asked.startswith("/") and not asked.startswith(("//", "/\\")):
        return asked
    return "/"


def _cross_site(request: Request) -> Response | None:
    """403 for a form posted from a page of another site: the browser says so in
    Sec-Fetch-Site, or its Origin names another host. (The dashboard's own pages send no
    referrer, so a browser gives their forms the Origin "null".)"""
    fetched = request.headers.get("sec-fetch-site", "same-origin")
    origin = request.headers.get("origin", "null")
    elsewhere = origin != "null" and urlsplit(origin).netloc != request.headers.get("host")
    if fetched not in {"same-origin", "none"} or elsewhere:
        return PlainTextResponse("a form of another site: sign in on the dashboard", 403)
    return None


async def _form(request: Request) -> dict[str, str] | Response:
    """The posted form's fields, read no further than MAX_FORM_BYTES (413 beyond)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse(
                f"a sign-in form is at most {MAX_FORM_BYTES} bytes", status_code=413
            )
    try:
        fields = parse_qs(body.decode(), max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        return PlainTextResponse("the sign-in form cannot be read", status_code=400)
    return {key: values[0] for key, values in fields.items()}
