"""Serving an ASGI app with uvicorn on the loop that is already running (the hub's).

uvicorn's ``Server.serve`` takes over SIGINT and SIGTERM; the hub's runner owns them, so
this drives the server's own steps (startup, main loop, shutdown) on a socket bound here,
which also lets tests bind port 0 and read the port back.
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket

import uvicorn
from starlette.types import ASGIApp

from hub.errors import AddressInUse

log = logging.getLogger(__name__)


class WebServer:
    def __init__(self, app: ASGIApp, address: str, *, grace_s: float = 5.0) -> None:
        """``address`` is "host:port"; port 0 picks a free one (see ``port`` after start)."""
        self.address = address
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
            http="httptools",
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=max(1, math.ceil(self._grace_s)),
            timeout_keep_alive=30,
        )
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[sock])
        self._server = server
        self._task = asyncio.get_running_loop().create_task(self._run(), name="web-server")
        return self.port

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
