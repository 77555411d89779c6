"""The hub's web pages: booking, the live queue, a ticket by its QR code, the call centre.

Served by ``okno hub --web-listen HOST:PORT`` in the hub's own process and loop
(docs/web.md); :func:`serve_web` starts them beside a running Hub.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hub.web.app import create_app, create_web
from hub.web.site import Web
from hub.web.tls import is_loopback, pages_tls
from hub.webserver import WebServer

if TYPE_CHECKING:
    from hub.metrics import Outboxes
    from hub.notify.notifier import Notifier
    from hub.service import Hub

log = logging.getLogger(__name__)


async def serve_web(
    hub: Hub,
    address: str,
    notifier: Notifier | None = None,
    outboxes: Outboxes | None = None,
) -> WebServer:
    """Start the pages on ``address`` ("host:port", port 0: any); ``server.port`` tells it.

    HTTPS unless ``address`` is loopback (``hub/web/tls.py``). ``outboxes`` (name -> last
    delivered seq) are reported on ``/metrics`` as lag.
    """
    host = address.rpartition(":")[0].strip("[]")
    app = create_web(hub, notifier, host)
    web: Web = app.state.web
    for name, delivered in (outboxes or {}).items():
        web.metrics.add_outbox(name, delivered)
    tls = None if is_loopback(host) else pages_tls(hub, web.host_names())
    branch = hub.loaded.branch
    links = {
        "ticket_page_url": branch.ticket_page_url,
        "public_url": branch.notifications.public_url,
    }
    for key, link in links.items():
        if tls is not None and link.startswith("http://"):
            log.warning(
                "web pages are HTTPS only but %s starts with http://: the QR codes and "
                "message links lead nowhere; write https:// in the branch file",
                key,
            )
    server = WebServer(app, address, tls=tls)
    await server.start()
    return server


__all__ = [
    "Web",
    "create_app",
    "create_web",
    "serve_web",
]
