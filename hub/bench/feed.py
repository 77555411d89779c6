"""Many hall displays on the feed; how long a call takes to reach every one of them.

Subscribers live in other processes, as displays do, each an enrolled hall display on a
mutual-TLS channel of its own; the calls are a desk unit's. A call's send time and each
arrival are read from the same wall clock of this machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

from okno.provision import member_channel
from protos.okno.v1 import feed_pb2, feed_pb2_grpc, queue_pb2

if TYPE_CHECKING:
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub

from hub.bench.load import stub


def _displays(states: list[str], calls: int, ready: Connection, out: Connection) -> None:
    out.send(asyncio.run(_follow([Path(s) for s in states], calls, ready)))


async def _follow(states: list[Path], calls: int, ready: Connection) -> list[tuple[str, int]]:
    """Each display notes (ticket id, arrival ns) of every call until it has seen ``calls``."""
    count = len(states)
    arrivals: list[tuple[str, int]] = []
    subscribed = 0
    all_subscribed = asyncio.Event()

    async def display(channel: grpc.aio.Channel) -> None:
        nonlocal subscribed
        feed: HallFeedAsyncStub = feed_pb2_grpc.HallFeedStub(channel)
        seen = 0
        # A hundred TLS handshakes at once lose a few; a display retries, so does this one.
        stream = feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0), wait_for_ready=True)
        async for message in stream:
            if message.HasField("snapshot"):
                subscribed += 1
                if subscribed == count:
                    all_subscribed.set()
                continue
            if message.event.kind == feed_pb2.EVENT_KIND_TICKET_CALLED:
                arrivals.append((message.event.ticket.id, time.time_ns()))
                seen += 1
                if seen == calls:
                    stream.cancel()
                    return

    channels = [member_channel(state) for state in states]
    tasks = [asyncio.create_task(display(c)) for c in channels]
    await all_subscribed.wait()
    ready.send(True)
    await asyncio.gather(*tasks)
    for channel in channels:
        await channel.close()
    return arrivals


async def feed_latency(
    displays: list[Path], processes: int, desk: tuple[str, Path], calls: int, rate_per_s: float
) -> list[float]:
    """Milliseconds from sending each CallNext to its arrival at each display.

    ``displays`` are the displays' state folders, shared among ``processes``; ``desk`` is
    the desk that calls and its unit's state folder.
    """
    context = multiprocessing.get_context("spawn")
    desk_id, unit = desk
    workers = []
    for index in range(processes):
        ready_r, ready_w = context.Pipe(duplex=False)
        out_r, out_w = context.Pipe(duplex=False)
        share = [str(state) for state in displays[index::processes]]
        process = context.Process(
            target=_displays, args=(share, calls, ready_w, out_w), daemon=True
        )
        process.start()
        workers.append((process, ready_r, out_r))
    for _, ready_r, _ in workers:
        await asyncio.to_thread(ready_r.recv)
    sent: dict[str, int] = {}
    async with member_channel(unit) as channel:
        queue = stub(channel)
        await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk_id))
        for _ in range(calls):
            started = time.time_ns()
            called = await queue.CallNext(
                queue_pb2.DeskRequest(desk_id=desk_id, request_id=uuid.uuid4().hex)
            )
            sent[called.ticket.id] = started
            await queue.MarkNoShow(queue_pb2.DeskRequest(desk_id=desk_id))
            await asyncio.sleep(max(0.0, 1 / rate_per_s - (time.time_ns() - started) / 1e9))
    latencies: list[float] = []
    for process, _, out_r in workers:
        arrivals: list[tuple[str, int]] = await asyncio.to_thread(out_r.recv)
        latencies.extend((at - sent[ticket]) / 1e6 for ticket, at in arrivals)
        process.join(10)
    return latencies
