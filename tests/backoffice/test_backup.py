"""The back office's backup as docs/backoffice.md ("Backups") tells it: ``pg_dump -Fc`` of
a back office filled through the sync, ``pg_restore`` into another fresh cluster with the
key file kept apart; the restored one answers the same reports and takes the next batch."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from backoffice import reports, schema
from backoffice.backup import backup
from backoffice.errors import BackupFailed
from backoffice.history import Shape, branch_ids
from backoffice.load import days_of, fill, write_hub_log
from backoffice.period import Period
from backoffice.pgcluster import (
    BIN,
    free_port,
    recovered_cluster,
    server_folder,
    temporary_cluster,
)
from backoffice.rebuild import digests
from backoffice.sealing import ENV
from backoffice.server import start_server
from backoffice.store import acked, add_branch, check_secrets, open_store
from hub.sync import Sender, events_after
from okno.cli import app

START = date(2026, 3, 2)  # a Monday
DAYS = 2
SHAPE = Shape(visitors=40, desks=3)
BRANCH = "branch-02"
SEED = 5


def answers(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every report over the history, as the dashboard would show it."""
    period = Period(START, START + timedelta(days=DAYS))
    return {name: list(found.run(engine, period).rows) for name, found in reports.REPORTS.items()}


def hub_log() -> list[tuple[int, str]]:
    """The branch's log as its hub keeps it: the days filled, and one more after the dump."""
    days = days_of(branch_ids(2), START, DAYS + 1, SHAPE, SEED)
    return [event for day in days for event in day.get(BRANCH, [])]


async def filled(url: str) -> None:
    """Two branches' days pushed over gRPC, as their hubs push them."""
    server, port = await start_server(open_store(url), "127.0.0.1:0")
    try:
        await fill(url, f"127.0.0.1:{port}", 2, START, DAYS, SHAPE, SEED)
    finally:
        await server.stop(0)


async def synced(engine: Engine, secret: str, log: list[tuple[int, str]], path: Path) -> None:
    """The branch's hub sends its log from its database file until all of it is acknowledged."""
    hub = create_engine(f"sqlite:///{path}")

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return await asyncio.to_thread(events_after, hub, after, limit)

    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        sender = Sender(source, branch_id=BRANCH, target=f"127.0.0.1:{port}", secret=secret)
        await asyncio.wait_for(sender.run(until_seq=log[-1][0]), 60)
    finally:
        await server.stop(0)
        hub.dispose()


def test_a_dump_restored_into_a_fresh_cluster_answers_the_same_and_catches_up(
    tmp_path: Path,
) -> None:
    dump, key = tmp_path / "backoffice.dump", tmp_path / "backoffice.key"
    log, hub = hub_log(), tmp_path / "hub.db"
    write_hub_log(hub, log)
    with temporary_cluster() as first:
        asyncio.run(filled(first))
        source = open_store(first)
        secret = add_branch(source, BRANCH)  # the hub's: fill does not keep its own
        at_dump = answers(source), digests(source), acked(source, BRANCH)
        subprocess.run([str(BIN / "pg_dump"), "-Fc", "-f", str(dump), first], check=True)
        shutil.copy2(os.environ[ENV], key)  # kept apart from the dump, as the key must be
        # A day synced after the dump, then the back office's disk is lost.
        asyncio.run(synced(source, secret, log, hub))
        lost = answers(source), digests(source), acked(source, BRANCH)
        source.dispose()
    assert 0 < at_dump[2] < lost[2] == log[-1][0]
    assert any(at_dump[0].values()), "the reports have rows to compare"
    assert lost[0] != at_dump[0]

    with temporary_cluster() as second:
        subprocess.run(
            [str(BIN / "pg_restore"), "--exit-on-error", "--no-owner", "-d", second, str(dump)],
            check=True,
        )
        restored = open_store(second, key)
        assert check_secrets(restored) == 2
        assert (answers(restored), digests(restored), acked(restored, BRANCH)) == at_dump
        # The hub resends what the restored back office lacks, from its own log.
        asyncio.run(synced(restored, secret, log, hub))
        assert (answers(restored), digests(restored), acked(restored, BRANCH)) == lost
        restored.dispose()


MIDNIGHT = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)


def test_the_backup_command_keeps_only_whole_dumps_and_the_newest(
    pg_url: str, tmp_path: Path
) -> None:
    engine = open_store(pg_url)
    add_branch(engine, BRANCH)
    engine.dispose()
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / ".backoffice-20261206-003000.dump.partial").write_bytes(b"PGDMP half")

    made = [backup(pg_url, folder, MIDNIGHT + timedelta(days=d), keep=2) for d in range(3)]

    assert sorted(p.name for p in folder.iterdir()) == [
        "backoffice-20261208-003000.dump",
        "backoffice-20261209-003000.dump",
    ]
    assert made[1:] == sorted(folder.iterdir())
    assert made[-1].stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(
        [str(BIN / "pg_restore"), "--list", str(made[-1])], check=True, capture_output=True
    )
    assert b"TABLE DATA public raw_events" in listed.stdout


def test_a_failed_or_half_written_dump_is_not_kept_and_the_dumps_before_are(
    pg_url: str, tmp_path: Path
) -> None:
    open_store(pg_url).dispose()
    folder, tools = tmp_path / "dumps", tmp_path / "bin"
    good = backup(pg_url, folder, MIDNIGHT, keep=14)
    gone = f"postgresql://okno@127.0.0.1:{free_port()}/okno"
    # A pg_dump that writes half an archive (its first 4 KiB) and says it succeeded.
    tools.mkdir()
    (tools / "pg_restore").symlink_to(BIN / "pg_restore")
    (tools / "pg_dump").write_text(
        f"#!/bin/sh\nfor a; do case $a in --file=*) f=${{a#--file=}};; esac; done\n"
        f'head -c 4096 {good} > "$f"\n'
    )
    (tools / "pg_dump").chmod(0o755)

    with pytest.raises(BackupFailed, match=r"pg_dump failed \(.*\); no backup was taken"):
        backup(gone, folder, MIDNIGHT + timedelta(days=1), keep=1)
    with pytest.raises(BackupFailed, match=r"pg_restore failed \(.*\); no backup was taken"):
        backup(pg_url, folder, MIDNIGHT + timedelta(days=1), keep=1, tools=tools)

    assert list(folder.iterdir()) == [good]


def test_the_command_line_backs_up_postgresql_and_refuses_sqlite(
    pg_url: str, tmp_path: Path
) -> None:
    open_store(pg_url).dispose()
    runner = CliRunner()

    done = runner.invoke(app, ["backoffice", "backup", "--db", pg_url, "--to", str(tmp_path)])
    refused = runner.invoke(
        app, ["backoffice", "backup", "--db", f"sqlite:///{tmp_path}/b.db", "--to", str(tmp_path)]
    )

    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"backed up to {tmp_path}/backoffice-")
    assert refused.exit_code == 2
    assert "dumps PostgreSQL, not sqlite" in refused.stderr
    assert len(list(tmp_path.glob("backoffice-*.dump"))) == 1


def test_a_base_backup_and_the_wal_archive_restore_to_just_before_a_mistake(
    tmp_path: Path,
) -> None:
    base, key = tmp_path / "base", tmp_path / "backoffice.key"
    log, hub = hub_log(), tmp_path / "hub.db"
    write_hub_log(hub, log)
    with server_folder("okno-wal-") as archive:
        archiving = {"archive_mode": "on", "archive_command": archive_command(archive)}
        with temporary_cluster(archiving) as first:
            asyncio.run(filled(first))
            subprocess.run(
                [str(BIN / "pg_basebackup"), "-D", str(base), "-Fp", "-c", "fast", "-d", first],
                check=True,
            )
            source = open_store(first)
            secret = add_branch(source, BRANCH)
            asyncio.run(synced(source, secret, log, hub))  # a day after the base backup
            good = answers(source), digests(source), acked(source, BRANCH)
            with source.begin() as connection:
                connection.execute(text("SELECT pg_create_restore_point('before-the-mistake')"))
            with source.begin() as connection:  # someone deletes a branch's events by hand
                connection.execute(
                    schema.raw_events.delete().where(schema.raw_events.c.branch_id == BRANCH)
                )
                connection.execute(schema.agg_service_day.delete())
            assert answers(source) != good[0]
            _archived(source, archive)
            shutil.copy2(os.environ[ENV], key)
            source.dispose()

        recovery = {
            "restore_command": f"cp {archive}/%f %p",
            "recovery_target_name": "before-the-mistake",
            "recovery_target_action": "promote",
        }
        with recovered_cluster(base, recovery) as second:
            restored = open_store(second, key)
            assert check_secrets(restored) == 2
            assert (answers(restored), digests(restored), acked(restored, BRANCH)) == good
            restored.dispose()


def _archived(engine: Engine, archive: Path) -> None:
    """Close the current WAL segment and wait until archive_command has copied it."""
    with engine.begin() as connection:
        name = connection.execute(text("SELECT pg_walfile_name(pg_switch_wal())")).scalar_one()
    deadline = time.monotonic() + 30
    while not (archive / name).exists():
        assert time.monotonic() < deadline, f"WAL segment {name} not archived within 30 s"
        time.sleep(0.05)


def archive_command(archive: Path) -> str:
    """docs/backoffice.md's archive_command: never overwrite, and a segment appears under
    its name only whole and on disk (a plain ``cp`` leaves a short file a restore trips on)."""
    part = f"{archive}/.%f.partial"
    return (
        f"test ! -f {archive}/%f && cp %p {part} && sync {part} "
        f"&& mv {part} {archive}/%f && sync {archive}"
    )
