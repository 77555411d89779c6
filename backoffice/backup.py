"""``okno backoffice backup``: a ``pg_dump -Fc`` of the back office that is kept only
when whole, and the last few of them.

pg_dump writes to a hidden ``.NAME.partial`` file; only when it exits 0 and
``pg_restore --list`` reads the archive's table of contents is the file made owner only,
fsynced and renamed to ``backoffice-YYYYMMDD-HHMMSS.dump``, then the folder fsynced. A
power cut or a failed dump leaves at most a ``.partial`` file, which no restore picks up
(docs/backoffice.md, "Backups", restores only ``backoffice-*.dump``) and the next backup
deletes. The key file that seals the branch secrets is not in the dump: it is kept apart.
"""

from __future__ import annotations

import logging
import os
import subprocess
from datetime import datetime
from pathlib import Path

from backoffice.errors import BackupFailed
from backoffice.pgcluster import BIN

log = logging.getLogger(__name__)
PATTERN = "backoffice-*.dump"


def backup(url: str, folder: Path, now: datetime, keep: int, tools: Path = BIN) -> Path:
    """Dump the back office at ``url`` into ``folder`` as of ``now``; keep the newest
    ``keep`` dumps there. Returns the new dump's path."""
    if not url.startswith("postgresql://"):
        raise BackupFailed(
            f"okno backoffice backup dumps PostgreSQL, not {url.split(':', 1)[0]}: give --db "
            "postgresql://...; copy a SQLite back office with sqlite3's .backup"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".backoffice-*.partial"):
        stale.unlink()
    final = folder / f"backoffice-{now:%Y%m%d-%H%M%S}.dump"
    partial = folder / f".{final.name}.partial"
    try:
        _run(tools / "pg_dump", "--format=custom", f"--file={partial}", url)
        _run(tools / "pg_restore", "--list", str(partial))
    except BackupFailed:
        partial.unlink(missing_ok=True)
        raise
    partial.chmod(0o600)  # every branch's events: the owner's only
    _sync(partial)
    partial.replace(final)
    _sync(folder)
    pruned = prune(folder, keep)
    log.info("back office dumped file=%s bytes=%d pruned=%d", final, final.stat().st_size, pruned)
    return final


def prune(folder: Path, keep: int) -> int:
    """Delete all but the newest ``keep`` dumps (names sort by time); how many went."""
    dumps = sorted(folder.glob(PATTERN))
    old = dumps[: max(0, len(dumps) - keep)]
    for path in old:
        path.unlink()
    return len(old)


def _run(program: Path, *args: str) -> None:
    try:
        subprocess.run([str(program), *args], check=True, capture_output=True)
    except FileNotFoundError as error:
        raise BackupFailed(
            f"no {program}: install PostgreSQL's client tools, or give --pg-bin their folder"
        ) from error
    except subprocess.CalledProcessError as error:
        reason = error.stderr.decode(errors="replace").strip().splitlines()
        raise BackupFailed(
            f"{program.name} failed ({reason[-1] if reason else f'exit {error.returncode}'}); "
            "no backup was taken, the previous ones are kept"
        ) from error


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
