"""Files okno keeps: written so that a power cut leaves the old file or the new, never
half, and private (owner only) when they hold secrets or visitors' data."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from okno.errors import SecretExposed

# Group and other permission bits: any of them lets someone but the owner reach the file.
_OTHERS = 0o077
# The files SQLite makes beside a database; it gives them the database file's mode.
_SQLITE_COMPANIONS = ("-wal", "-shm")


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, whole or not at all, and durably."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make the names in ``folder`` durable: a rename is lost in a power cut until then."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
