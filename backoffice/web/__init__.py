"""The back office's dashboard: the region at a glance, each branch now, every report.

``create_app(engine)`` gives a Starlette app to serve with uvicorn (or
``hub.web.WebServer``) beside the sync server; docs/backoffice_dashboard.md.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from backoffice.metrics import metrics_route
from backoffice.web.app import HERE, TARGET_OVER_15_PCT, Dashboard, guarded
from backoffice.web.signin import routes_of, signed_in

log = logging.getLogger(__name__)
# The names the dashboard answers to unless told others: the machine itself.
DEFAULT_HOSTS = ("localhost", "127.0.0.1")


def create_app(
    engine: Engine,
    *,
    hosts: Sequence[str] = DEFAULT_HOSTS,
    clock: Callable[[], int] | None = None,
    target_pct: float = TARGET_OVER_15_PCT,
    refresh_s: int = 15,
) -> Starlette:
    """The dashboard over the back office's store; ``clock`` (ms) for tests and demos.

    ``hosts`` are the names it answers to (the Host header; 400 for any other), so that a
    page served under a name an attacker controls (DNS rebinding) gets nothing. Every page,
    report and export needs a signed-in person (backoffice/web/signin.py); /metrics and
    the style sheet do not.
    """
    from backoffice.web import pages

    dashboard = Dashboard(engine, clock=clock, target_pct=target_pct, refresh_s=refresh_s)

    def page(handler: pages.Handler) -> pages.Handler:
        return signed_in(dashboard, guarded(dashboard, handler))

    sign_in_page, sign_in, sign_out = routes_of(dashboard)
    routes = [
        Route("/signin", sign_in_page, methods=["GET"]),
        Route("/signin", sign_in, methods=["POST"]),
        Route("/signout", sign_out, methods=["POST"]),
        Route("/", page(pages.overview)),
        Route("/live", page(pages.live)),
        Route("/live/{branch}", page(pages.live)),
        Route("/reports/{name}", page(pages.report)),
        Route("/export/{name}.{fmt}", page(pages.export)),
        Route("/ratings/vashkontrol.csv", page(pages.ratings_export)),
        metrics_route(engine),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, error: Exception) -> Response:
        return dashboard.error(request, error)

    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
        exception_handlers={HTTPException: not_found},
    )
    app.state.dashboard = dashboard
    return app


async def with_dashboard(
    engine: Engine, address: str, main: Awaitable[None], hosts: Sequence[str] = DEFAULT_HOSTS
) -> None:
    """Serve the dashboard on ``address`` ("host:port") while ``main`` runs (the sync server);
    ``hosts``: the names it is reached by (create_app).

    An empty ``address`` serves no dashboard. A port already taken stops before ``main``
    starts, with AddressInUse saying so.
    """
    if not address:
        await main
        return
    from hub.webserver import WebServer

    server = WebServer(create_app(engine, hosts=hosts), address)
    port = await server.start()
    log.info("dashboard serving address=%s port=%d", address, port)
    try:
        await main
    finally:
        await server.stop()


__all__ = ["create_app", "with_dashboard"]
