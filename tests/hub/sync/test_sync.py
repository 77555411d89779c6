"""The hub's events reach the back office exactly once: a real hub, a real PostgreSQL,
the back office and the sender as processes killed with SIGKILL mid-batch."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from backoffice import schema
from backoffice.history import Shape, day_events
from backoffice.live import live
from backoffice.load import write_hub_log
from backoffice.pgcluster import free_port
from backoffice.server import start_server
from backoffice.store import acked, add_branch, open_store, unauthenticated_refusals
from hub.notify import Backoff
from hub.sync import Sender, events_after, read_secret, start_sync
from okno.errors import SecretExposed
from okno.files import write_private
from tests.hub.conftest import Served
from tests.polling import eventually

pytestmark = pytest.mark.timeout(180)
FAST = Backoff(first_s=0.05, factor=2.0, longest_s=0.5)
# Syncing a few thousand events to a PostgreSQL that is being killed takes its time.
SYNC_S = 60.0
BRANCH = "branch-01"


def stored(engine: Engine) -> tuple[int, int, int]:
    """(raw events, distinct seqs, tickets issued by the aggregates) of BRANCH."""
    raw = schema.raw_events
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(raw)).scalar()
        distinct = connection.execute(select(func.count(func.distinct(raw.c.seq)))).scalar()
        issued = connection.execute(select(func.sum(schema.agg_service_day.c.issued))).scalar()
    return int(count or 0), int(distinct or 0), int(issued or 0)


@pytest.fixture
def hub_log(tmp_path: Path) -> tuple[Path, int, int]:
    """A hub database with three busy days of events: (path, events, tickets issued)."""
    events: list[tuple[int, str]] = []
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)):
        payloads = day_events(BRANCH, day, len(events) + 1, Shape(visitors=600))
        events += list(enumerate(payloads, start=len(events) + 1))
    path = tmp_path / "hub.db"
    write_hub_log(path, events)
    issued = sum(1 for _, p in events if json.loads(p)["kind"] == "ticket_issued")
    return path, len(events), issued


@pytest.fixture
def backoffice_process(pg_url: str) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts ``okno backoffice`` on pg_url at one port, as often as asked."""
    port = free_port()
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "okno", "backoffice", "--db", pg_url]
        process = subprocess.Popen([*command, "--listen", f"127.0.0.1:{port}"])
        started.append(process)
        return process

    start.port = port  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def file_sender(path: Path, port: int, secret: str) -> Sender:
    hub_engine = create_engine(f"sqlite:///{path}")

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return await asyncio.to_thread(events_after, hub_engine, after, limit)

    return Sender(
        source, branch_id=BRANCH, target=f"127.0.0.1:{port}", secret=secret, batch=300, backoff=FAST
    )


async def test_a_hub_syncs_its_events_even_when_the_back_office_starts_late(
    served: Served, pg_url: str
) -> None:
    engine = open_store(pg_url)
    branch = served.hub.loaded.branch.id
    secret = add_branch(engine, branch)
    port = free_port()
    hub = served.hub
    sync = await start_sync(hub, f"127.0.0.1:{port}", secret)
    try:
        await hub.run(lambda e, now: e.open_desk("desk-01", now, operator_id="ivanova-a"))
        for _ in range(3):
            await hub.run(lambda e, now: e.issue("passport", now))
        await hub.run(lambda e, now: e.call_next("desk-01", now))
        await asyncio.sleep(0.3)  # the sender finds no back office and backs off
        server, _ = await start_server(engine, f"127.0.0.1:{port}")
        try:
            sync.kick()

            async def caught_up() -> bool:
                return acked(engine, branch) == hub.committed_seq

            await eventually(caught_up, SYNC_S)
            await hub.run(lambda e, now: e.issue("passport", now))
            sync.kick()
            await eventually(caught_up, SYNC_S)
        finally:
            await server.stop(0)
    finally:
        await sync.stop()
    count, distinct, issued = stored(engine)
    assert count == distinct == hub.committed_seq
    assert issued == 4
    [view] = live(engine)
    assert (view.waiting, view.serving) == (3, 1)
    engine.dispose()


async def test_back_office_killed_mid_batch_loses_and_doubles_nothing(
    pg_url: str,
    hub_log: tuple[Path, int, int],
    backoffice_process: Callable[[], subprocess.Popen[bytes]],
) -> None:
    path, total, issued = hub_log
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    port = backoffice_process.port  # type: ignore[attr-defined]
    first = backoffice_process()
    sender = file_sender(path, port, secret)
    running = asyncio.create_task(sender.run(until_seq=total))
    kills = 0
    for threshold in (total // 4, total // 2):

        async def past(threshold: int = threshold) -> bool:
            return acked(engine, BRANCH) >= threshold

        await eventually(past, SYNC_S)
        if acked(engine, BRANCH) < total:
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            kills += 1
            await asyncio.sleep(0.2)
            first = backoffice_process()
    await asyncio.wait_for(running, 120)
    assert kills >= 1
    assert stored(engine) == (total, total, issued)
    assert acked(engine, BRANCH) == total
    engine.dispose()


async def test_hub_killed_mid_batch_resends_and_nothing_is_doubled(
    pg_url: str,
    hub_log: tuple[Path, int, int],
    backoffice_process: Callable[[], subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    path, total, issued = hub_log
    engine = open_store(pg_url)
    secret_file = tmp_path / "secret"
    write_private(secret_file, add_branch(engine, BRANCH).encode())
    port = backoffice_process.port  # type: ignore[attr-defined]
    backoffice_process()
    command = [
        *(sys.executable, "-m", "okno", "hub", "sync", "push", "--hub-db", str(path)),
        *("--backoffice", f"127.0.0.1:{port}", "--branch", BRANCH),
        *("--secret-file", str(secret_file), "--batch", "100"),
    ]
    pusher = await asyncio.create_subprocess_exec(*command)

    async def started() -> bool:
        return acked(engine, BRANCH) > 0

    await eventually(started, SYNC_S)
    os.kill(pusher.pid, signal.SIGKILL)
    await pusher.wait()

    # A batch already sent may still be stored after the pusher died: what is stored is
    # what is acknowledged, once the back office is done with it.
    async def settled() -> bool:
        return stored(engine)[0] == acked(engine, BRANCH)

    await eventually(settled, SYNC_S)
    partial = acked(engine, BRANCH)
    assert partial < total, "the pusher finished before it was killed; give it more events"
    finished = await asyncio.to_thread(subprocess.run, command, timeout=120)
    assert finished.returncode == 0
    assert stored(engine) == (total, total, issued)
    engine.dispose()


async def test_a_refused_sender_keeps_trying_without_storing(
    pg_url: str, hub_log: tuple[Path, int, int]
) -> None:
    path, _total, _ = hub_log
    engine = open_store(pg_url)
    add_branch(engine, BRANCH)
    server, port = await start_server(engine, "127.0.0.1:0")
    sender = file_sender(path, port, "ab" * 32)  # not the branch's secret
    await sender.start()
    try:

        async def refused_twice() -> bool:
            return sender.refusals >= 2

        await eventually(refused_twice, SYNC_S)
    finally:
        await sender.stop()
        await server.stop(0)
    assert stored(engine) == (0, 0, 0)
    assert unauthenticated_refusals(engine)["bad_signature"] >= 2
    engine.dispose()


async def test_a_hub_whose_database_was_replaced_says_its_events_would_not_be_sent(
    pg_url: str, hub_log: tuple[Path, int, int], caplog: pytest.LogCaptureFixture
) -> None:
    path, total, _ = hub_log
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        await file_sender(path, port, secret).run(until_seq=total)

        # The same branch's hub, started again on a fresh database: its log ends at 5.
        async def nothing_new(after: int, limit: int) -> list[tuple[int, str]]:
            return []

        fresh = Sender(
            nothing_new,
            branch_id=BRANCH,
            target=f"127.0.0.1:{port}",
            secret=secret,
            backoff=FAST,
            head=lambda: 5,
        )
        await fresh.run(until_seq=total)
    finally:
        await server.stop(0)
    assert fresh.diverged
    assert f"holds seq {total} of branch={BRANCH} but this hub's log ends at 5" in caplog.text
    assert "okno backoffice add-branch" in caplog.text
    engine.dispose()


async def test_okno_sync_push_stops_at_a_permanent_refusal_and_says_why(
    pg_url: str, hub_log: tuple[Path, int, int], tmp_path: Path
) -> None:
    path, _total, _ = hub_log
    engine = open_store(pg_url)
    add_branch(engine, BRANCH)
    secret_file = tmp_path / "secret"
    write_private(secret_file, b"ab" * 32)  # not the branch's secret
    server, port = await start_server(engine, "127.0.0.1:0")
    command = [
        *(sys.executable, "-m", "okno", "hub", "sync", "push", "--hub-db", str(path)),
        *("--backoffice", f"127.0.0.1:{port}", "--branch", BRANCH),
        *("--secret-file", str(secret_file)),
    ]
    try:
        finished = await asyncio.to_thread(
            subprocess.run, command, timeout=60, capture_output=True, text=True
        )
    finally:
        await server.stop(0)
    assert finished.returncode == 2
    assert "refuses branch branch-01's events and would refuse them again" in finished.stderr
    assert "bad_signature" in finished.stderr
    assert stored(engine) == (0, 0, 0)
    engine.dispose()


async def test_the_hub_resumes_within_seconds_of_a_restarted_back_office(
    pg_url: str,
    hub_log: tuple[Path, int, int],
    backoffice_process: Callable[[], subprocess.Popen[bytes]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A real back office process, killed and started again after the sender has failed
    several times: the sender's own retry schedule (not a test's) brings it back."""
    path, total, _ = hub_log
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    port = backoffice_process.port  # type: ignore[attr-defined]
    hub_engine = create_engine(f"sqlite:///{path}")
    visible = [total // 2]

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        found = await asyncio.to_thread(events_after, hub_engine, after, limit)
        return [(s, p) for s, p in found if s <= visible[0]]

    caplog.set_level(logging.WARNING, logger="hub.sync.sender")
    first = backoffice_process()
    sender = Sender(source, branch_id=BRANCH, target=f"127.0.0.1:{port}", secret=secret)
    await sender.start()
    try:

        async def holds(seq: int) -> bool:
            return sender.acked == seq and acked(engine, BRANCH) == seq

        await eventually(lambda: holds(total // 2), SYNC_S)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        visible[0] = total

        async def failed_often() -> bool:
            return "back office unreachable attempt=5 " in caplog.text

        await eventually(failed_often, SYNC_S)
        backoffice_process()

        async def listening() -> bool:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                return False
            writer.close()
            return True

        await eventually(listening, SYNC_S)
        back = asyncio.get_running_loop().time()
        await eventually(lambda: holds(total), SYNC_S)
        resumed_s = asyncio.get_running_loop().time() - back
    finally:
        await sender.stop()
    assert resumed_s < 5.0, f"sending resumed {resumed_s:.1f} s after the back office was back"
    engine.dispose()
    hub_engine.dispose()


def test_a_secret_file_others_can_read_is_refused_and_a_private_one_read(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "backoffice.secret"
    secret.write_text("ab" * 32 + "\n")
    secret.chmod(0o604)
    with pytest.raises(SecretExposed, match=f"run `chmod 600 {secret}`"):
        read_secret(secret)

    secret.chmod(0o600)
    assert read_secret(secret) == "ab" * 32
