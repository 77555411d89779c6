"""The branch's archives kept at the back office too, and fetched back from there
(docs/backup.md, "A copy at the back office").

A dead hub's box takes its local folder with it: a new box is restored from the copy at
the back office. An archive is sent from its file in chunks, never whole in memory, and
fetched into a ``.partial`` that becomes the archive only when its length and SHA-256 are
those the back office announced. Every request is signed with the branch's secret, as its
batches are (hub/sync/signing.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import grpc

from hub.backup.errors import OffsiteFailed, OffsiteNotFound, OffsiteRefused, OffsiteUnreachable
from hub.backup.retention import archive_of
from hub.sync.sender import UNREACHED, channel, sync_stub
from hub.sync.signing import sign_backup, sign_get_backup, sign_list_backups
from okno.files import PARTIAL, sync_folder
from protos.okno.v1 import sync_pb2

log = logging.getLogger(__name__)
# Bytes of one BackupChunk, sent and received; far below the 4 MiB a message may hold.
CHUNK = 2**20
# The back office taking or giving nothing for this long is gone: the call is cut.
IDLE_S = 60.0
_T = TypeVar("_T")
Download = grpc.aio.UnaryStreamCall[sync_pb2.GetBackupRequest, sync_pb2.BackupChunk]


@dataclass(frozen=True, slots=True)
class Office:
    """The back office (host:port; over TLS trusting ``ca``, PEM, when given) and the
    branch as it signs there."""

    target: str
    secret: str
    branch_id: str
    ca: bytes | None = None


@dataclass(frozen=True, slots=True)
class Uploaded:
    size: int
    # The branch's archives the back office keeps now; the older ones it removed.
    kept: int
    pruned: int


async def upload(office: Office, archive: Path, *, idle_s: float = IDLE_S) -> Uploaded:
    """Send ``archive`` to the back office, which keeps it when whole. Raises OffsiteRefused,
    OffsiteUnreachable or OffsiteFailed; the local archive is never touched."""
    size, digest = await asyncio.to_thread(_measure, archive)
    header = sync_pb2.BackupHeader(
        branch_id=office.branch_id,
        name=archive.name,
        size=size,
        sha256=digest,
        signature=sign_backup(office.secret, office.branch_id, archive.name, size, digest),
    )
    doing = f"keep {archive.name}"
    async with channel(office.target, office.ca) as opened:
        call = sync_stub(opened).PutBackup()
        try:
            await _in_time(call.write(sync_pb2.BackupChunk(header=header)), idle_s, call, office)
            with archive.open("rb") as file:
                while data := await asyncio.to_thread(file.read, CHUNK):
                    await _in_time(
                        call.write(sync_pb2.BackupChunk(data=data)), idle_s, call, office
                    )
            await call.done_writing()
            reply = await _in_time(call, idle_s, call, office)
        except grpc.aio.AioRpcError as error:
            raise _failure(error, office, doing) from None
    log.info(
        "backup uploaded name=%s bytes=%d kept=%d pruned=%d",
        archive.name,
        size,
        reply.kept,
        reply.pruned,
    )
    return Uploaded(int(reply.size), int(reply.kept), int(reply.pruned))


async def download(office: Office, folder: Path, name: str = "", *, idle_s: float = IDLE_S) -> Path:
    """Fetch the branch's archive ``name`` (its newest if empty) into ``folder``; its path.
    Raises OffsiteNotFound, OffsiteRefused, OffsiteUnreachable or OffsiteFailed, and then
    leaves no file behind."""
    request = sync_pb2.GetBackupRequest(
        branch_id=office.branch_id,
        name=name,
        signature=sign_get_backup(office.secret, office.branch_id, name),
    )
    await asyncio.to_thread(folder.mkdir, mode=0o700, parents=True, exist_ok=True)
    doing = f"hand back {name or 'the newest archive'}"
    async with channel(office.target, office.ca) as opened:
        call = sync_stub(opened).GetBackup(request)
        try:
            header = _header(await _next(call, idle_s, office), office, name)
            final = folder / header.name
            partial = final.with_name(final.name + PARTIAL)
            try:
                await _receive(call, header, partial, idle_s, office)
                await asyncio.to_thread(_keep, partial, final)
            finally:
                partial.unlink(missing_ok=True)
        except grpc.aio.AioRpcError as error:
            raise _failure(error, office, doing) from None
    log.info("backup downloaded name=%s bytes=%d", header.name, header.size)
    return final


async def listed(office: Office, *, timeout_s: float = IDLE_S) -> list[tuple[str, int]]:
    """(name, size) of the branch's archives the back office keeps, oldest first."""
    request = sync_pb2.ListBackupsRequest(
        branch_id=office.branch_id,
        signature=sign_list_backups(office.secret, office.branch_id),
    )
    async with channel(office.target, office.ca) as opened:
        try:
            reply = await sync_stub(opened).ListBackups(request, timeout=timeout_s)
        except grpc.aio.AioRpcError as error:
            raise _failure(error, office, "list the branch's archives") from None
    return [(kept.name, int(kept.size)) for kept in reply.backups]


async def _receive(
    call: Download,
    header: sync_pb2.BackupHeader,
    partial: Path,
    idle_s: float,
    office: Office,
) -> None:
    """Write the archive's bytes into ``partial``, synced, if they are those announced."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        while (chunk := await _next(call, idle_s, office)) is not None:
            size += len(chunk.data)
            if chunk.WhichOneof("part") != "data" or size > header.size:
                raise _broken(office, header, "sent more than the archive it announced")
            await asyncio.to_thread(file.write, chunk.data)
            digest.update(chunk.data)
        if size < header.size:
            raise _broken(office, header, f"ended after {size} of its {header.size} bytes")
        if digest.hexdigest() != header.sha256:
            raise _broken(office, header, "sent bytes without the SHA-256 it announced")
        file.flush()
        await asyncio.to_thread(os.fsync, file.fileno())


def _keep(partial: Path, final: Path) -> None:
    os.replace(partial, final)
    sync_folder(final.parent)


async def _next(call: Download, idle_s: float, office: Office) -> sync_pb2.BackupChunk | None:
    """The call's next message; None at its end."""
    got = await _in_time(call.read(), idle_s, call, office)
    return got if isinstance(got, sync_pb2.BackupChunk) else None


def _header(
    first: sync_pb2.BackupChunk | None, office: Office, asked: str
) -> sync_pb2.BackupHeader:
    """The archive the back office announces, if it is the one asked for: never a name
    that would write outside the folder, or another branch's archive."""
    if first is None or first.WhichOneof("part") != "header":
        raise OffsiteFailed(
            f"the back office at {office.target} answered no archive header: it is not okno's "
            "or is broken; see its log"
        )
    header = first.header
    named = archive_of(Path(header.name))
    if (
        named is None
        or named.path.name != header.name
        or named.branch_id != office.branch_id
        or (asked and header.name != asked)
    ):
        raise OffsiteFailed(
            f"the back office at {office.target} announced {header.name[:80]!r}, not an "
            f"archive of branch {office.branch_id!r}{f' named {asked}' if asked else ''}: "
            "it is not okno's or is broken; see its log"
        )
    return header


def _broken(office: Office, header: sync_pb2.BackupHeader, what: str) -> OffsiteFailed:
    return OffsiteFailed(
        f"the back office at {office.target} {what} for {header.name}: nothing was kept here; "
        "fetch it again, and if that fails too, check the archive at the back office"
    )


async def _in_time(step: Awaitable[_T], idle_s: float, call: grpc.aio.Call, office: Office) -> _T:
    """``step`` of the call, cut (OffsiteUnreachable) when the back office lets it wait
    ``idle_s``: a stream's deadline would have to guess the whole archive's time."""
    try:
        return await asyncio.wait_for(step, idle_s)
    except TimeoutError:
        call.cancel()
        raise OffsiteUnreachable(
            f"the back office at {office.target} stopped answering for {idle_s:.0f} s in the "
            "middle of an archive: check the network and that it runs, then try again"
        ) from None


def _measure(archive: Path) -> tuple[int, str]:
    """The archive's length and SHA-256 (hex), read from the file in one pass."""
    with archive.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256")
        return file.tell(), digest.hexdigest()


def _failure(error: grpc.aio.AioRpcError, office: Office, doing: str) -> OffsiteFailed:
    code, details = error.code(), error.details()
    if code is grpc.StatusCode.UNAUTHENTICATED:
        return OffsiteRefused(
            f"the back office at {office.target} refuses branch {office.branch_id!r} "
            f"({details}): give --backoffice-secret-file the secret the region registered "
            "for the branch (okno backoffice add-branch)"
        )
    if code is grpc.StatusCode.NOT_FOUND:
        return OffsiteNotFound(f"the back office at {office.target}: {details}")
    if code in UNREACHED:
        return OffsiteUnreachable(
            f"cannot reach the back office at {office.target} to {doing} ({code.name}: "
            f"{details}): check the address, that it runs, and over TLS that --backoffice-ca "
            "signed its certificate"
        )
    if code is grpc.StatusCode.INTERNAL or code is grpc.StatusCode.UNKNOWN:
        return OffsiteFailed(
            f"the back office at {office.target} failed to {doing} ({code.name}: {details}); "
            "see its log"
        )
    return OffsiteRefused(
        f"the back office at {office.target} did not {doing} ({code.name}: {details})"
    )
