"""Serving an ASGI app with uvicorn on the loop that is already running (the hub's).

uvicorn's ``Server.serve`` takes over SIGINT and SIGTERM; the hub's runner owns them, so
this drives the server's own steps (startup, main loop, shutdown) on a socket bound here,
which also lets tests bind port 0 and read the port back.

It also bounds what a stranger on the LAN can make the hub hold, since the pages share
the queue's loop: each request's head (llhttp keeps it in memory without a limit), the
time to send it, the connections it serves at once, and it serves TLS when given
a context (:func:`tls_context`). Bodies are bounded by the app, which knows its forms.
"""

from __future__ import annotations

import asyncio
import http
import logging
import math
import socket
import ssl
import tempfile
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from hub.errors import AddressInUse
from okno.files import write_private

log = logging.getLogger(__name__)
# The request line and headers of one request: browsers send 1-3 KiB.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 64
# A head not complete by then is a slow sender holding a connection (slowloris).
HEAD_TIMEOUT_S = 10.0
# A hall of phones polling the live pages: a few hundred connections. Past this the hub
# answers 503 instead of starting more requests. Not per address: guest Wi-Fi behind NAT
# brings every visitor's phone from one address.
MAX_CONNECTIONS = 1000


class BoundedHead(HttpToolsProtocol):
    """uvicorn's httptools protocol with limits on what a client can make it hold."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # Bytes received while the head is incomplete, and of the head parsed so far: a
        # head that arrived whole in one read is only seen by the parser's callbacks.
        self._head_bytes = 0
        self._head_parsed = 0
        self._in_head = True
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
            self._head_too_large()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a head the parser gave up on, unless refused here already."""
        if not self.transport.is_closing():
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_parsed = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._parsed(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._parsed(len(name) + len(value))

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def _parsed(self, size: int) -> None:
        """Count part of the head; past the limits, refuse and stop the parser."""
        self._head_parsed += size
        if self._head_parsed > MAX_HEAD_BYTES or len(self.headers) > MAX_HEADERS:
            self._head_too_large()
            # uvicorn answers the parser's error with a 400, skipped (send_400_response).
            raise ValueError("request head too large")

    def _head_too_large(self) -> None:
        self._refuse(
            http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            f"request head too large: at most {MAX_HEADERS} headers and "
            f"{MAX_HEAD_BYTES // 1024} KiB with the request line",
        )

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT_S, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head:
            self._refuse(
                http.HTTPStatus.REQUEST_TIMEOUT,
                f"request not sent within {HEAD_TIMEOUT_S:g} s: send it again",
            )

    def _refuse(self, status: http.HTTPStatus, reason: str) -> None:
        """Answer ``status`` with ``reason`` and close, once; nothing reaches the app."""
        self._cancel_head_timer()
        if self.transport.is_closing():
            return
        body = f"{reason}\n".encode()
        head = (
            f"HTTP/1.1 {status.value} {status.phrase}\r\n"
            "content-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)
        self.transport.close()


def tls_context(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """A TLS 1.2+ server context from PEM bytes (the ssl module loads keys only from files)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="okno-tls-") as scratch:
        cert_path, key_path = Path(scratch) / "cert.pem", Path(scratch) / "key.pem"
        cert_path.write_bytes(cert_pem)
        write_private(key_path, key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


class WebServer:
    def __init__(
        self,
        app: ASGIApp,
        address: str,
        *,
        grace_s: float = 5.0,
        tls: ssl.SSLContext | None = None,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        """``address`` is "host:port"; port 0 picks a free one (see ``port`` after start).

        ``tls`` serves HTTPS with that context; None serves plain HTTP. Past
        ``max_connections`` open at once, requests get 503.
        """
        self.address = address
        self.tls = tls
        self.max_connections = max_connections
        self.port = 0
        self._app = app
        self._grace_s = grace_s
        self._server: uvicorn.Server | None = None
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Listen and serve; AddressInUse with what to do when the port is taken."""
        host, _, port = self.address.rpartition(":")
        host = host.strip("[]") or "0.0.0.0"
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.create_server((host, int(port)), family=family, backlog=1024)
        except (OSError, ValueError) as err:
            raise AddressInUse(
                f"cannot serve web pages on {self.address}: {err}; is the port taken? "
                "give --web-listen a free host:port"
            ) from err
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,
            access_log=False,
            lifespan="off",
            http=BoundedHead,
            limit_concurrency=self.max_connections,
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=max(1, math.ceil(self._grace_s)),
            timeout_keep_alive=30,
            ssl_context_factory=self._tls_context if self.tls is not None else None,
        )
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[sock])
        self._server = server
        self._task = asyncio.get_running_loop().create_task(self._run(), name="web-server")
        return self.port

    def _tls_context(self, _config: uvicorn.Config, _default: object) -> ssl.SSLContext:
        assert self.tls is not None
        return self.tls

    async def _run(self) -> None:
        assert self._server is not None and self._socket is not None
        await self._server.main_loop()
        await self._server.shutdown(sockets=[self._socket])

    async def stop(self, *, abrupt: bool = False) -> None:
        """Stop listening; let requests in flight finish (up to the grace), unless abrupt."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        self._server.force_exit = abrupt
        await self._task
        self._server = None
        self._task = None
