"""Taking a backup while the hub serves: copy, describe, sign, pack, encrypt, then name.

The database is copied by SQLite's online backup API inside one read transaction, so
the copy is the database as of one commit: without it, a copy in steps would restart
each time the hub commits, and a busy hub commits many times a second. In WAL mode that
read never blocks the hub's writes; the steps are paced so that the copy's writes do not
queue the hub's synced commits behind them (docs/benchmarks.md). Nothing is an archive
until its encrypted file is complete, synced and renamed to its final name, so a power
cut leaves either the previous backups only or a ``.partial`` that no one reads.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyrage
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from hub.backup import manifest
from hub.backup.catalogue import catalogue_files
from hub.backup.errors import BackupSettings
from hub.backup.layout import CONFIG, DATABASE, PKI, SECRET, STAGING, SUFFIX, HubFiles
from hub.backup.manifest import FORMAT, MANIFEST, SIGNATURE, Manifest
from hub.config import load_branch
from hub.domain.numbering import local_time
from okno import __version__
from okno.files import PARTIAL, discard_partials, private_database, read_private, sync_folder

log = logging.getLogger(__name__)
# The database copy in steps of this many pages, each synced, at most this many bytes a
# second: a year's 7 GB then takes about a minute and a quarter.
STEP_PAGES = 2048
COPY_BYTES_PER_S = 96 * 2**20
# Fast over small: a year of a big branch's log is gigabytes of JSON, which level 1
# shrinks most of what level 9 would, at several times the speed.
COMPRESS_LEVEL = 1


@dataclass(frozen=True, slots=True)
class Taken:
    path: Path
    manifest: Manifest


def take_backup(
    files: HubFiles, out_dir: Path, recipients: list[pyrage.x25519.Recipient], now_ms: int
) -> Taken:
    """Write one archive of the hub's files into ``out_dir``, encrypted to ``recipients``."""
    files.check_present()
    if not recipients:
        raise BackupSettings("no recipient: give --recipient the region's public key (age1...)")
    branch = load_branch(files.config).branch
    catalogue = catalogue_files(files.config, branch)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    clear_leftovers(out_dir)
    name = f"{branch.id}-{local_time(now_ms, branch.timezone):%Y%m%d-%H%M%S}{SUFFIX}"
    final = out_dir / name
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=STAGING) as staging:
        root = Path(staging) / "content"
        last_seq, last_day, schema = copy_database(files.db, root / DATABASE)
        _copy(files.config, root / CONFIG)
        for key_file in sorted(files.pki.iterdir()):
            if key_file.is_file() and not key_file.name.endswith(PARTIAL):
                _copy(key_file, root / PKI / key_file.name)
        if files.backoffice_secret is not None:
            _copy(files.backoffice_secret, root / SECRET)
        for name, data in catalogue.items():
            _write(root / name, data)
        described = Manifest(
            format=FORMAT,
            okno_version=__version__,
            branch_id=branch.id,
            schema=schema,
            last_seq=last_seq,
            last_day=last_day,
            taken_at_ms=now_ms,
            members={
                str(p.relative_to(root)): manifest.member_of(p)
                for p in sorted(root.rglob("*"))
                if p.is_file()
            },
        )
        text = described.to_bytes()
        (root / MANIFEST).write_bytes(text)
        (root / SIGNATURE).write_bytes(manifest.sign(text, _ca_key(files.pki / "ca.key")))
        plain = Path(staging) / "archive.tar.gz"
        _pack(root, plain, [MANIFEST, SIGNATURE, *described.members])
        partial = final.with_name(final.name + PARTIAL)
        pyrage.encrypt_file(str(plain), str(partial), recipients)
        _fsync(partial)
        os.replace(partial, final)
        sync_folder(out_dir)
    log.info(
        "backup taken file=%s last_seq=%d schema=%s bytes=%d",
        final,
        last_seq,
        schema,
        final.stat().st_size,
    )
    return Taken(final, described)


def copy_database(db: Path, target: Path, rate: int = COPY_BYTES_PER_S) -> tuple[int, str, str]:
    """Copy the live database to ``target`` (owner only), at most ``rate`` bytes a second;
    its last seq, day and revision.

    One read transaction is held over every step: the copy is the database as of its
    first read, and the hub's commits meanwhile do not restart it, as they would restart
    a copy in steps without it.
    """
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_database(target)
    try:
        source = sqlite3.connect(f"file:{db}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupSettings(f"cannot open the hub's database {db}: {error}") from None
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        page_size = int(source.execute("PRAGMA page_size").fetchone()[0])
        with _Pacer(target, page_size * STEP_PAGES, rate) as pacer:
            source.backup(copy, pages=STEP_PAGES, progress=pacer.step)
        source.execute("COMMIT")
        last = copy.execute("SELECT seq, day FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        schema = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as error:
        raise BackupSettings(f"{db} is not a hub's database: {error}") from None
    finally:
        copy.close()
        source.close()
    seq, day = last if last else (0, "")
    return int(seq), str(day), str(schema[0]) if schema else ""


class _Pacer:
    """Syncs the copy after each step and waits so that it goes no faster than ``rate``.

    At full speed the copy of a year's database (7 GB) queued the hub's own commits,
    each synced (synchronous=FULL), behind gigabytes of writes on the same disk.
    """

    def __init__(self, target: Path, step_bytes: int, rate: int) -> None:
        self._fd = os.open(target, os.O_RDONLY)
        self._step_bytes = step_bytes
        self._rate = rate
        self._began = time.monotonic()
        self._written = 0

    def __enter__(self) -> _Pacer:
        return self

    def __exit__(self, *_: object) -> None:
        os.close(self._fd)

    def step(self, _status: int, _remaining: int, _total: int) -> None:
        os.fsync(self._fd)
        self._written += self._step_bytes
        ahead = self._written / self._rate - (time.monotonic() - self._began)
        if ahead > 0:
            time.sleep(ahead)


def clear_leftovers(out_dir: Path) -> None:
    """Remove what a backup cut short left: they are never archives."""
    discard_partials(out_dir)
    for staging in out_dir.glob(f"{STAGING}*"):
        shutil.rmtree(staging, ignore_errors=True)


def _copy(source: Path, target: Path) -> None:
    _write(target, source.read_bytes())


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def _ca_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = load_pem_private_key(read_private(path), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise BackupSettings(f"{path} is not the branch CA's elliptic-curve key")
    return key


def _pack(root: Path, plain: Path, names: list[str]) -> None:
    """A gzip'd tar of ``names`` under ``root``, the manifest first, owner and times left out."""
    with tarfile.open(plain, "w:gz", compresslevel=COMPRESS_LEVEL) as tar:
        for name in names:
            info = tar.gettarinfo(str(root / name), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o600
            with (root / name).open("rb") as file:
                tar.addfile(info, file)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
