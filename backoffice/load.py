"""Writing a generated history into a back office: through gRPC, or straight to its store.

Through gRPC it is the real sync path (signed batches, one stream per branch, all branches
at once); the next day is generated while the previous day's batches are in flight.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert

from backoffice import store
from backoffice.directory import store_directory
from backoffice.history import Shape, branch_ids, day_events, directory
from hub.store import schema
from hub.store.database import open_database
from hub.sync.sender import BATCH, channel, push, sync_stub
from hub.sync.signing import sign, sign_directory
from protos.okno.v1 import sync_pb2

if TYPE_CHECKING:
    from protos.okno.v1.sync_pb2_grpc import SyncAsyncStub

Day = dict[str, list[tuple[int, str]]]


def days_of(branches: list[str], start: date, days: int, shape: Shape, seed: int) -> Iterable[Day]:
    """Each day, every open branch's events, seq going on from the branch's last."""
    seq = dict.fromkeys(branches, 1)
    for offset in range(days):
        day = start + timedelta(days=offset)
        found: Day = {}
        for branch in branches:
            payloads = day_events(branch, day, seq[branch], shape, seed)
            if payloads:
                found[branch] = list(enumerate(payloads, start=seq[branch]))
                seq[branch] += len(payloads)
        yield found


def chunks(events: list[tuple[int, str]], size: int = BATCH) -> list[list[tuple[int, str]]]:
    return [events[i : i + size] for i in range(0, len(events), size)]


async def fill(  # noqa: PLR0917 - the dashboard's tests call it positionally
    db: str,
    target: str,
    branches: int,
    start: date,
    days: int,
    shape: Shape | None = None,
    seed: int = 1,
) -> tuple[int, float]:
    """Register the branches on ``db``, tell their names, write their history; (events,
    seconds)."""
    shape = shape or Shape()
    engine = store.open_store(db)
    names = branch_ids(branches)
    secrets = {b: store.add_branch(engine, b) for b in names}
    told = {b: directory(b, shape) for b in names}
    signed = {b: sign_directory(secrets[b], b, told[b]) for b in names}
    began = time.perf_counter()
    total = 0
    if not target:
        for branch in names:
            store_directory(engine, branch, told[branch], signed[branch])
        for day in days_of(names, start, days, shape, seed):
            for branch, events in day.items():
                for chunk in chunks(events):
                    store.store(
                        engine, store.Batch(branch, chunk, sign(secrets[branch], branch, chunk))
                    )
                total += len(events)
        engine.dispose()
        return total, time.perf_counter() - began
    engine.dispose()
    async with channel(target) as open_channel:
        stub = sync_stub(open_channel)
        for branch in names:
            await stub.PushDirectory(
                sync_pb2.PushDirectoryRequest(
                    branch_id=branch, directory=told[branch], signature=signed[branch]
                )
            )
        pending: asyncio.Future[list[None]] | None = None
        for day in days_of(names, start, days, shape, seed):
            if pending is not None:
                await pending
            pending = asyncio.gather(*(send(stub, b, secrets[b], e) for b, e in day.items()))
            await asyncio.sleep(0)  # the batches leave while the next day is generated
            total += sum(len(e) for e in day.values())
        if pending is not None:
            await pending
    return total, time.perf_counter() - began


async def send(
    stub: SyncAsyncStub, branch: str, secret: str, events: list[tuple[int, str]]
) -> None:
    for chunk in chunks(events):
        await push(stub, branch, secret, chunk)


def write_hub_log(path: Path, events: list[tuple[int, str]]) -> None:
    """A hub database file (its real schema) whose event log holds ``events``."""
    database = open_database(path)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                insert(schema.events),
                [_log_row(seq, payload) for seq, payload in events],
            )
    finally:
        database.close()


def _log_row(seq: int, payload: str) -> dict[str, object]:
    data = json.loads(payload)
    return {
        "seq": seq,
        "at_ms": data["at_ms"],
        "kind": data["kind"],
        "day": data["day"],
        "ticket_id": (data.get("ticket") or {}).get("id", ""),
        "desk_id": (data.get("desk") or {}).get("id", ""),
        "payload": payload,
    }
