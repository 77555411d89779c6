"""The work of ``okno hub sync push``: a hub database file's event log sent to the back office."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import create_engine, func, select

from hub.store import schema
from hub.sync import Sender, events_after, read_ca, read_secret


def push(
    hub_db: Path,
    backoffice: str,
    branch: str,
    secret_file: Path,
    batch: int,
    ca_file: Path | None = None,
) -> int | None:
    """Send every event of the file the back office lacks; the last sequence it now holds.
    Over TLS, trusting the CA in ``ca_file``, when given.

    OknoError when the back office refuses, as a permanent refusal ends the push at once.
    """
    secret = read_secret(secret_file)
    ca = read_ca(ca_file) if ca_file is not None else None
    engine = create_engine(f"sqlite:///{hub_db}")
    with engine.connect() as connection:
        last = int(connection.execute(select(func.max(schema.events.c.seq))).scalar() or 0)

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return await asyncio.to_thread(events_after, engine, after, limit)

    sender = Sender(source, branch_id=branch, target=backoffice, secret=secret, batch=batch, ca=ca)
    asyncio.run(sender.run(until_seq=last))
    return sender.acked
