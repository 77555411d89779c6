"""The feed client against a real hub: every call shown and spoken once, in order, across
dropped streams, a silent network and a hub killed and restarted."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hall_display.announcer import Announcer, WavFileSink
from hall_display.bench import enrolled
from hall_display.board import Board, Link
from hall_display.feed_client import FeedClient
from hall_display.voice import Voice
from hub.bench.devices import free_port
from hub.bench.process import opened_at_nine, start_hub
from hub.config import load_branch
from okno.console import admin_socket_for
from okno.runtime.channels import mutual_tls
from okno.runtime.hubtls import Connect, presented_authority
from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2, queue_pb2, queue_pb2_grpc
from tests.hub.conftest import ADMINISTRATOR, EXAMPLE, Served, staff_channel

WAIT = 10.0


@dataclass
class Recorder:
    """The board, and when each link state was reached (monotonic seconds)."""

    board: Board = field(default_factory=Board)
    links: list[tuple[Link, float]] = field(default_factory=list)
    repeats: int = 0
    names: list[str] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def feed_message(self, message: feed_pb2.FeedMessage) -> None:
        if not self.board.apply(message, time.time_ns() // 1_000_000):
            self.repeats += 1
        self._notify()

    def link_changed(self, state: Link) -> None:
        self.links.append((state, time.monotonic()))
        self.board.set_connection(state, time.time_ns() // 1_000_000)
        self._notify()

    def hall_info(
        self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]
    ) -> None:
        self.names = [s.name_ru for s in services]
        self.board.set_services(services)

    def _notify(self) -> None:
        async def wake() -> None:
            async with self.changed:
                self.changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def until(self, check: Callable[[], bool], timeout_s: float = WAIT) -> None:
        async with asyncio.timeout(timeout_s), self.changed:
            await self.changed.wait_for(check)

    async def reached(self, state: Link, after: float = 0.0, timeout_s: float = WAIT) -> float:
        """When the link reached ``state`` after the moment ``after``."""
        await self.until(lambda: any(s is state and t >= after for s, t in self.links), timeout_s)
        return next(t for s, t in self.links if s is state and t >= after)


@dataclass
class Following:
    client: FeedClient
    seen: Recorder
    announcer: Announcer


@contextlib.asynccontextmanager
async def following(
    connect: Connect, voice: Voice, out: Path, **options: Any
) -> AsyncIterator[Following]:
    """A display's feed client on ``connect``: an enrolled display's mutual-TLS channels."""
    seen = Recorder()
    announcer = Announcer(voice, WavFileSink(out, speed=0.01), prewarm=False)
    client = FeedClient(connect, seen, announcer=announcer, **options)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client.run(stop)), asyncio.create_task(announcer.run(stop))]
    try:
        yield Following(client, seen, announcer)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), WAIT)


SERVICES = [s.id for s in load_branch(EXAMPLE).branch.services]


async def open_and_issue(queue: queue_pb2_grpc.QueueServiceAsyncStub, desks: int) -> None:
    """Open desks 1..``desks``; three tickets of every service wait, so each desk calls."""
    for n in range(1, desks + 1):
        await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=f"desk-{n:02d}"))
    for _ in range(3):
        for service in SERVICES:
            await queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id=service))


async def call(queue: queue_pb2_grpc.QueueServiceAsyncStub, desk: int) -> queue_pb2.TicketResponse:
    called = await queue.CallNext(queue_pb2.DeskRequest(desk_id=f"desk-{desk:02d}"))
    assert called.HasField("ticket"), f"desk {desk} found nobody to call"
    return called


def assert_board_is(board: Board, state: common_pb2.QueueState) -> None:
    """The board shows exactly the hub's state: tickets, desks, calls and their order."""
    assert board.seq == state.sequence
    at_desks = [
        t
        for t in state.tickets
        if t.state in (common_pb2.TICKET_STATE_CALLED, common_pb2.TICKET_STATE_SERVING)
    ]
    shown = [(c.number, c.desk_id) for c in board.calls]
    assert sorted(shown) == sorted((t.number, t.desk_id) for t in at_desks)
    newest_first = sorted((t.called_at_unix_ms for t in at_desks), reverse=True)
    assert [c.called_at_ms for c in board.calls] == newest_first
    assert {t.id: board.ticket(t.id) for t in state.tickets} == {t.id: t for t in state.tickets}
    assert board.in_hall == len(state.tickets)
    for desk in state.desks:
        status = board.desk(desk.id)
        assert status is not None and status.state == desk.state
    for queue in state.queues:
        assert board.waiting(queue.service_id, state.at_unix_ms)[0] == queue.waiting


def spoken(announcer: Announcer) -> list[int]:
    return [s.sequence for s in announcer.log]


async def test_ten_calls_in_a_second_are_shown_and_spoken_once_each_in_order(
    served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    await open_and_issue(served.queue, 10)
    display = await enrolled(served.address, served.socket, tmp_path, "hall_display")
    async with following(display.connect, fake_voice, tmp_path / "spoken") as f:
        await f.seen.reached(Link.LIVE)
        began = time.monotonic()
        calls = [await call(served.queue, desk) for desk in range(1, 11)]
        assert time.monotonic() - began < 1.0, "the ten calls are made within one second"
        for called in calls:
            await asyncio.wait_for(f.announcer.wait_for(called.sequence), WAIT)
        assert spoken(f.announcer) == [c.sequence for c in calls]
        log = list(f.announcer.log)
        assert all(s.outcome == "spoken" for s in log)
        assert all(a.ended_at <= b.started_at for a, b in itertools.pairwise(log))
        assert [s.display for s in log] == [
            f"{c.ticket.number} → окно {c.desk.number}" for c in calls
        ]
        await f.seen.until(lambda: f.seen.board.seq == calls[-1].sequence)
        assert [c.number for c in f.seen.board.calls] == [c.ticket.number for c in reversed(calls)]
        assert f.seen.names[:2] == ["Паспорт гражданина РФ", "Заграничный паспорт"]
        assert_board_is(
            f.seen.board, await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        )


async def test_calls_in_the_first_snapshot_are_shown_not_spoken_and_a_recall_is_spoken(
    served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    await open_and_issue(served.queue, 2)
    before = [await call(served.queue, desk) for desk in (1, 2)]
    display = await enrolled(served.address, served.socket, tmp_path, "hall_display")
    async with following(display.connect, fake_voice, tmp_path / "spoken") as f:
        await f.seen.reached(Link.LIVE)
        assert {c.number for c in f.seen.board.calls} == {c.ticket.number for c in before}
        recalled = await served.queue.Recall(queue_pb2.DeskRequest(desk_id="desk-01"))
        said = await asyncio.wait_for(f.announcer.wait_for(recalled.sequence), WAIT)
        assert said.display == f"{recalled.ticket.number} → окно 1, повторно"
        assert spoken(f.announcer) == [recalled.sequence]
        assert f.client.announced == 1


async def test_a_dropped_stream_resumes_from_the_last_sequence_missing_nothing(
    served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    await open_and_issue(served.queue, 4)
    display = await enrolled(served.address, served.socket, tmp_path, "hall_display")
    async with following(display.connect, fake_voice, tmp_path / "spoken") as f:
        live = await f.seen.reached(Link.LIVE)
        first = await call(served.queue, 1)
        await asyncio.wait_for(f.announcer.wait_for(first.sequence), WAIT)
        served.hub.broker.close_all()
        lost = await f.seen.reached(Link.LOST, after=live)
        again = await f.seen.reached(Link.LIVE, after=lost)
        assert again - lost < 2.0
        later = [await call(served.queue, desk) for desk in (2, 3)]
        for called in later:
            await asyncio.wait_for(f.announcer.wait_for(called.sequence), WAIT)
        assert spoken(f.announcer) == [first.sequence, *(c.sequence for c in later)]
        await f.seen.until(lambda: f.seen.board.seq == later[-1].sequence)
        assert_board_is(
            f.seen.board, await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        )
        assert f.seen.repeats == 0 and f.client.duplicates == 0


class FreezingProxy:
    """TCP between the display and the hub; ``frozen`` stops every byte, closing nothing."""

    def __init__(self, target: str) -> None:
        self.host, port = target.rsplit(":", 1)
        self.target_port = int(port)
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.address = ""
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> FreezingProxy:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.address = f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            pipe = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                await self.flowing.wait()
                sink.write(data)
                await sink.drain()
        sink.close()


async def test_a_silent_network_is_noticed_by_the_probe_and_the_feed_resumes(
    served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    await open_and_issue(served.queue, 2)
    display = await enrolled(served.address, served.socket, tmp_path, "hall_display")
    async with (
        FreezingProxy(display.address) as proxy,
        following(
            mutual_tls(proxy.address, display.credentials),
            fake_voice,
            tmp_path / "spoken",
            probe_s=0.3,
            probe_timeout_s=0.5,
        ) as f,
    ):
        live = await f.seen.reached(Link.LIVE)
        proxy.flowing.clear()
        frozen = time.monotonic()
        called = await call(served.queue, 1)
        lost = await f.seen.reached(Link.LOST, after=live)
        assert lost - frozen < 0.3 + 0.5 + 0.5, "noticed within one probe and its deadline"
        assert f.seen.board.seq < called.sequence
        proxy.flowing.set()
        await f.seen.reached(Link.LIVE, after=lost)
        await asyncio.wait_for(f.announcer.wait_for(called.sequence), WAIT)
        assert spoken(f.announcer) == [called.sequence]


async def kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    await process.wait()


@pytest.mark.slow
async def test_a_hub_killed_and_restarted_the_board_resyncs_to_exactly_its_state(
    fake_voice: Voice, tmp_path: Path
) -> None:
    # One clock for both hubs, at a morning the branch is open: no day ends mid-test.
    # The restarted hub serves both its ports where the display knows them.
    opened, db = opened_at_nine(EXAMPLE), tmp_path / "hub.db"
    devices = ("--device-listen", f"127.0.0.1:{free_port()}")
    hub, port = await start_hub(EXAMPLE, db, *devices, *opened)
    address, socket = f"127.0.0.1:{port}", admin_socket_for(db)
    ca_pem = await asyncio.to_thread(presented_authority, address)
    made: list[int] = []

    async def with_queue(
        action: Callable[[queue_pb2_grpc.QueueServiceAsyncStub], Awaitable[None]],
    ) -> None:
        """``action`` as the branch's administrator, signed in anew (the hub may be new)."""
        channel = await staff_channel(socket, address, ca_pem, ADMINISTRATOR)
        async with channel:
            await action(queue_pb2_grpc.QueueServiceStub(channel))

    async def calls(queue: queue_pb2_grpc.QueueServiceAsyncStub, desks: Sequence[int]) -> None:
        made.extend([(await call(queue, desk)).sequence for desk in desks])

    try:
        await with_queue(lambda q: open_and_issue(q, 5))
        display = await enrolled(address, socket, tmp_path, "hall_display")
        async with following(display.connect, fake_voice, tmp_path / "spoken") as f:
            live = await f.seen.reached(Link.LIVE)
            await with_queue(lambda q: calls(q, (1, 2, 3)))
            for sequence in made:
                await asyncio.wait_for(f.announcer.wait_for(sequence), WAIT)

            await kill(hub)
            killed = time.monotonic()
            lost = await f.seen.reached(Link.LOST, after=live)
            assert lost - killed < 5.0

            hub, _ = await start_hub(EXAMPLE, db, "--listen", address, *devices, *opened)
            back = time.monotonic()
            resynced = await f.seen.reached(Link.LIVE, after=back)
            assert resynced - back < 2.0

            await with_queue(lambda q: calls(q, (4, 5)))
            for sequence in made:
                await asyncio.wait_for(f.announcer.wait_for(sequence), WAIT)
            assert spoken(f.announcer) == made, "every call spoken once, in order"

            async def hub_state(queue: queue_pb2_grpc.QueueServiceAsyncStub) -> None:
                state = await queue.GetQueueState(queue_pb2.GetQueueStateRequest())
                await f.seen.until(lambda: f.seen.board.seq == state.sequence)
                assert_board_is(f.seen.board, state)

            await with_queue(hub_state)
            assert f.seen.repeats == 0 and f.client.duplicates == 0
    finally:
        await kill(hub)
