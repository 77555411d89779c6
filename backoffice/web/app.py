"""The dashboard's Starlette app: what pages share (engine, templates, period, language).

Server-rendered (Jinja2, autoescaped) with inline SVG charts and no JavaScript; the live
pages reload themselves with a meta refresh. Reports run on a worker thread, since
SQLAlchemy's engine is synchronous, so one slow report never holds up the others.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import jinja2
from sqlalchemy import Engine, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from backoffice import names, schema
from backoffice.accounts import User
from backoffice.period import Period
from backoffice.web import charts, i18n, words

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
# The dashboard's line for the 15-minute indicator: at most this share waits longer.
TARGET_OVER_15_PCT = 5.0
# A branch whose newest event is older than this is shown as "no link".
STALE_MS = 15 * 60_000
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


_PERIOD = ("from", "to", "branch")


def duration(seconds: int) -> str:
    """A service's length so far: "7:05", or "1:02:05" past an hour."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# A space before a short last word: "Окно 1", "Иванова А.", "гражданина РФ".
_SHORT_TAIL = re.compile(r" (?=\S{1,3}(?: |$))")


def unbroken(name: object) -> str:
    """The ``unbroken`` filter: a name whose short words stay on the line of the word
    before them (a narrow cell breaks "Окно 1" before the number otherwise)."""
    return _SHORT_TAIL.sub("\u00a0", str(name))


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: float) -> str:
    """The ``number`` filter: a figure as the page's language writes it."""
    return charts.number(value, str(context.get("lang", "ru")))


class BadPeriod(ValueError):
    """The period's dates cannot be read, or the start is after the end."""


class Forbidden(PermissionError):
    """A branch head asked for another branch than their own."""


def user_of(request: Request) -> User:
    """Who is signed in; set by ``backoffice.web.signin.signed_in`` before a page runs."""
    user: User = request.state.user
    return user


class Dashboard:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], int] | None = None,
        target_pct: float = TARGET_OVER_15_PCT,
        refresh_s: int = 15,
    ) -> None:
        self.engine = engine
        self.clock = clock or (lambda: time.time_ns() // 1_000_000)
        self.target_pct = target_pct
        self.refresh_s = refresh_s
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["number"] = _number
        self.templates.filters["duration"] = duration
        self.templates.filters["unbroken"] = unbroken
        self.templates.globals["timedelta"] = timedelta
        self.templates.globals["shown"] = words.shown

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock() / 1000, UTC).date()

    def lang(self, request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in i18n.LANGS:
            return asked
        kept = request.cookies.get("lang")
        return kept if kept in i18n.LANGS else "ru"

    def period(self, request: Request) -> Period:
        """The period asked for (``from``, ``to``, ``branch``), the last 30 days by default,
        read as of the dashboard's clock."""
        params = request.query_params
        try:
            end = date.fromisoformat(params["to"]) if params.get("to") else self.today()
            start = (
                date.fromisoformat(params["from"])
                if params.get("from")
                else end - timedelta(days=DEFAULT_DAYS - 1)
            )
        except ValueError as err:
            raise BadPeriod(str(err)) from err
        if start > end or (end - start).days > MAX_DAYS:
            raise BadPeriod(f"{start} to {end}")
        branches = tuple(b for b in params.getlist("branch") if b)
        return Period(start, end, self.scope(request, branches), now_ms=self.clock())

    def scope(self, request: Request, branches: tuple[str, ...]) -> tuple[str, ...]:
        """The branches a page shows: those asked for, or for a branch head their own
        (all when nothing is asked, for a regional manager); Forbidden for another's."""
        user = user_of(request)
        if user.branch_id is None:
            return branches
        if any(not user.sees(b) for b in branches):
            raise Forbidden(f"{user.role} of {user.branch_id}")
        return (user.branch_id,)

    async def read(self, work: Callable[[], T]) -> T:
        return await asyncio.to_thread(work)

    async def branch_ids(self, request: Request) -> list[str]:
        """The registered branches the signed-in person may read."""

        def read() -> list[str]:
            with self.engine.connect() as connection:
                query = select(schema.branches.c.id).order_by(schema.branches.c.id)
                return [str(r) for r in connection.execute(query).scalars()]

        user = user_of(request)
        return [b for b in await self.read(read) if user.sees(b)]

    async def names(self) -> names.Names:
        """The names the hubs told, read for each page (a change shows on the next one)."""
        return await self.read(lambda: names.load(self.engine))

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = self.lang(request)

        def t(key: str, **values: object) -> str:
            return i18n.text(lang, key, **values)

        items = request.query_params.multi_items()
        period = urlencode([(k, v) for k, v in items if k in _PERIOD and v])
        body = self.templates.get_template(template).render(
            t=t,
            lang=lang,
            other_lang="en" if lang == "ru" else "ru",
            path=request.url.path,
            qs=f"?{period}" if period else "",
            keep=urlencode([(k, v) for k, v in items if k != "lang"]),
            user=getattr(request.state, "user", None),
            **context,
        )
        response = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
        response.headers["cache-control"] = "no-cache"
        if request.query_params.get("lang") in i18n.LANGS:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    def error(self, request: Request, error: Exception) -> HTMLResponse:
        if isinstance(error, BadPeriod):
            status, key = 400, "err_bad_period"
        elif isinstance(error, Forbidden):
            status, key = 403, "err_forbidden"
        elif isinstance(error, HTTPException) and error.status_code == 404:
            status, key = 404, "err_not_found"
        else:
            status, key = 500, "err_internal"
        message = i18n.text(self.lang(request), key)
        return self.render(request, "error.html", status=status, message=message)


def guarded(dashboard: Dashboard, handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except (BadPeriod, Forbidden, HTTPException) as error:
            return dashboard.error(request, error)
        except Exception as error:
            log.exception("dashboard page failed path=%s", request.url.path)
            return dashboard.error(request, error)

    return run
