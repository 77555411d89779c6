"""An archive that is truncated, damaged, foreign, keyed for another region, changed after
it was written or made by a newer okno is refused with what is wrong, and nothing on the
target is overwritten."""

from __future__ import annotations

import io
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest

from hub.backup.errors import ArchiveRefused
from hub.backup.keys import identity, make_region_key
from hub.backup.layout import HubFiles
from hub.backup.restore import restore
from hub.backup.take import take_backup
from tests.hub.backup.conftest import Region, backup_of, issue
from tests.hub.conftest import Served


def truncated(archive: Path, region: Region, work: Path) -> None:
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) - 200])


def a_flipped_byte(archive: Path, region: Region, work: Path) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))


def not_age_at_all(archive: Path, region: Region, work: Path) -> None:
    archive.write_bytes(b"PK\x03\x04 a zip file, say" * 100)


def for_another_region(archive: Path, region: Region, work: Path) -> None:
    other = pyrage.x25519.Identity.generate().to_public()
    plain = _decrypted(archive, region, work)
    pyrage.encrypt_file(str(plain), str(archive), [other])


def an_age_file_that_is_no_backup(archive: Path, region: Region, work: Path) -> None:
    plain = work / "note.txt"
    plain.write_text("not a tar at all")
    pyrage.encrypt_file(str(plain), str(archive), [region.recipient])


def a_member_changed(archive: Path, region: Region, work: Path) -> None:
    """Someone with the region's public key rewrites the configuration inside."""
    _repacked(archive, region, work, lambda root: (root / "config" / "branch.toml").write_text(""))


def a_member_added(archive: Path, region: Region, work: Path) -> None:
    _repacked(archive, region, work, lambda root: (root / "pki" / "evil.pem").write_text("x"))


def a_path_outside(archive: Path, region: Region, work: Path) -> None:
    _planted(archive, region, work, "../../etc/cron.d/okno")


def a_catalogue_path_outside(archive: Path, region: Region, work: Path) -> None:
    """A catalogue member may hold folders, but none that steps up."""
    _planted(archive, region, work, "catalogue/forms/../../../../etc/cron.d/okno")


def _planted(archive: Path, region: Region, work: Path, name: str) -> None:
    def plant(tar: tarfile.TarFile) -> None:
        evil = tarfile.TarInfo(name)
        evil.size = 1
        tar.addfile(evil, io.BytesIO(b"x"))

    _repacked(archive, region, work, lambda root: None, plant)


def _decrypted(archive: Path, region: Region, work: Path) -> Path:
    plain = work / "plain.tar.gz"
    pyrage.decrypt_file(str(archive), str(plain), [region.identity])
    return plain


def _repacked(
    archive: Path,
    region: Region,
    work: Path,
    change: Callable[[Path], object],
    add: Callable[[tarfile.TarFile], None] = lambda tar: None,
) -> None:
    """The archive unpacked, changed, packed and encrypted again as okno would."""
    plain = _decrypted(archive, region, work)
    root = work / "unpacked"
    with tarfile.open(plain) as tar:
        tar.extractall(root, filter="data")
    change(root)
    with tarfile.open(plain, "w:gz") as tar:
        for name in ("manifest.json", "manifest.sig"):
            tar.add(root / name, arcname=name)
        for path in sorted(root.rglob("*")):
            name = str(path.relative_to(root))
            if path.is_file() and not name.startswith("manifest."):
                tar.add(path, arcname=name)
        add(tar)
    pyrage.encrypt_file(str(plain), str(archive), [region.recipient])


Spoil = Callable[[Path, Region, Path], None]
CASES: dict[Spoil, str] = {
    truncated: "truncated or damaged",
    a_flipped_byte: "truncated or damaged",
    not_age_at_all: "not an okno backup",
    for_another_region: "not encrypted to this region key",
    an_age_file_that_is_no_backup: "cut short or damaged",
    a_member_changed: "does not match its checksum",
    a_member_added: "does not hold what its manifest lists",
    a_path_outside: "which no okno backup holds",
    a_catalogue_path_outside: "which no okno backup holds",
}


@pytest.mark.parametrize("spoil", list(CASES), ids=[f.__name__ for f in CASES])
async def test_a_bad_archive_is_refused_and_the_target_left_alone(
    served: Served,
    region: Region,
    tmp_path: Path,
    spoil: Spoil,
) -> None:
    await issue(served)
    taken = backup_of(served, region, tmp_path / "backups")
    work = tmp_path / "work"
    work.mkdir()
    spoil(taken.path, region, work)
    box = tmp_path / "box"
    target = HubFiles(box / "okno.db", box / "branch.toml")
    box.mkdir()
    target.db.write_bytes(b"the hub that was here")
    target.config.write_text("its configuration")

    with pytest.raises(ArchiveRefused, match=CASES[spoil]):
        await restore(taken.path, region.identity, target, served.clock(), replace_existing=True)

    assert target.db.read_bytes() == b"the hub that was here"
    assert target.config.read_text() == "its configuration"
    assert sorted(p.name for p in box.iterdir()) == ["branch.toml", "okno.db"]


async def test_an_archive_from_a_newer_okno_is_refused(
    served: Served, region: Region, tmp_path: Path
) -> None:
    """A database at a schema revision this okno does not know, signed by its own hub."""
    newer = tmp_path / "newer" / "okno.db"
    newer.parent.mkdir()
    with sqlite3.connect(served.db) as source, sqlite3.connect(newer) as copy:
        source.backup(copy)
        copy.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    pki = HubFiles(served.db, served.config).pki
    (newer.parent / "okno-pki").symlink_to(pki)
    taken = take_backup(HubFiles(newer, served.config), tmp_path / "b", [region.recipient], 0)
    target = HubFiles(tmp_path / "box" / "okno.db", tmp_path / "box" / "branch.toml")
    with pytest.raises(ArchiveRefused, match=r"0099_from_the_future.*does not know"):
        await restore(taken.path, region.identity, target, served.clock())
    assert not target.db.exists()


def test_a_region_key_is_made_once(tmp_path: Path) -> None:
    key = tmp_path / "region.key"
    public = make_region_key(key)
    assert key.stat().st_mode & 0o077 == 0
    assert str(identity(key).to_public()) == public
    with pytest.raises(ValueError, match="made once"):
        make_region_key(key)
