"""Running the hub as a process: start, serve, stop cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable
from pathlib import Path

from hub.doors import open_doors
from hub.errors import HubError
from hub.notify import restart_on_reload, start_notifier
from hub.service import Hub, wall_clock_ms
from hub.sync import start_sync
from hub.web import serve_web
from okno import __version__
from okno.console import admin_socket_for
from okno.runtime.discovery import Announcer, HubAdvert

log = logging.getLogger(__name__)
GRACE_S = 5.0


async def serve(
    config: Path,
    db: Path,
    listen: str,
    device_listen: str = "127.0.0.1:0",
    announce: bool = False,
    *,
    web_listen: str = "",
    backoffice: str = "",
    backoffice_secret: str = "",
    backoffice_ca: bytes | None = None,
    clock_offset_ms: int = 0,
    admin_socket: Path | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT; SIGHUP re-reads the configuration file.

    ``listen`` is the network port (server TLS: staff sign in, devices enroll);
    ``admin_socket`` the hub machine's administration (okno provision, staff set-pin),
    by default ``admin_socket_for(db)``.

    ``device_listen`` ("host:port") is the mutual-TLS port for admitted devices;
    ``announce`` makes the hub findable by zeroconf on the interface of ``listen``;
    ``web_listen`` serves the web pages (docs/web.md). Notifications start when the
    branch's [notifications] name a sender (docs/notifications.md). ``backoffice``
    ("host:port") sends the event log there, signed with ``backoffice_secret``
    (docs/backoffice.md), over TLS trusting ``backoffice_ca`` when given.
    ``clock_offset_ms`` runs the branch's clock that far from the wall clock (devices'
    heartbeats and certificates stay on the wall clock): a benchmark or a test opens its
    branch at any hour.
    """
    # Full collections walk every live ticket and event; with a busy day's worth they
    # stalled calls for 70-90 ms (okno hub bench queue, docs/benchmarks.md). Nearly all garbage
    # here is freed by reference counting, so collect far less often, and never rescan
    # the state loaded at start.
    gc.set_threshold(50_000, 50, 100)
    hub = Hub(
        config, db, clock=lambda: wall_clock_ms() + clock_offset_ms, device_clock=wall_clock_ms
    )
    gc.freeze()
    await hub.start()
    doors = await open_doors(hub, listen, device_listen, admin_socket or admin_socket_for(db))
    await start_notifier(hub)
    restart_on_reload(hub)
    sync = (
        await start_sync(hub, backoffice, backoffice_secret, backoffice_ca) if backoffice else None
    )
    outboxes: dict[str, Callable[[], int]] = {}
    if sync is not None:
        sender = sync
        outboxes["backoffice"] = lambda: sender.acked or 0
    # The pages use hub.notifier, which a reload may start, stop or replace.
    web = await serve_web(hub, web_listen, None, outboxes) if web_listen else None
    if web is not None:
        log.info("web pages serving address=%s port=%d", web_listen, web.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload(hub)))
    async with contextlib.AsyncExitStack() as stack:
        if announce:
            host = listen.rsplit(":", 1)[0]
            port = int(doors.address.rsplit(":", 1)[1])
            advert = HubAdvert(
                hub.loaded.branch.id, hub.loaded.branch.name, host, port, __version__
            )
            await stack.enter_async_context(Announcer(advert, interfaces=[host]))
        await stop.wait()
    log.info("hub stopping grace_s=%.1f", GRACE_S)
    hub.broker.close_all()
    if web is not None:
        await web.stop()
    await doors.close(GRACE_S)
    if hub.notifier is not None:
        await hub.notifier.stop()
    if sync is not None:
        await sync.stop()
    await hub.stop()
    log.info("hub stopped seq=%d", hub.committed_seq)


async def _reload(hub: Hub) -> None:
    try:
        reloaded = await hub.reload_config()
    except HubError as error:
        log.error(
            "configuration not reloaded, keeping the old one code=%s reason=%s", error.code, error
        )
        return
    if reloaded.needs_restart:
        log.warning(
            "configuration reloaded but needs a restart for=%s", ",".join(reloaded.needs_restart)
        )
