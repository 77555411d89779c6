"""Kiosks issuing and desks calling as fast as they can, each a gRPC client of its own.

Each kiosk and each desk unit calls as the enrolled device it is (hub.bench.callers), on
a mutual-TLS channel of its own.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

from okno.provision import member_channel
from protos.okno.v1 import queue_pb2, queue_pb2_grpc

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub


@dataclass
class Latencies:
    """Round trips in milliseconds, and what came back, for the checks after the run."""

    ms: list[float] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    seconds: float = 0.0


def stub(channel: grpc.aio.Channel) -> QueueServiceAsyncStub:
    return queue_pb2_grpc.QueueServiceStub(channel)


async def issue_load(
    kiosks: list[Path], services: list[str], seconds: float, warmup: float
) -> Latencies:
    """The ``kiosks`` (state folders) issue back to back; only what falls after ``warmup``
    counts."""
    result = Latencies()
    clients = len(kiosks)
    start = time.perf_counter()
    measured_from = start + warmup
    stop_at = measured_from + seconds

    async def kiosk(index: int) -> None:
        async with member_channel(kiosks[index]) as channel:
            queue = stub(channel)
            n = index
            while (sent := time.perf_counter()) < stop_at:
                response = await issue(queue, services[n % len(services)])
                if sent >= measured_from:
                    result.ms.append((time.perf_counter() - sent) * 1000)
                    result.ids.append(response.ticket.id)
                result.numbers.append(response.ticket.id)
                n += clients

    await asyncio.gather(*(kiosk(i) for i in range(clients)))
    result.seconds = seconds
    return result


async def issue_while(
    kiosks: list[Path], services: list[str], going: Callable[[], bool], interval_s: float
) -> Latencies:
    """The ``kiosks`` each issue every ``interval_s`` while ``going()`` holds: a steady
    load whose latency is the hub's, not a queue of the clients' own making. A kiosk's
    first ticket, which opens its TLS session, is kept but not timed."""
    result = Latencies()
    start = time.perf_counter()

    async def kiosk(index: int) -> None:
        async with member_channel(kiosks[index]) as channel:
            queue = stub(channel)
            first = await issue(queue, services[index % len(services)])
            result.ids.append(first.ticket.id)
            result.numbers.append(first.ticket.id)
            due = time.perf_counter() + interval_s * index / len(kiosks)
            n = index
            while going():
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                due += interval_s
                sent = time.perf_counter()
                response = await issue(queue, services[n % len(services)])
                result.ms.append((time.perf_counter() - sent) * 1000)
                result.ids.append(response.ticket.id)
                result.numbers.append(response.ticket.id)
                n += len(kiosks)

    await asyncio.gather(*(kiosk(i) for i in range(len(kiosks))))
    result.seconds = time.perf_counter() - start
    return result


async def issue(queue: QueueServiceAsyncStub, service_id: str) -> queue_pb2.IssueTicketResponse:
    return await queue.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id=service_id, request_id=uuid.uuid4().hex)
    )


async def call_load(units: Mapping[str, Path], calls_per_desk: int) -> Latencies:
    """Every desk's unit (state folders by desk) opens its desk, then calls, starts and
    finishes visitors, all desks at once."""
    result = Latencies()

    async def desk(desk_id: str, unit: Path) -> None:
        async with member_channel(unit) as channel:
            queue = stub(channel)
            await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk_id))
            for _ in range(calls_per_desk):
                sent = time.perf_counter()
                called = await queue.CallNext(
                    queue_pb2.DeskRequest(desk_id=desk_id, request_id=uuid.uuid4().hex)
                )
                result.ms.append((time.perf_counter() - sent) * 1000)
                if not called.HasField("ticket"):
                    return
                result.ids.append(called.ticket.id)
                await queue.StartService(queue_pb2.DeskRequest(desk_id=desk_id))
                await queue.FinishService(queue_pb2.DeskRequest(desk_id=desk_id))

    started = time.perf_counter()
    await asyncio.gather(*(desk(d, unit) for d, unit in units.items()))
    result.seconds = time.perf_counter() - started
    return result


def repeated(values: list[str]) -> int:
    """How many values occur more than once: double calls, numbers given twice."""
    return sum(n - 1 for n in Counter(values).values() if n > 1)
