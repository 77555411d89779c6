"""A restored hub fetches its branch's events back from a real back office (issue 20): what
it pushed comes back byte for byte, in pages, with what the back office does not hold
counted, and only the branch itself is answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import grpc
import pytest
from sqlalchemy import Engine

from backoffice.handback import MAX_FETCH
from backoffice.history import day_events
from backoffice.pgcluster import free_port
from backoffice.server import start_server
from backoffice.store import add_branch, open_store, unauthenticated_refusals
from hub.sync.errors import BackOfficeUnreachable, FetchRefused
from hub.sync.fetch import Fetch
from hub.sync.sender import MAX_BATCH_BYTES, push, sync_stub
from hub.sync.signing import sign_fetch
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.backoffice.hand import BRANCH, at, history, numbered, paid
from tests.backoffice.refused import refusals
from tests.hub.sync.test_poison import HUGE, sender
from tests.hub.sync.test_sync import SYNC_S

pytestmark = pytest.mark.timeout(120)


@dataclass(frozen=True, slots=True)
class Office:
    engine: Engine
    target: str
    secret: str


@pytest.fixture
async def office(store_url: str) -> AsyncIterator[Office]:
    """A back office on loopback, on a real PostgreSQL and on SQLite, with BRANCH added."""
    engine = open_store(store_url)
    secret = add_branch(engine, BRANCH)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        yield Office(engine, f"127.0.0.1:{port}", secret)
    finally:
        await server.stop(0)
        engine.dispose()


async def pushed(office: Office, events: list[tuple[int, str]]) -> None:
    """The events pushed as a hub pushes them: signed batches through Sync.PushBatch."""
    port = int(office.target.rsplit(":", 1)[1])
    await asyncio.wait_for(sender(events, port, office.secret).run(until_seq=events[-1][0]), SYNC_S)


async def fetched(
    fetch: Fetch, into: list[list[tuple[int, str]]] | None = None
) -> list[list[tuple[int, str]]]:
    """Each page's events, also into ``into`` as they come (what a failed fetch gave)."""
    pages = [] if into is None else into
    async for page in fetch:
        pages.append(page.events)
    return pages


async def ask(office: Office, after_seq: int, limit: int) -> sync_pb2.FetchEventsReply:
    """One FetchEvents as the branch signs it, straight to the back office."""
    request = sync_pb2.FetchEventsRequest(
        branch_id=BRANCH,
        after_seq=after_seq,
        limit=limit,
        signature=sign_fetch(office.secret, BRANCH, after_seq, limit),
    )
    async with grpc.aio.insecure_channel(office.target) as channel:
        return await sync_pb2_grpc.SyncStub(channel).FetchEvents(request)


async def test_pushed_events_come_back_byte_for_byte_in_pages(office: Office) -> None:
    events = history()  # seqs 1..16
    await pushed(office, events)
    fetch = Fetch(office.target, office.secret, BRANCH, 0, page=5)
    pages = await fetched(fetch)
    assert [len(p) for p in pages] == [5, 5, 5, 1]
    assert [e for page in pages for e in page] == events
    assert (fetch.acked_seq, fetch.missing, fetch.fetched) == (16, 0, 16)


async def test_what_the_hub_committed_and_never_sent_is_counted(office: Office) -> None:
    """The hub's last push told its head: three events past what it sent are lost with it."""
    events = history()
    port = int(office.target.rsplit(":", 1)[1])
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
        await push(sync_stub(opened), BRANCH, office.secret, events, head_seq=19)
    fetch = Fetch(office.target, office.secret, BRANCH, 10)
    await fetched(fetch)
    assert (fetch.acked_seq, fetch.unsent) == (16, 3)


async def test_a_fetch_after_a_seq_in_the_middle_starts_after_it(office: Office) -> None:
    events = history()
    await pushed(office, events)
    fetch = Fetch(office.target, office.secret, BRANCH, 7, page=4)
    pages = await fetched(fetch)
    assert [e for page in pages for e in page] == events[7:]
    assert [len(p) for p in pages] == [4, 4, 1]
    assert fetch.acked_seq == 16


async def test_a_backup_newer_than_the_back_office_gets_nothing_and_its_acked_seq(
    office: Office,
) -> None:
    await pushed(office, history())
    fetch = Fetch(office.target, office.secret, BRANCH, 20)
    assert await fetched(fetch) == []
    assert (fetch.acked_seq, fetch.missing) == (16, 0)


async def test_refused_poison_events_come_back_as_missing(office: Office) -> None:
    events = history()
    events += numbered(
        [
            paid(at(11, 0), "beta", HUGE),
            paid(at(11, 1), "beta", 500_00),
            paid(at(11, 2), "beta", HUGE),
            paid(at(11, 3), "beta", HUGE),
        ],
        first=17,
    )
    await pushed(office, events)
    assert [r[:2] for r in refusals(office.engine)] == [(17, 17), (19, 19), (20, 20)]
    fetch = Fetch(office.target, office.secret, BRANCH, 0, page=5)
    pages = await fetched(fetch)
    assert [e for page in pages for e in page] == [*events[:16], events[17]]
    assert fetch.missing_ranges == [(17, 17), (19, 20)]
    assert (fetch.acked_seq, fetch.missing, fetch.fetched) == (20, 3, 17)


async def test_a_wrong_secret_is_refused_and_given_nothing(office: Office) -> None:
    await pushed(office, history())
    fetch = Fetch(office.target, "ab" * 32, BRANCH, 0)
    got: list[list[tuple[int, str]]] = []
    with pytest.raises(FetchRefused) as caught:
        await fetched(fetch, got)
    assert got == []
    assert f"the archive's back office secret is not this branch's at {office.target}" in str(
        caught.value
    )
    assert "bad_signature" in str(caught.value)
    assert unauthenticated_refusals(office.engine) == {"bad_signature": 1}
    assert refusals(office.engine) == []


async def test_an_unknown_branch_is_refused_unauthenticated(office: Office) -> None:
    await pushed(office, history())
    request = sync_pb2.FetchEventsRequest(
        branch_id="branch-other",
        after_seq=0,
        limit=0,
        signature=sign_fetch(office.secret, "branch-other", 0, 0),
    )
    async with grpc.aio.insecure_channel(office.target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await sync_pb2_grpc.SyncStub(channel).FetchEvents(request)
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert "unknown_branch" in (caught.value.details() or "")
    with pytest.raises(FetchRefused):
        await fetched(Fetch(office.target, office.secret, "branch-other", 0))
    assert unauthenticated_refusals(office.engine) == {"unknown_branch": 2}


async def test_a_signature_for_another_seq_does_not_pass(office: Office) -> None:
    await pushed(office, history())
    request = sync_pb2.FetchEventsRequest(
        branch_id=BRANCH,
        after_seq=0,
        limit=5,
        signature=sign_fetch(office.secret, BRANCH, 10, 5),
    )
    async with grpc.aio.insecure_channel(office.target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await sync_pb2_grpc.SyncStub(channel).FetchEvents(request)
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED


async def test_a_huge_limit_is_capped(office: Office) -> None:
    payloads = day_events(BRANCH, date(2026, 3, 2), 1)
    events = list(enumerate(payloads, start=1))
    assert len(events) > MAX_FETCH
    await pushed(office, events)
    reply = await ask(office, 0, 2**31 - 1)
    assert len(reply.events) == MAX_FETCH
    assert (reply.covered_seq, reply.acked_seq) == (MAX_FETCH, len(events))
    fetch = Fetch(office.target, office.secret, BRANCH, 0, page=2**31 - 1)
    pages = await fetched(fetch)
    assert [len(p) for p in pages] == [MAX_FETCH, len(events) - MAX_FETCH]
    assert [e for page in pages for e in page] == events


async def test_long_events_come_back_in_replies_no_longer_than_the_message_limit(
    office: Office,
) -> None:
    # Padding keeps an event valid: the back office reads the fields it needs.
    events = [(s, p[:-1] + f', "pad": "{"я" * 300_000}"}}') for s, p in history()]
    await pushed(office, events)
    reply = await ask(office, 0, 0)
    assert 0 < len(reply.events) < len(events)
    assert reply.ByteSize() <= MAX_BATCH_BYTES
    assert reply.covered_seq == reply.events[-1].seq
    pages = await fetched(Fetch(office.target, office.secret, BRANCH, 0))
    assert len(pages) > 2
    assert [e for page in pages for e in page] == events


async def test_an_unreachable_back_office_is_named() -> None:
    target = f"127.0.0.1:{free_port()}"
    with pytest.raises(BackOfficeUnreachable) as caught:
        await fetched(Fetch(target, "ab" * 32, BRANCH, 0, timeout_s=5.0))
    assert f"cannot reach the back office at {target}" in str(caught.value)
