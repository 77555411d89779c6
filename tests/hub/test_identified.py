"""A visitor identified by card: the name for the operator, never for the hall or the log."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from protos.okno.v1 import feed_pb2, queue_pb2, queue_pb2_grpc
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

NAME = "Иванова Мария Петровна"
SNILS_HASH = "9f" * 32


async def next_messages(
    stream: AsyncIterator[feed_pb2.FeedMessage], count: int
) -> list[feed_pb2.FeedMessage]:
    return [await asyncio.wait_for(anext(stream), 5) for _ in range(count)]


async def issue_identified(kiosk: QueueServiceAsyncStub) -> queue_pb2.IssueTicketResponse:
    """The ticket a kiosk takes for a visitor who showed their card."""
    return await kiosk.IssueTicket(
        queue_pb2.IssueTicketRequest(
            service_id="passport", request_id="kiosk-1", visitor_name=NAME, snils_hash=SNILS_HASH
        )
    )


def database_text(db: Path, table: str) -> str:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(f"SELECT * FROM {table}").fetchall()
    return repr(rows)


@pytest.mark.parametrize("memory", [20_000, 2], ids=["from-memory", "from-database"])
async def test_the_name_reaches_the_operator_but_not_the_hall_feed_nor_the_log(
    config_file: Path, tmp_path: Path, memory: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "hub.db"
    async with (
        serve_hub(config_file, db, SteppedClock(), feed_memory=memory) as served,
        device(served, tmp_path, "kiosk", "K-1") as kiosk_channel,
        await served.staff_channel("ivanova-a") as operator_channel,
    ):
        kiosk = queue_pb2_grpc.QueueServiceStub(kiosk_channel)
        operator = queue_pb2_grpc.QueueServiceStub(operator_channel)
        await operator.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
        issued = await issue_identified(kiosk)
        # The kiosk passes the name on and is not told it back; nor is the operator before
        # the visitor is theirs.
        assert issued.ticket.visitor_name == ""
        waiting = queue_pb2.GetTicketRequest(ticket_id=issued.ticket.id)
        assert (await operator.GetTicket(waiting)).visitor_name == ""
        # The operator's view once called: the call, the ticket itself, the queue's state.
        called = await operator.CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
        assert called.ticket.visitor_name == NAME
        fetched = await operator.GetTicket(waiting)
        assert fetched.visitor_name == NAME
        state = await operator.GetQueueState(queue_pb2.GetQueueStateRequest())
        assert [t.visitor_name for t in state.tickets] == [NAME]
        # Anyone else in the hall (a kiosk, a board): no name.
        anonymous = await kiosk.GetQueueState(queue_pb2.GetQueueStateRequest())
        assert [t.visitor_name for t in anonymous.tickets] == [""]
        assert (await kiosk.GetTicket(waiting)).visitor_name == ""

        # The hall feed: neither in the snapshot nor in any event, live or resumed.
        stream = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0))
        (snapshot,) = await next_messages(aiter(stream), 1)
        assert [t.number for t in snapshot.snapshot.tickets] == [issued.ticket.number]
        assert all(t.visitor_name == "" for t in snapshot.snapshot.tickets)
        await operator.Recall(queue_pb2.DeskRequest(desk_id="desk-01"))
        (live,) = await next_messages(aiter(stream), 1)
        assert live.event.kind == feed_pb2.EVENT_KIND_TICKET_RECALLED
        assert live.event.ticket.id == issued.ticket.id
        assert live.event.ticket.visitor_name == ""
        stream.cancel()
        resumed = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0 + 1))
        replayed = await next_messages(aiter(resumed), 3)
        tickets = [m.event.ticket for m in replayed if m.HasField("event")]
        assert tickets
        assert all(t.visitor_name == "" for t in tickets)
        assert all(NAME not in str(m) and SNILS_HASH not in str(m) for m in replayed)
        resumed.cancel()

    # The tickets table keeps the name for the operator; the event log never holds it,
    # and the SNILS hash is kept nowhere.
    assert NAME in database_text(db, "tickets")
    assert NAME not in database_text(db, "events")
    for table in ("tickets", "events"):
        assert SNILS_HASH not in database_text(db, table)
    assert NAME not in caplog.text
    assert SNILS_HASH not in caplog.text

    # A restarted hub still shows it to the operator at her desk.
    async with (
        serve_hub(config_file, db, SteppedClock()) as served,
        await served.staff_channel("ivanova-a") as operator_channel,
    ):
        fetched = await queue_pb2_grpc.QueueServiceStub(operator_channel).GetTicket(
            queue_pb2.GetTicketRequest(ticket_id=issued.ticket.id)
        )
        assert fetched.visitor_name == NAME


async def test_a_snils_itself_or_a_broken_hash_is_refused_without_repeating_it(
    served: Served,
) -> None:
    for wrong in ("11223344595", "xyz" * 21 + "a"):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await served.queue.IssueTicket(
                queue_pb2.IssueTicketRequest(service_id="passport", snils_hash=wrong)
            )
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert wrong not in (caught.value.details() or "")
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert list(state.tickets) == []


async def test_a_ticket_without_a_card_has_no_name(served: Served) -> None:
    issued = await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    assert issued.ticket.visitor_name == ""
