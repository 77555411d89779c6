"""Running the hub as a process: start, serve, stop cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from pathlib import Path

from hub.api.server import create_server
from hub.errors import HubError
from hub.service import Hub

log = logging.getLogger(__name__)
GRACE_S = 5.0


async def serve(config: Path, db: Path, listen: str, ready: asyncio.Event | None = None) -> None:
    """Serve until SIGTERM/SIGINT; SIGHUP re-reads the configuration file."""
    # Full collections walk every live ticket and event; with a busy day's worth they
    # stalled calls for 70-90 ms (okno bench hub, docs/benchmarks.md). Nearly all garbage
    # here is freed by reference counting, so collect far less often, and never rescan
    # the state loaded at start.
    gc.set_threshold(50_000, 50, 100)
    hub = Hub(config, db)
    gc.freeze()
    await hub.start()
    server, port = await create_server(hub, listen)
    await server.start()
    log.info("hub serving address=%s port=%d branch=%s", listen, port, hub.loaded.branch.id)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload(hub)))
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("hub stopping grace_s=%.1f", GRACE_S)
    hub.broker.close_all()
    await server.stop(GRACE_S)
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
    log.info("configuration reload digest=%s changed=%s", reloaded.digest, reloaded.changed)
