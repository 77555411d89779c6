"""What people type never reaches the back office, which keeps events for ever (issue 19).

A transfer comment "Иванов И.И. +79161234567 паспорт 4510 123456" travelled in its event
to the back office, out of reach of the hub's erasure of contacts.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from backoffice import schema
from backoffice.server import start_server
from backoffice.store import acked, add_branch, open_store
from hub.sync import start_sync
from tests.hub.conftest import SteppedClock
from tests.hub.sync.test_sync import SYNC_S
from tests.hub.test_key_files import running
from tests.hub.test_typed_text import PERSONAL, typed_into_the_hall
from tests.polling import eventually


async def test_typed_text_and_names_never_reach_the_back_office(
    config_file: Path, tmp_path: Path
) -> None:
    backoffice = open_store(f"sqlite:///{tmp_path}/backoffice.db")
    server, port = await start_server(backoffice, "127.0.0.1:0")
    try:
        async with running(config_file, tmp_path / "hub.db", SteppedClock()) as hub:
            branch = hub.loaded.branch.id
            sender = await start_sync(hub, f"127.0.0.1:{port}", add_branch(backoffice, branch))
            try:
                await typed_into_the_hall(hub)

                async def caught_up() -> bool:
                    return acked(backoffice, branch) == hub.committed_seq

                await eventually(caught_up, SYNC_S)
            finally:
                await sender.stop()
    finally:
        await server.stop(0)
    with backoffice.connect() as connection:
        rows = connection.execute(select(schema.raw_events.c.kind, schema.raw_events.c.payload))
        payloads = {kind: json.loads(payload) for kind, payload in rows}
    backoffice.dispose()

    # Each event arrived, counted as before, with its detail left empty.
    for kind in ("ticket_transferred", "ticket_cancelled", "appointment_cancelled"):
        assert payloads[kind]["detail"] == ""
    assert payloads["ticket_transferred"]["ticket"]["service_id"] == "residence"
    sent = json.dumps(list(payloads.values()), ensure_ascii=False).encode()
    assert [needle for needle in PERSONAL if needle in sent] == []
