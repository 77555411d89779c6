"""A hub's backups kept at the back office too, and a new box restored from there (issue
20): the dead box's local folder is gone, the copy at the back office is not."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from backoffice.backups import Vault
from backoffice.pgcluster import free_port
from backoffice.server import SyncService, start_server
from backoffice.store import acked, add_branch, open_store
from hub.backup.errors import OffsiteFailed, OffsiteNotFound, OffsiteRefused
from hub.backup.offsite import Office, download
from hub.backup.retention import archives
from hub.sync import start_sync
from okno.cli import app
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.hub.backup.conftest import Region, issue
from tests.hub.backup.test_backup import run_once
from tests.hub.backup.test_catch_up import synced
from tests.hub.conftest import SteppedClock, serve_hub

pytestmark = [pytest.mark.timeout(180), pytest.mark.clock]
BRANCH = "khamovniki"  # the branch of tests/hub's configuration


@dataclass(frozen=True, slots=True)
class RegionOffice:
    engine: Engine
    target: str
    secret: str
    folder: Path

    def office(self, secret: str = "") -> Office:
        return Office(self.target, secret or self.secret, BRANCH)


@pytest.fixture
async def office(pg_url: str, tmp_path: Path) -> AsyncIterator[RegionOffice]:
    """The region's back office on PostgreSQL, keeping backups, the branch added."""
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    folder = tmp_path / "office-backups"
    server, port = await start_server(engine, "127.0.0.1:0", vault=Vault(engine, folder))
    try:
        yield RegionOffice(engine, f"127.0.0.1:{port}", secret, folder)
    finally:
        await server.stop(0)
        engine.dispose()


def secret_file(path: Path, secret: str) -> Path:
    """The branch's secret as the region hands it over: a file only its owner reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{secret}\n")
    path.chmod(0o600)
    return path


async def okno(*args: str) -> Result:
    """``okno ARGS`` as a technician types it; in a thread, as the hub serves in this loop."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args))


async def test_a_hub_backed_up_to_the_back_office_comes_back_on_a_new_box_from_there(
    config_file: Path, tmp_path: Path, region: Region, office: RegionOffice
) -> None:
    public = str(region.recipient)
    clock = SteppedClock()
    old_box = tmp_path / "old-box"
    hub_secret = secret_file(old_box / "backoffice.secret", office.secret)
    async with contextlib.AsyncExitStack() as stack:
        served = await stack.enter_async_context(serve_hub(config_file, old_box / "okno.db", clock))
        sender = await start_sync(served.hub, office.target, office.secret)
        stack.push_async_callback(sender.stop)
        before = [await issue(served), await issue(served)]
        took = await okno(
            "backup",
            "--recipient",
            public,
            "--db",
            str(served.db),
            "--config",
            str(served.config),
            "--backoffice-secret-file",
            str(hub_secret),
            "--backoffice",
            office.target,
        )
        assert took.exit_code == 0, took.output
        (local,) = archives(served.hub.backups_dir)
        assert (
            f"sent to the back office at {office.target} (it keeps 1 of the branch's archives"
            in took.output
        )
        after = [await issue(served), await issue(served)]
        await synced(sender, served.hub)
        lost_at_seq = served.hub.committed_seq
    shutil.rmtree(old_box)  # the box is lost, and its backups with it

    new_box = tmp_path / "new-box"
    from_region = secret_file(tmp_path / "region" / "khamovniki.secret", office.secret)
    as_branch = ("--branch", BRANCH, "--backoffice-secret-file", str(from_region))
    kept = await okno("backup", "list", "--backoffice", office.target, *as_branch)
    assert kept.exit_code == 0, kept.output
    assert kept.output.strip().endswith(local.path.name)
    fetched = await okno(
        "backup",
        "fetch",
        "--backoffice",
        office.target,
        *as_branch,
        "--to",
        str(new_box / "fetched"),
    )
    assert fetched.exit_code == 0, fetched.output
    archive = new_box / "fetched" / local.path.name
    assert fetched.output.startswith(f"{archive}  ")
    restored = await okno(
        "restore",
        str(archive),
        "--identity",
        str(region.key_file),
        "--db",
        str(new_box / "okno.db"),
        "--config",
        str(new_box / "branch.toml"),
        "--backoffice-secret-file",
        str(new_box / "backoffice.secret"),
        "--backoffice",
        office.target,
    )
    assert restored.exit_code == 0, restored.output
    assert f"the hub goes on at seq {lost_at_seq + 2}" in restored.output
    async with serve_hub(new_box / "branch.toml", new_box / "okno.db", clock) as again:
        numbers = await again.hub.read_store(
            lambda r: [t.number for t in r.load(again.hub.engine.day).tickets]
        )
        assert sorted(numbers) == sorted(before + after)
        assert await issue(again) not in before + after
        sender = await start_sync(again.hub, office.target, office.secret)
        try:
            await synced(sender, again.hub)
        finally:
            await sender.stop()
    assert acked(office.engine, BRANCH) == again.hub.committed_seq


def test_an_upload_that_fails_keeps_the_local_archive_and_says_so(
    config_file: Path, tmp_path: Path, region: Region
) -> None:
    db = tmp_path / "hub" / "okno.db"
    asyncio.run(run_once(config_file, db))
    hub_secret = secret_file(tmp_path / "hub" / "backoffice.secret", "ab" * 32)
    nobody = f"127.0.0.1:{free_port()}"
    took = CliRunner().invoke(
        app,
        [
            "backup",
            "--recipient",
            str(region.recipient),
            "--db",
            str(db),
            "--config",
            str(config_file),
            "--backoffice-secret-file",
            str(hub_secret),
            "--backoffice",
            nobody,
        ],
    )
    assert took.exit_code == 2
    (kept,) = archives(tmp_path / "hub" / "okno-backups")
    assert f"cannot reach the back office at {nobody}" in took.output
    assert f"The archive is kept here ({kept.path})" in took.output
    assert "the next backup, or this command again, sends one" in took.output


async def test_a_wrong_secret_gets_no_archive_and_leaves_no_file(
    office: RegionOffice, tmp_path: Path
) -> None:
    folder = tmp_path / "fetched"
    with pytest.raises(OffsiteRefused, match="refuses branch 'khamovniki'"):
        await download(office.office("ab" * 32), folder)
    with pytest.raises(OffsiteNotFound, match="keeps no archive of branch 'khamovniki'"):
        await download(office.office(), folder)
    assert list(folder.iterdir()) == []


async def test_a_back_office_without_backups_says_how_to_keep_them(
    pg_url: str, tmp_path: Path
) -> None:
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        with pytest.raises(OffsiteRefused, match="start it with --backups DIR"):
            await download(Office(f"127.0.0.1:{port}", secret, BRANCH), tmp_path)
    finally:
        await server.stop(0)
        engine.dispose()


class Lying(SyncService):
    """A back office that announces one archive and sends other bytes."""

    async def GetBackup(  # noqa: N802 - the gRPC method's name
        self, request: sync_pb2.GetBackupRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> AsyncIterator[sync_pb2.BackupChunk]:
        name = f"{BRANCH}-20261207-023000.okno-backup"
        told = sync_pb2.BackupHeader(branch_id=BRANCH, name=name, size=3, sha256="0" * 64)
        yield sync_pb2.BackupChunk(header=told)
        yield sync_pb2.BackupChunk(data=b"age")


async def test_bytes_other_than_announced_leave_no_archive(pg_url: str, tmp_path: Path) -> None:
    engine = open_store(pg_url)
    server = grpc.aio.server()
    sync_pb2_grpc.add_SyncServicer_to_server(Lying(engine), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        with pytest.raises(OffsiteFailed, match="without the SHA-256 it announced"):
            await download(Office(f"127.0.0.1:{port}", "ab" * 32, BRANCH), tmp_path / "fetched")
    finally:
        await server.stop(0)
        engine.dispose()
    assert list((tmp_path / "fetched").iterdir()) == []
