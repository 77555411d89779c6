"""The back office's backup as docs/backoffice.md ("Backups") tells it: ``pg_dump -Fc`` of
a back office filled through the sync, ``pg_restore`` into another fresh cluster with the
key file kept apart; the restored one answers the same reports and takes the next batch."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from backoffice import reports
from backoffice.history import Shape, day_events
from backoffice.load import fill, send
from backoffice.period import Period
from backoffice.pgcluster import BIN, temporary_cluster
from backoffice.rebuild import digests
from backoffice.sealing import ENV
from backoffice.server import start_server
from backoffice.store import acked, add_branch, check_secrets, open_store
from hub.sync.sender import channel, sync_stub

START = date(2026, 3, 2)  # a Monday
DAYS = 2
SHAPE = Shape(visitors=40, desks=3)
BRANCH = "branch-02"


def answers(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every report over the history, as the dashboard would show it."""
    period = Period(START, START + timedelta(days=DAYS))
    return {name: list(found.run(engine, period).rows) for name, found in reports.REPORTS.items()}


async def push(engine: Engine, secret: str, events: list[tuple[int, str]]) -> None:
    """The branch's events over gRPC, as its hub's sender sends them."""
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        async with channel(f"127.0.0.1:{port}") as open_channel:
            await send(sync_stub(open_channel), BRANCH, secret, events)
    finally:
        await server.stop(0)


async def filled(url: str) -> None:
    """Two branches' days pushed over gRPC, as their hubs push them."""
    server, port = await start_server(open_store(url), "127.0.0.1:0")
    try:
        await fill(url, f"127.0.0.1:{port}", 2, START, DAYS, SHAPE, 5)
    finally:
        await server.stop(0)


def test_a_dump_restored_into_a_fresh_cluster_reports_the_same_and_syncs_on(
    tmp_path: Path,
) -> None:
    dump, key = tmp_path / "backoffice.dump", tmp_path / "backoffice.key"
    with temporary_cluster() as first:
        asyncio.run(filled(first))
        source = open_store(first)
        secret = add_branch(source, BRANCH)  # the hub's: fill does not keep its own
        before = answers(source), digests(source), acked(source, BRANCH)
        subprocess.run([str(BIN / "pg_dump"), "-Fc", "-f", str(dump), first], check=True)
        shutil.copy2(os.environ[ENV], key)  # kept apart from the dump, as the key must be
        source.dispose()
    assert before[2] > 0
    assert any(before[0].values()), "the reports have rows to compare"

    with temporary_cluster() as second:
        subprocess.run(
            [str(BIN / "pg_restore"), "--exit-on-error", "--no-owner", "-d", second, str(dump)],
            check=True,
        )
        restored = open_store(second, key)
        assert check_secrets(restored) == 2
        assert (answers(restored), digests(restored), acked(restored, BRANCH)) == before
        nxt = before[2] + 1
        events = list(
            enumerate(day_events(BRANCH, START + timedelta(days=DAYS), nxt, SHAPE, 5), start=nxt)
        )
        asyncio.run(push(restored, secret, events))
        assert acked(restored, BRANCH) == events[-1][0]
        assert answers(restored) != before[0]
        restored.dispose()
