"""Opening an archive into a staging folder and checking all of it, before a restore
writes anything where the hub lives.

Each refusal says what is wrong with the archive: not an okno backup, encrypted to
another key, truncated, changed after it was written, or from a newer okno.
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyrage
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from hub.backup import manifest
from hub.backup.errors import ArchiveRefused
from hub.backup.layout import CATALOGUE, CONFIG, DATABASE, PKI, SECRET
from hub.backup.manifest import MANIFEST, SIGNATURE, Manifest
from hub.store.database import MIGRATIONS
from okno import __version__
from okno.runtime.hubtls import fingerprint

AGE_HEADER = b"age-encryption.org/v1\n"
_FIXED = {MANIFEST, SIGNATURE, DATABASE, CONFIG, SECRET}


@dataclass(frozen=True, slots=True)
class Unpacked:
    root: Path
    manifest: Manifest
    # The branch CA's fingerprint as `okno provision list` and the devices' pairing
    # screens show it: the technician compares them.
    ca_fingerprint: str


def unpack(archive: Path, identity: pyrage.x25519.Identity, staging: Path) -> Unpacked:
    """Decrypt and unpack ``archive`` under ``staging`` and check it whole."""
    _check_age(archive)
    plain = staging / "archive.tar.gz"
    try:
        pyrage.decrypt_file(str(archive), str(plain), [identity])
    except pyrage.DecryptError as error:
        if "no matching keys" in str(error).lower():
            raise ArchiveRefused(
                f"{archive} is not encrypted to this region key: give --identity the key of "
                "the region the branch's backups are made for"
            ) from None
        raise ArchiveRefused(f"{archive} is damaged: its age header is invalid ({error})") from None
    except OSError as error:
        raise ArchiveRefused(
            f"{archive} is truncated or damaged ({error}): its encrypted content does not "
            "authenticate; restore an older backup or copy this one again"
        ) from None
    root = staging / "content"
    _extract(archive, plain, root)
    plain.unlink()
    text = (root / MANIFEST).read_bytes()
    described = Manifest.from_bytes(text)
    ca_pem = root / PKI / "ca.pem"
    if f"{PKI}ca.pem" not in described.members or not ca_pem.is_file():
        raise ArchiveRefused(f"{archive} holds no branch CA certificate: it is not a hub's backup")
    manifest.verify(text, (root / SIGNATURE).read_bytes(), ca_pem.read_bytes())
    _check_members(archive, root, described)
    _check_schema(described)
    _check_database(archive, root / DATABASE)
    return Unpacked(root, described, fingerprint(ca_pem.read_bytes()))


def _check_age(archive: Path) -> None:
    try:
        with archive.open("rb") as file:
            head = file.read(len(AGE_HEADER))
    except OSError as error:
        raise ArchiveRefused(f"cannot read {archive}: {error.strerror}") from None
    if head != AGE_HEADER:
        raise ArchiveRefused(
            f"{archive} is not an okno backup: it is not an age-encrypted file; give "
            "`okno restore` a *.okno-backup file that `okno backup` wrote"
        )


def _extract(archive: Path, plain: Path, root: Path) -> None:
    """Unpack only regular files under the names an archive may hold: a crafted tar
    cannot write outside ``root`` or plant a link."""
    try:
        with tarfile.open(plain, "r:gz") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _allowed(name):
                    raise ArchiveRefused(
                        f"{archive} holds {name!r}, which no okno backup holds: it is not an "
                        "okno backup, or it was made to write outside the restore's folder"
                    )
                source = tar.extractfile(member)
                assert source is not None
                target = root / name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with source, target.open("xb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                    # Synced before the restore renames it into place: a power cut then
                    # leaves the whole file under its real name, never a short one.
                    out.flush()
                    os.fsync(out.fileno())
                target.chmod(0o600)
    except (tarfile.TarError, EOFError, zlib.error, FileExistsError) as error:
        raise ArchiveRefused(
            f"{archive} decrypts but its content is cut short or damaged ({error}): restore "
            "an older backup"
        ) from None
    for required in (MANIFEST, SIGNATURE):
        if not (root / required).is_file():
            raise ArchiveRefused(f"{archive} holds no {required}: it is not an okno backup")


def _allowed(name: str) -> bool:
    """A fixed name, a key file directly in ``pki/``, or a catalogue file below
    ``catalogue/`` whose path never steps up or in place (hub/backup/catalogue.py)."""
    path = PurePosixPath(name)
    if name in _FIXED:
        return True
    if name.startswith(CATALOGUE):
        steps = name.split("/")
        return len(steps) > 1 and all(s not in ("", ".", "..") for s in steps)
    return (
        len(path.parts) == 2
        and path.parts[0] == PKI.rstrip("/")
        and not path.parts[1].startswith(".")
        and "\\" not in path.parts[1]
    )


def _check_members(archive: Path, root: Path, described: Manifest) -> None:
    found = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - {
        MANIFEST,
        SIGNATURE,
    }
    if found != set(described.members):
        extra, lacking = (
            sorted(found - set(described.members)),
            sorted(set(described.members) - found),
        )
        raise ArchiveRefused(
            f"{archive} does not hold what its manifest lists (extra: {extra}, missing: "
            f"{lacking}): it was changed after the hub wrote it"
        )
    for name, expected in described.members.items():
        if manifest.member_of(root / name) != expected:
            raise ArchiveRefused(
                f"{archive}: {name} does not match its checksum in the manifest: the archive "
                "was damaged or changed; restore another backup"
            )
    if DATABASE not in described.members or CONFIG not in described.members:
        raise ArchiveRefused(f"{archive} holds no hub database or configuration")


def _check_schema(described: Manifest) -> None:
    """A database from a newer okno may hold what this okno would misread or drop."""
    scripts = ScriptDirectory(str(MIGRATIONS))
    try:
        known = scripts.get_revision(described.schema) is not None
    except CommandError:
        known = False
    if not known:
        raise ArchiveRefused(
            f"the backup's database is at schema {described.schema!r}, which this okno "
            f"({__version__}, schema {scripts.get_current_head()}) does not know: it was "
            f"taken by okno {described.okno_version}; restore it with that version or newer"
        )


def _check_database(archive: Path, db: Path) -> None:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as error:
        verdict = str(error)
    finally:
        connection.close()
    if verdict != "ok":
        raise ArchiveRefused(f"{archive}: the database copy fails SQLite's check: {verdict}")
