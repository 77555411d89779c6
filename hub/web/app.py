"""The hub's web pages: one Starlette app over the Hub and its bookings, in the hub's loop.

The pages are modules of their own (visitor, hall, rating, staff, monitoring) over what
they share (``hub/web/site.py``); this only mounts them and turns a failure into a page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hub.errors import HubError
from hub.web import (
    application,
    call_centre,
    catalogue,
    hall,
    hall_admin,
    monitoring,
    rating,
    staff,
    visitor,
)
from hub.web.security import AllowedHosts, LimitedBody
from hub.web.site import HERE, CsrfFailed, FormError, Web, http_status
from okno.logtext import oneline

if TYPE_CHECKING:
    from hub.notify.notifier import Notifier
    from hub.service import Hub

log = logging.getLogger(__name__)
Handler = Callable[[Request], Awaitable[Response]]


def create_web(hub: Hub, notifier: Notifier | None = None, listen_host: str = "") -> Starlette:
    """The pages of a running hub (and its notifier, when messages are set up)."""
    return create_app(Web(hub, notifier, listen_host))


def create_app(web: Web) -> Starlette:
    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except (HubError, FormError, CsrfFailed) as error:
                if isinstance(error, HubError) and http_status(error) >= 500:
                    log.warning(
                        "web request failed path=%s code=%s", oneline(request.url.path), error.code
                    )
                return web.error(request, error)
            except Exception:
                log.exception("web page failed path=%s", oneline(request.url.path))
                return web.error(request, RuntimeError())

        return run

    routes = [
        Route("/", guarded(visitor.home)),
        Route("/book", guarded(visitor.services)),
        Route("/book/{service}", guarded(visitor.book), methods=["GET", "POST"]),
        Route("/booking", guarded(visitor.booking), methods=["GET", "POST"]),
        Route("/booking/cancel", guarded(visitor.cancel), methods=["POST"]),
        Route("/booking/move", guarded(visitor.move), methods=["POST"]),
        Route("/services", guarded(catalogue.services)),
        Route("/services/{service}", guarded(catalogue.service)),
        Route("/forms/{form}.pdf", guarded(catalogue.form)),
        Route("/application", guarded(application.look_up), methods=["GET", "POST"]),
        Route("/status", guarded(hall.status)),
        Route("/t/{day}/{number}", guarded(hall.ticket)),
        Route("/t/{day}/{number}/notify", guarded(hall.notify), methods=["POST"]),
        Route("/stop/{token}", guarded(hall.stop), methods=["GET", "POST"]),
        Route("/sms/inbound", hall.sms_inbound, methods=["POST"]),
        Route("/rate/{token}", guarded(rating.rate), methods=["GET", "POST"]),
        Route("/metrics", monitoring.metrics),
        Route("/operator", guarded(staff.page)),
        Route("/operator/sign-in", guarded(staff.sign_in), methods=["GET", "POST"]),
        Route("/operator/sign-out", guarded(staff.sign_out), methods=["POST"]),
        Route("/operator/book", guarded(staff.book), methods=["POST"]),
        Route("/operator/find", guarded(staff.find), methods=["POST"]),
        Route("/operator/cancel", guarded(staff.cancel), methods=["POST"]),
        Route("/operator/catalogue", guarded(catalogue.operator)),
        Route("/operator/applications", guarded(call_centre.page)),
        Route("/operator/hall", guarded(hall_admin.page)),
        Route("/operator/hall/issue", guarded(hall_admin.issue), methods=["POST"]),
        Route(
            "/operator/applications/status",
            guarded(call_centre.set_status),
            methods=["POST"],
        ),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, error: Exception) -> Response:
        return web.error(request, error)

    async def failed(request: Request, error: Exception) -> Response:
        log.exception("web request failed path=%s", oneline(request.url.path), exc_info=error)
        return web.error(request, RuntimeError())

    app = Starlette(
        routes=routes,
        # The Host is checked before a byte of the body is read.
        middleware=[Middleware(AllowedHosts, names=web.host_names), Middleware(LimitedBody)],
        exception_handlers={HTTPException: not_found, Exception: failed},
    )
    app.state.web = web
    return app
