"""The back office's gRPC endpoint for the hubs: ``Sync.PushBatch``, ``Sync.PushDirectory``,
``Sync.FetchEvents``, and the branches' backups (``PutBackup``, ``GetBackup``,
``ListBackups``) when it keeps them (docs/backoffice.md)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import grpc
from sqlalchemy import Engine

from backoffice.backups import Header, Vault
from backoffice.directory import store_directory
from backoffice.errors import BackupBusy, BackupNotFound, BadTlsFiles, BatchRefused
from backoffice.handback import FetchRequest, hand_back
from backoffice.store import Batch, store
from hub.backup.offsite import CHUNK
from hub.sync.sender import MAX_BATCH_BYTES
from okno.errors import SecretExposed
from okno.files import read_private
from okno.malformed import MalformedRequests
from protos.okno.v1 import sync_pb2, sync_pb2_grpc

log = logging.getLogger(__name__)
# A longer message is refused (RESOURCE_EXHAUSTED) before it is read: the hub's sender cuts
# its batches to fit, so only a stranger sends more.
MAX_MESSAGE = MAX_BATCH_BYTES
_STATUS = {
    "unknown_branch": grpc.StatusCode.UNAUTHENTICATED,
    "bad_signature": grpc.StatusCode.UNAUTHENTICATED,
    "gap": grpc.StatusCode.FAILED_PRECONDITION,
    "malformed": grpc.StatusCode.INVALID_ARGUMENT,
    "repeated_seq": grpc.StatusCode.INVALID_ARGUMENT,
    "conflict": grpc.StatusCode.ALREADY_EXISTS,
    "bad_backup_name": grpc.StatusCode.INVALID_ARGUMENT,
    "backup_too_large": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "backup_truncated": grpc.StatusCode.DATA_LOSS,
    "backup_damaged": grpc.StatusCode.DATA_LOSS,
}
Context = grpc.aio.ServicerContext[object, object]


class SyncService(sync_pb2_grpc.SyncServicer):
    def __init__(self, engine: Engine, vault: Vault | None = None) -> None:
        self._engine = engine
        self._vault = vault

    async def PushBatch(  # noqa: N802 - the gRPC method's name
        self, request: sync_pb2.PushBatchRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> sync_pb2.PushBatchReply:
        batch = Batch(
            request.branch_id,
            [(e.seq, e.payload) for e in request.events],
            request.signature,
            request.head_seq,
        )
        try:
            acked, stored = await asyncio.to_thread(store, self._engine, batch)
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        if stored:
            log.debug("batch stored branch=%s stored=%d acked=%d", batch.branch_id, stored, acked)
        return sync_pb2.PushBatchReply(acked_seq=acked, stored=stored)

    async def PushDirectory(  # noqa: N802 - the gRPC method's name
        self,
        request: sync_pb2.PushDirectoryRequest,
        context: grpc.aio.ServicerContext[object, object],
    ) -> sync_pb2.PushDirectoryReply:
        try:
            names = await asyncio.to_thread(
                store_directory,
                self._engine,
                request.branch_id,
                request.directory,
                request.signature,
            )
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        log.info("directory stored branch=%s names=%d", request.branch_id, names)
        return sync_pb2.PushDirectoryReply(names=names)

    async def FetchEvents(  # noqa: N802 - the gRPC method's name
        self,
        request: sync_pb2.FetchEventsRequest,
        context: grpc.aio.ServicerContext[object, object],
    ) -> sync_pb2.FetchEventsReply:
        fetch = FetchRequest(request.branch_id, request.after_seq, request.limit, request.signature)
        try:
            page = await asyncio.to_thread(hand_back, self._engine, fetch)
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        return sync_pb2.FetchEventsReply(
            events=[sync_pb2.SyncEvent(seq=s, payload=p) for s, p in page.events],
            acked_seq=page.acked_seq,
            covered_seq=page.covered_seq,
            missing=[sync_pb2.SeqRange(first=a, last=b) for a, b in page.missing],
            hub_head_seq=page.hub_head_seq,
        )

    async def PutBackup(  # noqa: N802 - the gRPC method's name
        self, request_iterator: AsyncIterable[sync_pb2.BackupChunk], context: Context
    ) -> sync_pb2.PutBackupReply:
        vault = await self._vault_or_abort(context)
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)
        if first is None or first.WhichOneof("part") != "header":
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                "malformed: a backup's stream starts with its header; send archives with "
                "okno backup --backoffice",
            )
        told = first.header
        header = Header(told.branch_id, told.name, told.size, told.sha256, told.signature)
        try:
            upload = await asyncio.to_thread(vault.receive, header)
        except BackupBusy as busy:
            await context.abort(grpc.StatusCode.ABORTED, str(busy))
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        # Closed whatever ends the call (a refusal, the hub cutting the stream): a partial
        # not finished is removed then.
        try:
            async for chunk in chunks:
                if chunk.WhichOneof("part") != "data" or not chunk.data:
                    raise upload.refused(
                        "malformed", "a backup's stream is its header, then its bytes only"
                    )
                await asyncio.to_thread(upload.write, chunk.data)
            kept = await asyncio.to_thread(upload.finish)
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        finally:
            upload.close()
        return sync_pb2.PutBackupReply(size=kept.size, kept=kept.kept, pruned=kept.pruned)

    async def GetBackup(  # noqa: N802 - the gRPC method's name
        self, request: sync_pb2.GetBackupRequest, context: Context
    ) -> AsyncIterator[sync_pb2.BackupChunk]:
        vault = await self._vault_or_abort(context)
        try:
            opened = await asyncio.to_thread(
                vault.open, request.branch_id, request.name, request.signature
            )
        except BackupNotFound as missing:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(missing))
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        with opened.file:
            yield sync_pb2.BackupChunk(
                header=sync_pb2.BackupHeader(
                    branch_id=request.branch_id,
                    name=opened.name,
                    size=opened.size,
                    sha256=opened.sha256,
                )
            )
            while data := await asyncio.to_thread(opened.file.read, CHUNK):
                yield sync_pb2.BackupChunk(data=data)

    async def ListBackups(  # noqa: N802 - the gRPC method's name
        self, request: sync_pb2.ListBackupsRequest, context: Context
    ) -> sync_pb2.ListBackupsReply:
        vault = await self._vault_or_abort(context)
        try:
            found = await asyncio.to_thread(vault.listed, request.branch_id, request.signature)
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        return sync_pb2.ListBackupsReply(
            backups=[sync_pb2.KeptBackup(name=name, size=size) for name, size in found]
        )

    async def _vault_or_abort(self, context: Context) -> Vault:
        if self._vault is None:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                "no_backups: this back office keeps no backups; start it with "
                "--backups DIR, or keep the archives elsewhere",
            )
        return self._vault


def read_tls(cert: Path, key: Path) -> tuple[bytes, bytes]:
    """(key PEM, certificate chain PEM) for ``--tls-cert``/``--tls-key``; the key file must be
    owner only (SecretExposed otherwise), and both must be PEM (BadTlsFiles says which)."""
    try:
        key_pem = read_private(key)
        cert_pem = cert.read_bytes()
    except SecretExposed:
        raise
    except OSError as error:
        raise BadTlsFiles(
            f"cannot read {error.filename}: {error.strerror}; give --tls-cert and --tls-key "
            "the back office's certificate (PEM) and its key (PEM, owner only)"
        ) from error
    for path, pem, kind in ((cert, cert_pem, b"CERTIFICATE"), (key, key_pem, b"PRIVATE KEY")):
        if b"-----BEGIN " not in pem or kind not in pem:
            raise BadTlsFiles(
                f"{path} holds no PEM {kind.decode().lower()}: --tls-cert takes the "
                "certificate chain, --tls-key its private key, both PEM"
            )
    return key_pem, cert_pem


async def start_server(
    engine: Engine,
    listen: str,
    tls: tuple[bytes, bytes] | None = None,
    vault: Vault | None = None,
) -> tuple[grpc.aio.Server, int]:
    """Serve Sync on ``listen`` (port 0: any); over TLS with ``tls`` (key PEM, cert PEM);
    keeping the branches' backups in ``vault``, if given."""
    server = grpc.aio.server(
        interceptors=[MalformedRequests()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ],
    )
    sync_pb2_grpc.add_SyncServicer_to_server(SyncService(engine, vault), server)
    if tls is None:
        port = server.add_insecure_port(listen)
    else:
        port = server.add_secure_port(listen, grpc.ssl_server_credentials([tls]))
    await server.start()
    log.info("back office serving address=%s port=%d tls=%s", listen, port, tls is not None)
    return server, port


async def serve(
    engine: Engine,
    listen: str,
    tls: tuple[bytes, bytes] | None = None,
    vault: Vault | None = None,
) -> None:
    """Serve until SIGTERM or Ctrl-C."""
    server, _ = await start_server(engine, listen, tls, vault)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await server.stop(5.0)
    engine.dispose()
