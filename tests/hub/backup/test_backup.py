"""`okno backup` of a serving hub, and its restore on a new box (no back office here:
tests/hub/backup/test_catch_up.py has the catch-up)."""

from __future__ import annotations

import asyncio
import sqlite3
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.backup.layout import HubFiles
from hub.backup.restore import restore
from hub.backup.retention import archives
from hub.journal import HUB_RESTORED
from hub.metrics import HubMetrics
from hub.service import Hub
from okno.cli import app
from okno.runtime.hubtls import fingerprint
from tests.hub.backup.conftest import Region, backup_of, issue
from tests.hub.conftest import Served


def numbers(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [n for (n,) in connection.execute("SELECT number FROM tickets ORDER BY number")]


async def test_a_backup_taken_while_the_hub_serves_restores_on_a_new_box(
    served: Served, region: Region, tmp_path: Path
) -> None:
    before = [await issue(served), await issue(served)]
    taken = backup_of(served, region, tmp_path / "backups")
    await issue(served)  # after the backup: not in it
    assert taken.manifest.last_seq == served.hub.committed_seq - 1
    box = tmp_path / "new-box"
    target = HubFiles(box / "okno.db", box / "etc" / "branch.toml")

    restored = await restore(taken.path, region.identity, target, served.clock())

    assert numbers(target.db) == sorted(before)
    assert target.config.read_bytes() == served.config.read_bytes()
    original = HubFiles(served.db, served.config).pki
    assert {p.name: p.read_bytes() for p in target.pki.iterdir()} == {
        p.name: p.read_bytes() for p in original.iterdir()
    }
    assert restored.seq == taken.manifest.last_seq + 1
    assert restored.ca_fingerprint == fingerprint(served.ca_pem)
    hub = Hub(target.config, target.db, clock=served.clock)
    await hub.start()
    try:
        entries = await hub.read_store(lambda r: r.events_after(restored.seq - 1, 10))
        assert [e.entry.action for e in entries if e.entry] == [HUB_RESTORED]
        assert hub.committed_seq >= restored.seq
    finally:
        await hub.stop()


async def test_the_region_opens_an_archive_with_the_stock_age_tool(
    served: Served, region: Region, tmp_path: Path
) -> None:
    await issue(served)
    taken = backup_of(served, region, tmp_path / "backups")
    plain = tmp_path / "plain.tar.gz"
    age = await asyncio.create_subprocess_exec(
        *("age", "--decrypt", "--identity", str(region.key_file), "--output", str(plain)),
        str(taken.path),
    )
    assert await age.wait() == 0
    with tarfile.open(plain) as tar:
        names = tar.getnames()
    assert names[:2] == ["manifest.json", "manifest.sig"]
    assert {"hub.db", "config/branch.toml", "pki/ca.key", "pki/ca.pem", "pki/snils.key"} <= set(
        names
    )


async def test_a_restore_does_not_overwrite_a_hub_already_there(
    served: Served, region: Region, tmp_path: Path
) -> None:
    taken = backup_of(served, region, tmp_path / "backups")
    target = HubFiles(served.db, served.config)
    with pytest.raises(FileExistsError, match="already exist"):
        await restore(taken.path, region.identity, target, served.clock())


async def run_once(config: Path, db: Path) -> None:
    """A hub that has run: its CA and keys are made."""
    hub = Hub(config, db)
    await hub.start()
    await hub.stop()


def test_okno_backup_and_okno_restore_from_the_command_line(
    config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hub" / "okno.db"
    asyncio.run(run_once(config_file, db))
    runner = CliRunner()
    key = tmp_path / "region.key"
    made = runner.invoke(app, ["backup", "keygen", "--out", str(key)])
    assert made.exit_code == 0, made.output
    public = made.output.strip()
    assert public.startswith("age1")
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "msk-01-20261130-020000.okno-backup.partial").write_bytes(b"half")
    args = ["backup", "--recipient", public, "--db", str(db), "--config", str(config_file)]
    took = runner.invoke(app, [*args, "--to", str(folder)])
    assert took.exit_code == 0, took.output
    assert [a.path.suffix for a in archives(folder)] == [".okno-backup"]
    assert not list(folder.glob("*.partial"))
    listed = runner.invoke(app, ["backup", "list", "--to", str(folder)])
    assert archives(folder)[0].path.name in listed.output
    box = tmp_path / "box"
    restored = runner.invoke(
        app,
        [
            "restore",
            str(archives(folder)[0].path),
            "--identity",
            str(key),
            "--db",
            str(box / "okno.db"),
            "--config",
            str(box / "branch.toml"),
        ],
    )
    assert restored.exit_code == 0, restored.output
    assert "branch CA fingerprint" in restored.output
    assert (box / "okno.db").is_file()


async def test_metrics_tell_the_age_of_the_last_good_backup(
    served: Served, region: Region, tmp_path: Path
) -> None:
    metrics = HubMetrics(served.hub)
    assert "okno_backup_last_good_timestamp_seconds 0.0" in (await metrics.render()).decode()
    backup_of(served, region, served.hub.backups_dir)
    served.clock.advance(27 * 60)
    text = (await metrics.render()).decode()
    assert "okno_backup_last_good_age_seconds 97200.0" in text  # > 26 h: the alert fires
