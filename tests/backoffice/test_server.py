"""The back office's gRPC door against an anonymous sender of garbage and forged text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from backoffice.metrics import registry_for, render
from backoffice.server import start_server
from backoffice.store import add_branch, open_store
from hub.sync.sender import MAX_BATCH_BYTES, Sender, fit
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.backoffice.hand import BRANCH, history
from tests.backoffice.refused import refusals


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    yield engine
    engine.dispose()


@pytest.fixture
async def port(office: Engine) -> AsyncIterator[int]:
    server, found = await start_server(office, "127.0.0.1:0")
    try:
        yield found
    finally:
        await server.stop(0)


@pytest.fixture
async def channel(port: int) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
        yield opened


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


async def test_anonymous_pushes_add_no_refusal_rows_and_no_metric_series(
    office: Engine, channel: grpc.aio.Channel
) -> None:
    secret = add_branch(office, BRANCH)
    stub = sync_pb2_grpc.SyncStub(channel)
    forged = "0" * 64
    for n in range(200):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.PushBatch(sync_pb2.PushBatchRequest(branch_id=f"invented-{n}"))
        assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    for _ in range(50):
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.PushBatch(sync_pb2.PushBatchRequest(branch_id=BRANCH, signature=forged))
    assert refusals(office) == []
    text = (await render(registry_for(office))).decode()
    assert "invented-" not in text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    counted = {
        s.labels["reason"]: s.value
        for s in families["okno_backoffice_unauthenticated_refused"].samples
        if s.name.endswith("_total")
    }
    assert counted == {"unknown_branch": 200, "bad_signature": 50}
    series = sum(len(f.samples) for f in families.values())
    assert series < 20
    assert secret  # the branch's own pushes are untouched: its secret still works


async def test_a_batch_longer_than_the_limit_is_refused_before_it_is_read(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    push: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]
    push = channel.unary_unary("/okno.v1.Sync/PushBatch")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await push(b"\xff" * (MAX_BATCH_BYTES + 1))
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert not [r for r in caplog.records if "malformed request" in r.getMessage()]


def test_the_sender_cuts_a_batch_of_long_events_to_what_the_back_office_takes() -> None:
    events = [(seq, "я" * 3000) for seq in range(1, 2001)]  # 6,000 bytes each: 12 MB
    kept = fit(events)
    request = sync_pb2.PushBatchRequest(
        branch_id="x" * 40,
        events=[sync_pb2.SyncEvent(seq=2**62 + s, payload=p) for s, p in kept],
        signature="0" * 64,
    )
    assert 600 < len(kept) < 2000
    assert request.ByteSize() <= MAX_BATCH_BYTES
    assert fit(events[:10]) == events[:10]
    assert fit([(1, "x" * MAX_BATCH_BYTES), *events]) == [(1, "x" * MAX_BATCH_BYTES)]


async def test_a_hub_sends_long_events_in_batches_the_back_office_takes(
    office: Engine, port: int
) -> None:
    secret = add_branch(office, BRANCH)
    events = history()
    # Padding a ticket_issued event keeps it valid: the back office reads the fields it needs.
    padded = [(seq, payload[:-1] + f', "pad": "{"x" * 600_000}"}}') for seq, payload in events]

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return [(s, p) for s, p in padded if s > after][:limit]

    sender = Sender(source, branch_id=BRANCH, target=f"127.0.0.1:{port}", secret=secret)
    await asyncio.wait_for(sender.run(until_seq=len(padded)), 60)
    assert sender.acked == len(padded)
    assert refusals(office) == []
