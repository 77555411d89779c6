"""CSRF tokens and request limits of the web pages; staff sign in through ``hub.staff``.

- Staff sign in with their ``[[operators]]`` id and PIN (``hub/staff``, docs/staff.md):
  the session token the hub gives is kept in an HttpOnly cookie sent only to
  ``/operator`` pages, and lives in the hub's memory like every staff session.
- Every form carries a CSRF token equal to a random cookie of the browser (double
  submit); a form posted from another site cannot read it.
- Limits: bookings and "notify me" requests are rate-limited per address, and code
  lookups too, in front of the hub's own count of wrong codes per caller. A body is read
  only up to :data:`MAX_BODY` (:class:`LimitedBody`): more is refused while reading.
- Host names: the pages answer only to the hub's names and to IP addresses
  (:class:`AllowedHosts`), so another site's script reaching them through DNS rebinding
  is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from hub.domain.branch import Branch

CSRF_COOKIE = "okno_csrf"
STAFF_COOKIE = "okno_staff"
# Roles that may use the call-centre pages (book for callers, see bookings by phone, look
# applications up with the phone to call): the call_centre role's own job among them.
CALL_CENTRE_ROLES = frozenset({"operator", "administrator", "call_centre"})
# The largest form or JSON the pages take: a booking form is well under 1 KiB.
MAX_BODY = 16 * 1024
# Addresses that listen on every interface name no host of their own.
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, form_value: str | None) -> bool:
    return bool(cookie and form_value) and hmac.compare_digest(str(cookie), str(form_value))


@dataclass
class RateLimit:
    """At most ``limit`` actions per key in a sliding window; answers the wait in seconds."""

    limit: int
    window_ms: int
    _seen: dict[str, deque[int]] = field(default_factory=dict)

    def take(self, key: str, now_ms: int) -> int:
        """Count one action; 0 if allowed, else the seconds to wait (nothing counted)."""
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now_ms - self.window_ms:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(1, (seen[0] + self.window_ms - now_ms + 999) // 1000)
        seen.append(now_ms)
        if len(self._seen) > 10_000:
            # Forget quiet addresses, so that memory does not grow with every one seen.
            self._seen = {k: v for k, v in self._seen.items() if v}
        return 0


class LimitedBody:
    """ASGI middleware: a body is read before the page runs, and refused (413) as soon as it
    passes ``max_bytes``, or at once when its Content-Length says it will.

    uvicorn stops reading the socket while nobody takes its buffer, and closes the
    connection after the refusal, so an oversized post costs the hub about the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = PlainTextResponse(
            f"request body too large: the pages take at most {self.max_bytes // 1024} KiB\n",
            status_code=413,
            headers={"connection": "close"},
        )
        await refusal(scope, receive, send)


class AllowedHosts:
    """ASGI middleware: a request whose Host is neither one of ``names()`` nor an IP address
    gets 400.

    DNS rebinding points a name the attacker owns at the hub, so that a script of the
    attacker's page, open in a browser on the LAN, reads the hub's pages as its own site:
    the browser then sends the attacker's name in Host. An IP address cannot be rebound.
    """

    def __init__(self, app: ASGIApp, names: Callable[[], Collection[str]]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not host_allowed(
            Headers(scope=scope).get("host", ""), self.names()
        ):
            refusal = PlainTextResponse(
                "unknown host name: open the pages by the hub's name or address, as on the "
                "ticket; a new name goes into [web] hosts of the branch file\n",
                status_code=400,
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def host_allowed(host_header: str, names: Collection[str]) -> bool:
    """Whether a Host header ("name:port", "[::1]:8080") names the hub or an address."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    host = host.rstrip(".")
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host in names
    return True


def host_names(branch: Branch, listen_host: str) -> frozenset[str]:
    """The names the pages answer to and their certificate carries: that of the listening
    address, this machine's, localhost, the hosts of the branch's links, [web] hosts."""
    links = (branch.ticket_page_url, branch.notifications.public_url)
    names = {
        "localhost",
        socket.gethostname(),
        *(urlsplit(link).hostname or "" for link in links),
        *branch.web.hosts,
    }
    if listen_host not in WILDCARDS:
        names.add(listen_host)
    return frozenset(name.lower().rstrip(".") for name in names if name)
