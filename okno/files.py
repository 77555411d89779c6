"""Files okno keeps: written so that a power cut leaves the old file or the new, never
half, and private (owner only) when they hold secrets or visitors' data."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from okno.errors import SecretExposed

log = logging.getLogger(__name__)

# Group and other permission bits: any of them lets someone but the owner reach the file.
_OTHERS = 0o077
# The files SQLite makes beside a database; it gives them the database file's mode.
_SQLITE_COMPANIONS = ("-wal", "-shm")
# What a write in progress is called until it is whole; never read as the file itself.
PARTIAL = ".partial"


@contextlib.contextmanager
def atomic_writer(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A file to write ``path`` through: it takes the name only once whole and on disk.

    Until then the bytes are in ``path.partial``; an error inside the block removes it and
    leaves ``path`` as it was, and a power cut leaves ``path`` as it was beside a partial
    that the next write of ``path`` starts afresh. Meant also for a stream too big to hold
    in memory (an archive), which must never be taken for a whole one.
    """
    partial = path.with_name(path.name + PARTIAL)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            # Whatever the umask, and whatever mode a partial left by a cut had.
            os.fchmod(file.fileno(), mode)
            yield file
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    sync_folder(path.parent)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all, and durably (on disk when this returns)."""
    with atomic_writer(path, mode) as file:
        file.write(data)


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, whole or not at all, and durably."""
    write_atomic(path, data, 0o600)


def sync_folder(folder: Path) -> None:
    """Make the names in ``folder`` durable: a new or renamed file is lost to a cut without."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def discard_partials(folder: Path) -> int:
    """Delete the partial files a cut left in ``folder``; how many there were."""
    found = list(folder.glob(f"*{PARTIAL}"))
    for partial in found:
        partial.unlink(missing_ok=True)
    if found:
        log.warning(
            "partial files from an interrupted write removed folder=%s count=%d", folder, len(found)
        )
    return len(found)


def append_line(path: Path, line: str) -> None:
    """Append one line to an append-only journal, on disk before this returns."""
    if "\n" in line:
        raise ValueError(f"a journal line holds no line break: {line!r}")
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{line}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        sync_folder(path.parent)


def journal_lines(path: Path) -> list[str]:
    """The whole lines of an append-only journal; none when it does not exist yet.

    A cut in the middle of an append leaves a last line without its line break: that
    append never returned, so it is dropped, and cut off the file so that the next append
    does not run on from it.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    whole = data[: data.rfind(b"\n") + 1]
    if len(whole) < len(data):
        with path.open("r+b") as file:
            file.truncate(len(whole))
            os.fsync(file.fileno())
        log.warning(
            "torn last line of a journal dropped file=%s bytes=%d", path, len(data) - len(whole)
        )
    return whole.decode("utf-8", errors="replace").splitlines()


def durable_sqlite(dbapi_connection: Any) -> None:
    """WAL and synchronous=FULL on a new SQLite connection: a commit survives a power cut.

    WAL lets readers go on while a batch commits; in WAL mode SQLite's NORMAL keeps the
    database whole but may lose the last commits to a cut, FULL does not (SQLite docs,
    "PRAGMA synchronous").
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def read_private(path: Path) -> bytes:
    """A secret file's bytes; SecretExposed when its mode lets others than its owner in.

    The mode is read from the open file, so that a chmod between the check and the read
    cannot slip through.
    """
    with path.open("rb") as file:
        mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
        if mode & _OTHERS:
            raise SecretExposed(str(path), mode)
        return file.read()


def private_database(path: Path) -> None:
    """Make a SQLite database file owner only before SQLite opens it, whatever the umask.

    SQLite creates a new database with 0644 less the umask and its -wal and -shm with the
    database's mode; a file made here first (or tightened, when an older okno left it
    readable) keeps them all private.
    """
    _private(path, create=True)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _private(companion, create=False)


def _private(path: Path, *, create: bool) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_CREAT if create else 0), 0o600)
    try:
        if os.fstat(fd).st_mode & _OTHERS:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
