"""``/metrics``: the hub's Prometheus figures on its web port (hub/metrics.py).

Counts only, nothing personal; a scraper that should not reach the visitors' pages can be
pointed at the same port from the branch's LAN, since the pages hold no secrets either.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.metrics import CONTENT_TYPE
from hub.web.site import Web


async def metrics(request: Request) -> Response:
    web: Web = request.app.state.web
    body = await web.metrics.render()
    return Response(body, media_type=CONTENT_TYPE, headers={"cache-control": "no-store"})
