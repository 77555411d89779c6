"""The back office's gRPC endpoint: ``Sync.PushBatch``, ``Sync.PushDirectory`` and
``Sync.FetchEvents`` for the hubs (docs/backoffice.md)."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import grpc
from sqlalchemy import Engine

from backoffice.directory import store_directory
from backoffice.errors import BadTlsFiles, BatchRefused
from backoffice.handback import Fetch, hand_back
from backoffice.store import Batch, store
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
}


class SyncService(sync_pb2_grpc.SyncServicer):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def PushBatch(  # noqa: N802 - the gRPC method's name
        self, request: sync_pb2.PushBatchRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> sync_pb2.PushBatchReply:
        batch = Batch(
            request.branch_id,
            [(e.seq, e.payload) for e in request.events],
            request.signature,
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
        fetch = Fetch(request.branch_id, request.after_seq, request.limit, request.signature)
        try:
            page = await asyncio.to_thread(hand_back, self._engine, fetch)
        except BatchRefused as refusal:
            await context.abort(_STATUS[refusal.code], f"{refusal.code}: {refusal}")
        return sync_pb2.FetchEventsReply(
            events=[sync_pb2.SyncEvent(seq=s, payload=p) for s, p in page.events],
            acked_seq=page.acked_seq,
            covered_seq=page.covered_seq,
            missing=[sync_pb2.SeqRange(first=a, last=b) for a, b in page.missing],
        )


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
    engine: Engine, listen: str, tls: tuple[bytes, bytes] | None = None
) -> tuple[grpc.aio.Server, int]:
    """Serve Sync on ``listen`` (port 0: any); over TLS with ``tls`` (key PEM, cert PEM)."""
    server = grpc.aio.server(
        interceptors=[MalformedRequests()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ],
    )
    sync_pb2_grpc.add_SyncServicer_to_server(SyncService(engine), server)
    if tls is None:
        port = server.add_insecure_port(listen)
    else:
        port = server.add_secure_port(listen, grpc.ssl_server_credentials([tls]))
    await server.start()
    log.info("back office serving address=%s port=%d tls=%s", listen, port, tls is not None)
    return server, port


async def serve(engine: Engine, listen: str, tls: tuple[bytes, bytes] | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C."""
    server, _ = await start_server(engine, listen, tls)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await server.stop(5.0)
    engine.dispose()
