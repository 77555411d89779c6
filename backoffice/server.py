"""The back office's gRPC endpoint: ``Sync.PushBatch`` and ``Sync.PushDirectory`` for the
hubs (docs/backoffice.md)."""

from __future__ import annotations

import asyncio
import logging
import signal

import grpc
from sqlalchemy import Engine

from backoffice.directory import store_directory
from backoffice.errors import BatchRefused
from backoffice.store import Batch, store
from okno.malformed import MalformedRequests
from protos.okno.v1 import sync_pb2, sync_pb2_grpc

log = logging.getLogger(__name__)
MAX_MESSAGE = 64 * 2**20
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


async def start_server(engine: Engine, listen: str) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server(
        interceptors=[MalformedRequests()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ],
    )
    sync_pb2_grpc.add_SyncServicer_to_server(SyncService(engine), server)
    port = server.add_insecure_port(listen)
    await server.start()
    log.info("back office serving address=%s port=%d", listen, port)
    return server, port


async def serve(engine: Engine, listen: str) -> None:
    """Serve until SIGTERM or Ctrl-C."""
    server, _ = await start_server(engine, listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await server.stop(5.0)
    engine.dispose()
