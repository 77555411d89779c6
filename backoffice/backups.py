"""The branches' backup archives kept at the back office (docs/backoffice.md, "Backups kept
at the back office").

A dead hub's box takes its local archives with it; the copy here is what a new box is
restored from. The archives are encrypted to the region's key (hub/backup/take.py): the
back office keeps bytes it cannot read, and hands them only to the branch that signs for
them. An archive is received into ``<branch>/<name>.partial``, checked (length and
SHA-256), synced and renamed only when whole, so a cut, a refusal or a power cut never
leaves a file that is listed or handed out; a partial is removed when its receiving ends,
and any left by a crash when the back office starts. After each archive the branch's
folder is pruned as a hub prunes its own (hub/backup/retention.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from io import BufferedReader, BufferedWriter
from pathlib import Path

from sqlalchemy import Engine

from backoffice.errors import BackupBusy, BackupNotFound, BatchRefused
from backoffice.store import check_signature, record_refusal, secret_of
from hub.backup.retention import Archive, archive_of, archives, to_prune
from hub.domain.branch import IDENTIFIER
from hub.sync.signing import sign_backup, sign_get_backup, sign_list_backups
from okno.files import PARTIAL, sync_folder

log = logging.getLogger(__name__)
# An archive at most this long is taken (--max-backup-bytes): a year of a big branch's
# log is a few gigabytes compressed.
MAX_BACKUP_BYTES = 20 * 2**30
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Header:
    """What a branch says of the archive it sends (sync.proto BackupHeader)."""

    branch_id: str
    name: str
    size: int
    sha256: str
    signature: str


@dataclass(frozen=True, slots=True)
class Retention:
    keep_daily: int = 14
    keep_weekly: int = 8


@dataclass(frozen=True, slots=True)
class Kept:
    size: int
    # The branch's archives kept now, this one included; the older ones removed.
    kept: int
    pruned: int


@dataclass(frozen=True, slots=True)
class Opened:
    """An archive to hand out: read ``file`` from its start; the caller closes it."""

    name: str
    size: int
    sha256: str
    file: BufferedReader


class Vault:
    """The archives under ``folder``, one folder per branch."""

    def __init__(
        self,
        engine: Engine,
        folder: Path,
        *,
        max_bytes: int = MAX_BACKUP_BYTES,
        retention: Retention | None = None,
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.max_bytes = max_bytes
        self._retention = retention or Retention()
        self._receiving: set[Path] = set()
        self._lock = threading.Lock()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._clear_partials()

    def receive(self, header: Header) -> Upload:
        """Start receiving the archive ``header`` announces. BatchRefused (recorded) when it
        is not the branch's to send, not named as the branch's archive, or too long;
        BackupBusy when the same archive is being received already."""
        self._authenticate(
            header.branch_id,
            header.signature,
            lambda secret: sign_backup(
                secret, header.branch_id, header.name, header.size, header.sha256
            ),
        )
        try:
            _check_header(header, self.max_bytes)
        except BatchRefused as refusal:
            record_refusal(self.engine, header.branch_id, refusal)
            raise
        final = self.folder / header.branch_id / header.name
        with self._lock:
            if final in self._receiving:
                raise BackupBusy(
                    f"{header.name} is being received already: send it again once that ends"
                )
            self._receiving.add(final)
        try:
            return Upload(self, header, final)
        except BaseException:
            self.release(final)
            raise

    def open(self, branch_id: str, name: str, signature: str) -> Opened:
        """The branch's archive ``name`` ("": its newest), opened. BatchRefused (recorded)
        when the request is not the branch's; BackupNotFound when there is no such archive."""
        self._authenticate(
            branch_id, signature, lambda secret: sign_get_backup(secret, branch_id, name)
        )
        if name and not _names_archive_of(name, branch_id):
            refusal = BatchRefused("bad_backup_name", _bad_name(name, branch_id))
            record_refusal(self.engine, branch_id, refusal)
            raise refusal
        found = self._archives(branch_id)
        chosen = [a for a in found if a.path.name == name] if name else found[-1:]
        if not chosen:
            what = f"archive {name}" if name else "archive"
            raise BackupNotFound(
                f"the back office keeps no {what} of branch {branch_id!r}: `okno backup list "
                "--backoffice` names those it keeps"
            )
        try:
            file = chosen[0].path.open("rb")
        except FileNotFoundError:
            raise BackupNotFound(
                f"{chosen[0].path.name} was removed by the retention meanwhile: ask again"
            ) from None
        try:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
            size = file.tell()
            file.seek(0)
        except BaseException:
            file.close()
            raise
        log.info(
            "backup handed out branch=%s name=%s bytes=%d", branch_id, chosen[0].path.name, size
        )
        return Opened(chosen[0].path.name, size, digest, file)

    def listed(self, branch_id: str, signature: str) -> list[tuple[str, int]]:
        """(name, size) of the branch's complete archives, oldest first."""
        self._authenticate(
            branch_id, signature, lambda secret: sign_list_backups(secret, branch_id)
        )
        found = []
        for archive in self._archives(branch_id):
            try:
                found.append((archive.path.name, archive.path.stat().st_size))
            except FileNotFoundError:
                continue  # pruned meanwhile by an archive just kept
        return found

    def _archives(self, branch_id: str) -> list[Archive]:
        if not re.fullmatch(IDENTIFIER, branch_id):
            return []  # never a folder of the vault's: nothing was ever received for it
        return archives(self.folder / branch_id)

    def _authenticate(self, branch_id: str, signature: str, expected: Callable[[str], str]) -> None:
        try:
            with self.engine.connect() as connection:
                secret = secret_of(connection, branch_id)
            check_signature(signature, lambda: expected(secret), "backup request")
        except BatchRefused as refusal:
            record_refusal(self.engine, branch_id, refusal)
            raise

    def prune(self, final: Path, size: int) -> Kept:
        """Prune the archive's branch folder (the archive too, if it is older than what
        the retention keeps); what it keeps now."""
        found = archives(final.parent)
        pruned = to_prune(found, self._retention.keep_daily, self._retention.keep_weekly)
        for old in pruned:
            old.path.unlink(missing_ok=True)
        if pruned:
            sync_folder(final.parent)
        return Kept(size, len(found) - len(pruned), len(pruned))

    def release(self, final: Path) -> None:
        """The archive's receiving has ended, kept or not."""
        with self._lock:
            self._receiving.discard(final)

    def _clear_partials(self) -> None:
        for partial in self.folder.glob(f"*/*{PARTIAL}"):
            partial.unlink()
            log.warning("half-received backup removed file=%s", partial)


class Upload:
    """One archive being received: ``write`` each chunk, then ``finish``; ``close`` always
    (it removes what was not finished)."""

    def __init__(self, vault: Vault, header: Header, final: Path) -> None:
        self._vault = vault
        self._header = header
        self._final = final
        self._partial = final.with_name(final.name + PARTIAL)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file: BufferedWriter = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0
        self._finished = False

    def write(self, data: bytes) -> None:
        """Append ``data``; BatchRefused (recorded) past the length the header announced."""
        if self._size + len(data) > self._header.size:
            raise self.refused(
                "backup_too_large",
                f"{self._header.name} runs past the {self._header.size} bytes its header "
                "announced: send the archive's length and bytes as okno backup does",
            )
        self._file.write(data)
        self._hash.update(data)
        self._size += len(data)

    def finish(self) -> Kept:
        """Keep the archive if it is whole, then prune the branch's older ones."""
        header = self._header
        if self._size < header.size:
            raise self.refused(
                "backup_truncated",
                f"{header.name} ended after {self._size} of the {header.size} bytes its header "
                "announced: send it again",
            )
        if self._hash.hexdigest() != header.sha256:
            raise self.refused(
                "backup_damaged",
                f"{header.name}'s bytes do not have the SHA-256 its header announced: send it "
                "again",
            )
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._partial, self._final)
        sync_folder(self._final.parent)
        self._finished = True
        kept = self._vault.prune(self._final, self._size)
        log.info(
            "backup kept branch=%s name=%s bytes=%d kept=%d pruned=%d",
            header.branch_id,
            header.name,
            kept.size,
            kept.kept,
            kept.pruned,
        )
        return kept

    def refused(self, code: str, reason: str) -> BatchRefused:
        """The refusal of this archive, recorded as the branch's; the caller raises it."""
        refusal = BatchRefused(code, reason)
        record_refusal(self._vault.engine, self._header.branch_id, refusal)
        return refusal

    def close(self) -> None:
        """Let the archive go: a partial not finished is removed."""
        self._file.close()
        if not self._finished:
            self._partial.unlink(missing_ok=True)
            log.info("backup not kept branch=%s name=%s", self._header.branch_id, self._header.name)
        self._vault.release(self._final)


def _check_header(header: Header, max_bytes: int) -> None:
    if not _names_archive_of(header.name, header.branch_id):
        raise BatchRefused("bad_backup_name", _bad_name(header.name, header.branch_id))
    if not _SHA256.fullmatch(header.sha256) or header.size <= 0:
        raise BatchRefused(
            "malformed",
            f"{header.name}'s header needs its length (above 0) and SHA-256 (64 lower-case hex "
            "digits): send archives with okno backup --backoffice",
        )
    if header.size > max_bytes:
        raise BatchRefused(
            "backup_too_large",
            f"{header.name} has {header.size} bytes; this back office takes at most "
            f"{max_bytes} (--max-backup-bytes)",
        )


def _names_archive_of(name: str, branch_id: str) -> bool:
    """Whether ``name`` is an archive name of ``branch_id``: a plain file name, never a path."""
    archive = archive_of(Path(name))
    return (
        archive is not None
        and archive.path.name == name
        and archive.branch_id == branch_id
        and re.fullmatch(IDENTIFIER, branch_id) is not None
    )


def _bad_name(name: str, branch_id: str) -> str:
    return (
        f"{name[:80]!r} is not an archive name of branch {branch_id!r}: okno backup names them "
        f"{branch_id}-YYYYMMDD-HHMMSS.okno-backup"
    )
