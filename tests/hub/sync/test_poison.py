"""One event the back office cannot take never stalls a branch's sync (issue 19).

Two settled payments of 2^63-1 kopecks, as a hub that took them would send them, once made
the back office fail every retry of their batch with OverflowError, logged by the hub as
"back office unreachable": the branch's sync stopped for good.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import grpc
import pytest
from sqlalchemy import Engine, func, select

from backoffice import schema
from backoffice.server import SyncService, start_server
from backoffice.store import acked, add_branch, open_store
from hub.domain.payments import MAX_AMOUNT
from hub.sync import Sender
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.backoffice.hand import BRANCH, at, history, numbered, paid
from tests.backoffice.refused import refusals
from tests.hub.sync.test_sync import FAST, SYNC_S
from tests.polling import eventually

HUGE = 2**63 - 1


def sender(events: list[tuple[int, str]], port: int, secret: str) -> Sender:
    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return [(s, p) for s, p in events if s > after][:limit]

    return Sender(source, branch_id=BRANCH, target=f"127.0.0.1:{port}", secret=secret, backoff=FAST)


def paid_total(engine: Engine) -> tuple[int, int]:
    """(payments, kopecks) the region's payment report sums for BRANCH."""
    table = schema.agg_payment_day
    with engine.connect() as connection:
        row = connection.execute(
            select(func.sum(table.c.payments), func.sum(table.c.amount_kopecks))
        ).one()
    return int(row[0] or 0), int(row[1] or 0)


def raw_seqs(engine: Engine) -> list[int]:
    raw = schema.raw_events
    with engine.connect() as connection:
        return [int(s) for s in connection.execute(select(raw.c.seq).order_by(raw.c.seq)).scalars()]


async def test_a_poison_event_is_refused_with_its_reason_and_the_sync_flows_on(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = open_store(pg_url)
    secret = add_branch(engine, BRANCH)
    events = history()  # seqs 1..16, one payment of 1500.00 roubles
    events += numbered(
        [
            paid(at(11, 0), "beta", HUGE),
            paid(at(11, 1), "beta", HUGE),
            paid(at(11, 2), "beta", 500_00),
        ],
        first=17,
    )
    server, port = await start_server(engine, "127.0.0.1:0")
    caplog.set_level(logging.WARNING)
    try:
        await asyncio.wait_for(sender(events, port, secret).run(until_seq=19), SYNC_S)
        assert acked(engine, BRANCH) == 19
        assert raw_seqs(engine) == [*range(1, 17), 19]
        assert paid_total(engine) == (2, 150_000 + 500_00)
        reason = f"amount_kopecks {HUGE} is outside 1..{MAX_AMOUNT}"
        assert [r[:4] for r in refusals(engine)] == [
            (17, 17, 1, "malformed"),
            (18, 18, 1, "malformed"),
        ]
        assert all(reason in r[4] for r in refusals(engine))
        assert "unreachable" not in caplog.text

        # The next batch is taken as any other.
        events += numbered([paid(at(12, 0), "alpha", 300_00)], first=20)
        await asyncio.wait_for(sender(events, port, secret).run(until_seq=20), SYNC_S)
    finally:
        await server.stop(0)
    assert acked(engine, BRANCH) == 20
    assert paid_total(engine) == (3, 150_000 + 500_00 + 300_00)
    assert len(refusals(engine)) == 2
    engine.dispose()


async def test_a_batch_the_back_office_fails_on_is_logged_as_refused_not_unreachable(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    class Failing(SyncService):
        """A back office whose PushBatch fails; its other calls are the real ones."""

        async def PushBatch(  # noqa: N802 - the gRPC method's name
            self,
            request: sync_pb2.PushBatchRequest,
            context: grpc.aio.ServicerContext[object, object],
        ) -> sync_pb2.PushBatchReply:
            if request.events:
                raise OverflowError("Python int too large to convert to C long")
            return sync_pb2.PushBatchReply(acked_seq=0)

    server = grpc.aio.server()
    engine = open_store(f"sqlite:///{tmp_path}/backoffice.db")
    sync_pb2_grpc.add_SyncServicer_to_server(Failing(engine), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    caplog.set_level(logging.INFO, logger="hub.sync.sender")
    pushing = sender(numbered([paid(at(11, 0), "beta", 500_00)]), port, "ab" * 32)
    await pushing.start()
    try:

        async def refused() -> bool:
            return pushing.refusals >= 1

        await eventually(refused, SYNC_S)
    finally:
        await pushing.stop()
        await server.stop(0)
        engine.dispose()
    assert "back office refuses the branch's events, see the back office's log" in caplog.text
    assert "code=UNKNOWN" in caplog.text
    assert "unreachable" not in caplog.text
