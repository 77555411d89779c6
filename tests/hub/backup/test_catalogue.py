"""The service catalogue and its forms travel in the backup: a restored hub starts and
serves the same catalogue; a catalogue changed inside the archive is refused; a
catalogue the restore could not put back beside the configuration is refused at backup;
an archive from before backups carried it still restores."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.backup import take
from hub.backup.errors import ArchiveRefused, BackupSettings
from hub.backup.layout import HubFiles
from hub.backup.restore import restore
from hub.backup.take import Taken
from okno.cli import app
from protos.okno.v1 import catalogue_pb2, catalogue_pb2_grpc
from tests.hub.backup.conftest import Region, backup_of, issue
from tests.hub.backup.test_bad_archives import _repacked
from tests.hub.catalogue_files import EXAMPLES, branch_with_catalogue
from tests.hub.conftest import Served, SteppedClock, serve_hub

FORM = "forms/passport-1p-blank.pdf"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    config = branch_with_catalogue(tmp_path / "etc")
    async with serve_hub(config, tmp_path / "hub" / "okno.db", SteppedClock()) as running:
        yield running


async def version_of(served: Served) -> str:
    stub = catalogue_pb2_grpc.CatalogueStub(served.local)
    reply = await stub.GetCatalogue(catalogue_pb2.GetCatalogueRequest())
    assert reply.entries
    return str(reply.version)


def new_box(tmp_path: Path) -> HubFiles:
    box = tmp_path / "new-box"
    return HubFiles(box / "var" / "okno.db", box / "etc" / "okno" / "branch.toml")


async def test_a_restored_hub_serves_the_catalogue_it_served(
    served: Served, region: Region, tmp_path: Path
) -> None:
    await issue(served)
    version = await version_of(served)
    taken = backup_of(served, region, tmp_path / "backups")
    target = new_box(tmp_path)

    restored = await restore(taken.path, region.identity, target, served.clock())

    folder = target.config.parent
    assert (folder / "catalogue.toml").read_bytes() == (
        served.config.parent / "catalogue.toml"
    ).read_bytes()
    forms = sorted(p.relative_to(folder) for p in (folder / "forms").iterdir())
    assert forms == sorted(p.relative_to(EXAMPLES) for p in (EXAMPLES / "forms").iterdir())
    assert all(p.stat().st_mode & 0o077 == 0 for p in folder.rglob("*") if p.is_file())
    assert not restored.catalogue_not_restored
    async with serve_hub(target.config, target.db, served.clock) as again:
        assert await version_of(again) == version
        stub = catalogue_pb2_grpc.CatalogueStub(again.local)
        form = await stub.GetForm(catalogue_pb2.GetFormRequest(form_id="passport-1p-blank"))
        assert form.pdf == (EXAMPLES / FORM).read_bytes()


def a_form_changed(root: Path) -> None:
    (root / "catalogue" / FORM).write_bytes((EXAMPLES / "forms/residence-6-blank.pdf").read_bytes())


def a_form_dropped(root: Path) -> None:
    (root / "catalogue" / FORM).unlink()


@pytest.mark.parametrize(
    ("spoil", "refusal"),
    [
        (a_form_changed, f"catalogue/{FORM} does not match its checksum"),
        (a_form_dropped, rf"missing: \['catalogue/{FORM}'\]"),
    ],
    ids=["changed", "dropped"],
)
async def test_a_form_spoiled_in_the_archive_is_refused_and_nothing_written(
    served: Served, region: Region, tmp_path: Path, spoil: Callable[[Path], object], refusal: str
) -> None:
    taken = backup_of(served, region, tmp_path / "backups")
    work = tmp_path / "work"
    work.mkdir()
    _repacked(taken.path, region, work, spoil)
    target = new_box(tmp_path)

    with pytest.raises(ArchiveRefused, match=refusal):
        await restore(taken.path, region.identity, target, served.clock())

    assert not target.config.parent.exists()
    assert [p.name for p in target.db.parent.iterdir()] == []


async def test_a_catalogue_already_on_the_box_is_not_overwritten(
    served: Served, region: Region, tmp_path: Path
) -> None:
    taken = backup_of(served, region, tmp_path / "backups")
    target = new_box(tmp_path)
    target.config.parent.mkdir(parents=True)
    (target.config.parent / "catalogue.toml").write_text("the region's newer catalogue")

    with pytest.raises(FileExistsError, match=r"catalogue\.toml already exist"):
        await restore(taken.path, region.identity, target, served.clock())

    assert (target.config.parent / "catalogue.toml").read_text() == "the region's newer catalogue"
    assert not target.db.exists()


async def test_a_catalogue_outside_the_configurations_folder_is_refused_at_backup(
    served: Served, region: Region, tmp_path: Path
) -> None:
    config = tmp_path / "etc" / "branch.toml"
    text = config.read_text(encoding="utf-8")
    (tmp_path / "etc" / "catalogue.toml").rename(tmp_path / "catalogue.toml")
    (tmp_path / "etc" / "forms").rename(tmp_path / "forms")
    config.write_text(text.replace('file = "catalogue.toml"', 'file = "../catalogue.toml"'))

    with pytest.raises(BackupSettings, match=r'"\.\./catalogue\.toml", outside the configuration'):
        backup_of(served, region, tmp_path / "backups")
    assert not list((tmp_path / "backups").glob("*.okno-backup"))


async def test_a_catalogue_the_hub_would_refuse_is_refused_at_backup(
    served: Served, region: Region, tmp_path: Path
) -> None:
    (tmp_path / "etc" / FORM).unlink()

    with pytest.raises(BackupSettings, match=r"passport-1p-blank\.pdf.*no such file.*fix the"):
        backup_of(served, region, tmp_path / "backups")


async def test_an_archive_from_before_catalogues_restores_and_says_what_is_left_out(
    served: Served, region: Region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(take, "catalogue_files", lambda config, branch: {})
    taken: Taken = backup_of(served, region, tmp_path / "backups")
    assert not [m for m in taken.manifest.members if m.startswith("catalogue/")]
    target = new_box(tmp_path)
    key = tmp_path / "region" / "region.key"

    # In a thread: the command runs its own event loop, as on the command line.
    result = await asyncio.to_thread(
        CliRunner().invoke,
        app,
        [
            "restore",
            str(taken.path),
            "--identity",
            str(key),
            "--db",
            str(target.db),
            "--config",
            str(target.config),
        ],
    )

    assert result.exit_code == 0, result.output
    assert target.config.read_bytes() == served.config.read_bytes()
    assert (
        f"names the catalogue {target.config.parent / 'catalogue.toml'}, which this backup"
        in " ".join(result.output.split())
    )
