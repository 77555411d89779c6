"""The hub's web pages: booking, the live queue, a ticket by its QR code, the call centre.

Served by ``okno hub --web-listen HOST:PORT`` in the hub's own process and loop
(docs/web.md); :func:`serve_web` starts them beside a running Hub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.web.app import create_app, create_web
from hub.web.site import Web
from hub.webserver import WebServer

if TYPE_CHECKING:
    from hub.metrics import Outboxes
    from hub.notify.notifier import Notifier
    from hub.service import Hub


async def serve_web(
    hub: Hub,
    address: str,
    notifier: Notifier | None = None,
    outboxes: Outboxes | None = None,
) -> WebServer:
    """Start the pages on ``address`` ("host:port", port 0: any); ``server.port`` tells it.

    ``outboxes`` (name -> last delivered seq) are reported on ``/metrics`` as lag.
    """
    app = create_web(hub, notifier)
    for name, delivered in (outboxes or {}).items():
        app.state.web.metrics.add_outbox(name, delivered)
    server = WebServer(app, address)
    await server.start()
    return server


__all__ = [
    "Web",
    "create_app",
    "create_web",
    "serve_web",
]
