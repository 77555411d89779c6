"""What the hub's web pages share: the hub, templates, forms, and error pages.

Every page module takes :class:`Web` from here; the app (``hub/web/app.py``) only mounts
the pages. Pages are rendered on the server (Jinja2, autoescaped) and work without
JavaScript; a small script refreshes the live pages. Every read waits for the commit of
what it shows, like the gRPC reads (docs/hub.md), because it goes through the same Hub
methods.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from hub.errors import (
    BookingLimitReached,
    HubError,
    InvalidRequest,
    NotFound,
    Refused,
    SignedOut,
    StaffOnly,
    StoreUnavailable,
    TooManyAttempts,
)
from hub.metrics import HubMetrics
from hub.staff import SignedIn
from hub.web import i18n
from hub.web.security import (
    CALL_CENTRE_ROLES,
    CSRF_COOKIE,
    STAFF_COOKIE,
    RateLimit,
    csrf_ok,
    host_names,
    new_csrf,
)
from okno.booking_limit import held_words, limit_words, sentence
from okno.dates import WEEKDAYS
from okno.privacy import contacts_notice

if TYPE_CHECKING:
    from hub.notify.notifier import Notifier
    from hub.service import Hub

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
HOUR_MS = 3_600_000
_WAIT = re.compile(r"wait (\d+) s")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Pages carry booking codes in forms and opt-out tokens in links: tell no one.
    "referrer-policy": "no-referrer",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


class FormError(Exception):
    """A form field is wrong; ``key`` names the visitor's text (hub/web/i18n.py) and
    ``field`` the input it is about, where the page shows it (empty: the whole form)."""

    def __init__(self, key: str, field: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.field = field


class CsrfFailed(Exception):
    """A form without the browser's CSRF token: another site's, or a stale page."""


class Web:
    """What the pages share: the hub, the notifier, templates, keys and limits."""

    def __init__(self, hub: Hub, notifier: Notifier | None, listen_host: str = "") -> None:
        """``listen_host`` is the host of the address the pages listen on ("": all)."""
        self.hub = hub
        self._notifier = notifier
        self.listen_host = listen_host
        self._names: tuple[Any, frozenset[str]] | None = None
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # In front of the hub's own limit of wrong codes (10 per caller in 15 minutes).
        self.code_lookups = RateLimit(limit=30, window_ms=15 * 60_000)
        self.bookings_made = RateLimit(limit=10, window_ms=HOUR_MS)
        self.watches_made = RateLimit(limit=10, window_ms=HOUR_MS)
        self.status_cache: dict[tuple[str, bool], tuple[int, int, str]] = {}
        # How often the live pages poll, seconds (tests make it short).
        self.refresh_s = 5.0
        self.metrics = HubMetrics(hub)

    @property
    def notifier(self) -> Notifier | None:
        """The notifier given, else the hub's own, which a reload may start, stop or replace."""
        return self._notifier if self._notifier is not None else self.hub.notifier

    @property
    def branch(self) -> Any:
        return self.hub.loaded.branch

    def host_names(self) -> frozenset[str]:
        """The names the pages answer to (``security.host_names``), for the running branch:
        a reload that changes ticket_page_url changes them."""
        branch = self.branch
        if self._names is None or self._names[0] is not branch:
            self._names = (branch, host_names(branch, self.listen_host))
        return self._names[1]

    def lang(self, request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in i18n.LANGS:
            return asked
        kept = request.cookies.get("lang")
        return kept if kept in i18n.LANGS else "ru"

    def caller(self, request: Request) -> str:
        return f"web:{request.client.host if request.client else '-'}"

    def call_centre(self, request: Request) -> SignedIn:
        """The signed-in call-centre member the request's cookie stands for, or StaffOnly."""
        found = self.staff(request)
        if found is None or not CALL_CENTRE_ROLES & set(found.roles):
            raise StaffOnly("the call-centre pages are for signed-in staff")
        return found

    def staff(self, request: Request) -> SignedIn | None:
        """The staff session the request's cookie stands for, if it is live."""
        token = request.cookies.get(STAFF_COOKIE)
        if not token:
            return None
        try:
            return self.hub.staff.session(token)
        except SignedOut:
            return None

    def render(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        private: bool = False,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A page in the visitor's language; ``private`` pages (codes) are never cached."""
        lang = self.lang(request)
        csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()

        def t(key: str, **values: object) -> str:
            return i18n.text(lang, key, **values)

        body = self.templates.get_template(template).render(
            t=t,
            lang=lang,
            other_lang="en" if lang == "ru" else "ru",
            csrf=csrf,
            branch=self.branch,
            path=request.url.path,
            staff=self.staff(request),
            refresh_s=self.refresh_s,
            privacy=contacts_notice(lang, self.branch.appointments.keep_contacts_days),
            **context,
        )
        response = HTMLResponse(
            body, status_code=status, headers=SECURITY_HEADERS | (headers or {})
        )
        response.headers["cache-control"] = "no-store" if private else "no-cache"
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(
                CSRF_COOKIE,
                csrf,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        if request.query_params.get("lang") in i18n.LANGS:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    async def form(self, request: Request) -> dict[str, str]:
        """The posted form's fields (first value each), once its CSRF token is checked.

        The body is at most ``MAX_BODY``: the app reads no more (``LimitedBody``).
        """
        body = await request.body()
        fields = {
            k: v[0]
            for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()
        }
        if not csrf_ok(request.cookies.get(CSRF_COOKIE), fields.get("csrf")):
            raise CsrfFailed
        return fields

    def error(self, request: Request, error: Exception, *, back: str = "") -> HTMLResponse:
        """A page that says what went wrong and what to do, with the right status code."""
        lang = self.lang(request)
        status, key, values = _describe(error, lang)
        headers = {}
        if status == 429 and "wait" in values:
            headers["retry-after"] = str(values.pop("seconds"))
        return self.render(
            request,
            "error.html",
            status=status,
            message=i18n.text(lang, key, **values),
            back=back or request.headers.get("x-back", ""),
            headers=headers,
        )

    def t(self, lang: str, key: str, **values: object) -> str:
        return i18n.text(lang, key, **values)

    def check_in_rule(self, lang: str, slot_ms: int, opens: int, closes: int) -> str:
        calendar = self.hub.appointments.calendar
        return i18n.text(
            lang,
            "check_in_rule",
            day=self.date_text(calendar.today(slot_ms), lang),
            opens=calendar.clock(opens),
            closes=calendar.clock(closes),
        )

    def date_text(self, day: date, lang: str) -> str:
        """ "23 ноября" / "23 Nov": the date in a sentence."""
        return f"{day.day} {i18n.MONTHS[lang][day.month - 1]}"

    def day_text(self, day: date, lang: str) -> str:
        return f"{WEEKDAYS[lang][day.weekday()]} {day.day} {i18n.MONTHS[lang][day.month - 1]}"

    def when_text(self, ms: int, lang: str) -> str:
        calendar = self.hub.appointments.calendar
        return f"{self.day_text(calendar.today(ms), lang)}, {calendar.clock(ms)}"

    def limit_refusal(
        self, error: BookingLimitReached, lang: str, *, with_code: bool = False
    ) -> str:
        """The limit and the booking that fills it (its service named when the limit covers
        several), in a sentence; the booking's code only ``with_code`` (the call centre: a
        visitor's page would show it to whoever typed the phone number)."""
        calendar = self.hub.appointments.calendar
        held = error.held_slot_ms
        when = f"{self.date_text(calendar.today(held), lang)}, {calendar.clock(held)}"
        several = len(error.services) > 1
        other = self.service_name(error.held_service, lang) if several else ""
        return sentence(
            limit_words(
                error.most, error.per, [self.service_name(s, lang) for s in error.services], lang
            ),
            held_words(when, other, error.held_code if with_code else "", lang),
        )

    def service_name(self, service_id: str, lang: str) -> str:
        service = self.branch.service(service_id)
        if service is None:
            return service_id
        return str(service.name_en if lang == "en" else service.name_ru)


def _describe(error: Exception, lang: str) -> tuple[int, str, dict[str, object]]:
    """(status code, text key, values) for what a handler raised."""
    if isinstance(error, FormError):
        return 400, error.key, {}
    if isinstance(error, CsrfFailed):
        return 403, "err_csrf", {}
    if isinstance(error, HTTPException):
        return (
            error.status_code,
            "err_not_found" if error.status_code == 404 else "err_internal",
            {},
        )
    if isinstance(error, TooManyAttempts):
        found = _WAIT.search(str(error))
        seconds = int(found.group(1)) if found else 60
        wait = _duration(seconds, lang)
        return 429, "err_too_many_attempts", {"wait": wait, "seconds": seconds}
    if isinstance(error, HubError):
        key = f"err_{error.code}"
        if key not in i18n.TEXTS["ru"]:
            key = {
                NotFound: "err_not_found",
                InvalidRequest: "err_invalid_request",
                Refused: "err_refused",
                StoreUnavailable: "err_store_unavailable",
            }.get(_family(error), "err_internal")
        return http_status(error), key, {}
    return 500, "err_internal", {}


def _family(error: HubError) -> type[HubError]:
    for family in (NotFound, InvalidRequest, Refused, StoreUnavailable):
        if isinstance(error, family):
            return family
    return HubError


def http_status(error: HubError) -> int:
    """The HTTP status that tells a browser (and a proxy's log) what kind of refusal it was."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidRequest):
        return 400
    if isinstance(error, Refused):
        return 409
    if isinstance(error, StoreUnavailable):
        return 503
    if isinstance(error, PermissionError):
        return 403
    return 500


def _duration(seconds: int, lang: str) -> str:
    """ "40 с" / "15 мин" on a Russian page, "40 s" / "15 min" on an English one."""
    minutes = (seconds + 59) // 60
    seconds_unit, minutes_unit = ("с", "мин") if lang == "ru" else ("s", "min")
    return f"{seconds} {seconds_unit}" if seconds < 60 else f"{minutes} {minutes_unit}"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)
