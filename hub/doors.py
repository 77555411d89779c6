"""Opening and closing a hub's three doors together, for the hub process and for the programs
that run a hub inside themselves (the demo, the benchmarks, the tests).

Those programs get no door of their own: they enroll their devices and sign their staff in
through the same three as a real branch (README, "Running the hub").
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from hub.api.server import create_device_server, create_local_server, create_server
from hub.service import Hub

log = logging.getLogger(__name__)


@dataclass
class Doors:
    """The serving doors of one hub and how to reach each.

    ``address`` is the network port (server TLS), ``device_address`` the mutual-TLS port,
    ``socket`` the admin socket, ``ca_pem`` the branch CA that signs both ports.
    """

    servers: list[grpc.aio.Server]
    address: str
    device_address: str
    socket: Path
    ca_pem: bytes
    _scratch: Path | None = field(default=None, repr=False)

    async def close(self, grace_s: float | None = None) -> None:
        """Stop serving; a socket folder made for this run goes with it."""
        await asyncio.gather(*(server.stop(grace_s) for server in self.servers))
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


async def open_doors(
    hub: Hub,
    listen: str = "127.0.0.1:0",
    device_listen: str = "127.0.0.1:0",
    admin_socket: Path | None = None,
) -> Doors:
    """Serve the network port, the admin socket and the device port of ``hub``.

    Port 0 picks a free port. Without ``admin_socket`` the socket goes in a fresh private
    folder under the system's temporary folder (a socket's path has at most 107 bytes, and
    a demo's or a test's folders are deep), removed by ``Doors.close``.
    """
    scratch = None
    if admin_socket is None:
        scratch = Path(tempfile.mkdtemp(prefix="okno-"))
        admin_socket = scratch / "run" / "admin.sock"
    server, port = await create_server(hub, listen, names_for(listen))
    await server.start()
    log.info("hub serving address=%s port=%d branch=%s", listen, port, hub.loaded.branch.id)
    local = await create_local_server(hub, admin_socket)
    await local.start()
    log.info("admin socket serving path=%s", admin_socket)
    # Devices dial the host they enrolled with (that of listen) at the device port.
    names = list(dict.fromkeys(names_for(device_listen) + names_for(listen)))
    devices, device_port = await create_device_server(hub, device_listen, names)
    await devices.start()
    hub.fleet.session_port = device_port
    log.info("device port serving address=%s port=%d", device_listen, device_port)
    host = _dialable(listen)
    return Doors(
        [server, local, devices],
        f"{host}:{port}",
        f"{_dialable(device_listen)}:{device_port}",
        admin_socket,
        hub.fleet.ca_pem,
        scratch,
    )


def names_for(address: str) -> list[str]:
    """What clients may dial: the address's host, unless it is a wildcard, and this host."""
    host = address.rsplit(":", 1)[0].strip("[]")
    names = [socket.gethostname(), "localhost", "127.0.0.1"]
    return names if host in {"", "0.0.0.0", "::"} else [host, *names]


def _dialable(address: str) -> str:
    """The host a client on this machine dials for a listening ``address``."""
    host = address.rsplit(":", 1)[0]
    return "127.0.0.1" if host.strip("[]") in {"", "0.0.0.0", "::"} else host
