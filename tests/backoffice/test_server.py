"""The back office's gRPC door against an anonymous sender of garbage and forged text."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from backoffice.server import start_server
from backoffice.store import open_store
from protos.okno.v1 import sync_pb2, sync_pb2_grpc


@pytest.fixture
async def channel(tmp_path: Path) -> AsyncIterator[grpc.aio.Channel]:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
            yield opened
    finally:
        await server.stop(0)
        engine.dispose()


async def test_bytes_that_are_not_a_batch_get_invalid_argument_and_one_warning(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    push: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]
    push = channel.unary_unary("/okno.v1.Sync/PushBatch")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await push(b"\xff\xff")
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "malformed request refused rpc=/okno.v1.Sync/PushBatch" in warning.getMessage()


async def test_a_newline_in_an_unknown_branch_id_stays_on_one_log_line(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="backoffice")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await sync_pb2_grpc.SyncStub(channel).PushBatch(
            sync_pb2.PushBatchRequest(branch_id="x\n05:00:00 INFO backoffice forged")
        )
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    (record,) = [r for r in caplog.records if "forged" in r.getMessage()]
    (line,) = caplog.handler.format(record).splitlines()
    assert "refused branch=x\\n05:00:00 INFO backoffice forged code=unknown_branch" in line
