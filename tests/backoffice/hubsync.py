"""A real hub's log pushed to a back office through the real sync path, over gRPC."""

from __future__ import annotations

from sqlalchemy import Engine

from backoffice.pgcluster import free_port
from backoffice.server import start_server
from backoffice.store import acked, add_branch
from hub.sync import start_sync
from tests.hub.conftest import Served
from tests.polling import eventually

SYNC_S = 30.0


async def synced(served: Served, engine: Engine) -> str:
    """Everything the hub committed, stored by a back office reached over real gRPC."""
    branch = served.hub.loaded.branch.id
    secret = add_branch(engine, branch)
    port = free_port()
    server, _ = await start_server(engine, f"127.0.0.1:{port}")
    sync = await start_sync(served.hub, f"127.0.0.1:{port}", secret)
    try:

        async def caught_up() -> bool:
            return acked(engine, branch) == served.hub.committed_seq

        await eventually(caught_up, SYNC_S)
    finally:
        await sync.stop()
        await server.stop(0)
    return branch
