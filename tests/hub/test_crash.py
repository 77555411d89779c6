"""Power cuts: a hub killed with SIGKILL under load loses nothing it acknowledged."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from hub.bench.process import opened_at_nine, start_hub
from protos.okno.v1 import queue_pb2, queue_pb2_grpc
from tests.hub.conftest import EXAMPLE, administrator_of

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

SERVICES = ("passport", "snils", "egrn", "ready-documents")
KILLS = 4


async def issue_until_cut(
    channel: grpc.aio.Channel,
    acknowledged: dict[str, str],
    unanswered: list[tuple[str, str]],
    retry: list[tuple[str, str]],
) -> None:
    """One kiosk (the administrator's channel: a kiosk's device port moves on every restart):
    first resends what the last cut left unanswered, then issues until cut.

    A cut may come while it still resends: what it has not resent waits for the next round.
    """
    stub = queue_pb2_grpc.QueueServiceStub(channel)
    for done, (request_id, service) in enumerate(retry):
        try:
            await answer(stub, request_id, acknowledged, service)
        except grpc.aio.AioRpcError:
            unanswered.extend(retry[done:])
            return
    n = 0
    while True:
        request_id, service = uuid.uuid4().hex, SERVICES[n % len(SERVICES)]
        try:
            await answer(stub, request_id, acknowledged, service)
        except grpc.aio.AioRpcError:
            unanswered.append((request_id, service))
            return
        n += 1


async def answer(
    stub: QueueServiceAsyncStub,
    request_id: str,
    acknowledged: dict[str, str],
    service: str,
) -> None:
    response = await stub.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id=service, request_id=request_id)
    )
    acknowledged[request_id] = response.ticket.id


@pytest.mark.slow
async def test_acknowledged_tickets_survive_repeated_sigkill(tmp_path: Path) -> None:
    # One clock for every restart, at a morning the branch is open: no day ends mid-test.
    opened, db = opened_at_nine(EXAMPLE), tmp_path / "hub.db"
    acknowledged: dict[str, str] = {}
    unanswered: list[tuple[str, str]] = []
    for round_ in range(KILLS + 1):
        process, port = await start_hub(EXAMPLE, db, *opened)
        channel = await administrator_of(port, db)
        retry, unanswered = unanswered, []
        kiosks = [
            asyncio.create_task(issue_until_cut(channel, acknowledged, unanswered, retry[i::4]))
            for i in range(4)
        ]
        if round_ == KILLS:
            await asyncio.sleep(0.3)
            process.send_signal(signal.SIGTERM)
        else:
            await asyncio.sleep(0.3 + 0.1 * round_)
            process.kill()
        await asyncio.gather(*kiosks)
        await channel.close()
        # The last stop is SIGTERM and must be clean; the others are power cuts.
        expected = 0 if round_ == KILLS else -signal.SIGKILL
        assert await asyncio.wait_for(process.wait(), 10) == expected

    assert len(acknowledged) > 100, "the kiosks got too few tickets to prove anything"
    with sqlite3.connect(db) as database:
        tickets = dict(database.execute("SELECT id, number FROM tickets"))
        seqs = [s for (s,) in database.execute("SELECT seq FROM events ORDER BY seq")]
        issued_per_request = Counter(
            r
            for (r,) in database.execute(
                "SELECT request_id FROM events WHERE kind = 'ticket_issued'"
            )
        )
    lost = [t for t in acknowledged.values() if t not in tickets]
    assert not lost, f"acknowledged tickets missing after power cuts: {lost[:5]}"
    assert len(set(tickets.values())) == len(tickets), "a number was given twice"
    assert seqs == list(range(1, len(seqs) + 1)), "the event log has a gap"
    assert max(issued_per_request.values()) == 1, "a resent request got a second ticket"
