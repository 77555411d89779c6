"""``okno hub bench web``: many phones polling the live queue page of one hub.

The hub runs in its own process with its web port, as ``okno hub --web-listen`` runs it,
with a hall in it: tickets waiting for every service (issued by an enrolled kiosk), desks
open, and desk units calling the next visitor twice a second while the page is measured
(each call changes the page, so the page is rendered again, not only served from its cache).

- **paced**: ``viewers`` phones, each with its own connection, each loading the whole
  page once every ``poll_s`` (default 1 s: five times as often as the page itself polls).
  Latency is from sending the request to the last byte of the answer.
- **back to back**: the same phones, each sending its next request as soon as the last
  is answered, for a third of the time: the throughput the hub has for the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx

from hub.bench.callers import desk_units, enrolled
from hub.bench.process import morning_offset_ms
from hub.config import load_branch
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import member_channel
from protos.okno.v1 import queue_pb2, queue_pb2_grpc

log = logging.getLogger(__name__)
TARGET_P99_MS = 50.0
TICKETS = 150
OPEN_DESKS = 8
CALLS_PER_S = 2.0
_SERVE = (
    "import asyncio, logging, sys\n"
    "from pathlib import Path\n"
    "from hub.runner import serve\n"
    "logging.basicConfig(level=logging.INFO, stream=sys.stderr,"
    " format='%(asctime)s %(levelname)s %(name)s %(message)s')\n"
    "asyncio.run(serve(Path(sys.argv[1]), Path(sys.argv[2]), '127.0.0.1:0', '127.0.0.1:0',"
    " web_listen='127.0.0.1:0', clock_offset_ms=int(sys.argv[3])))\n"
)


@dataclass
class Seen:
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    started: float = 0.0
    ended: float = 0.0

    @property
    def per_s(self) -> float:
        return len(self.ms) / max(1e-9, self.ended - self.started)


async def start_hub_with_web(config: Path, db: Path) -> tuple[asyncio.subprocess.Process, int, int]:
    """A hub process serving gRPC and the web pages on free loopback ports.

    Its clock runs from the branch's next open morning, so the hall is open at any hour.
    """
    offset = str(morning_offset_ms(config))
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", _SERVE, str(config), str(db), offset),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    grpc_port = 0
    while line := (await process.stderr.readline()).decode():
        if found := re.search(r"hub serving .* port=(\d+)", line):
            grpc_port = int(found.group(1))
        if found := re.search(r"web pages serving .* port=(\d+)", line):
            asyncio.create_task(process.stderr.read())  # noqa: RUF006 (ends with the process)
            return process, grpc_port, int(found.group(1))
    raise RuntimeError(f"the hub exited before serving, code {await process.wait()}")


async def measure_status_page(
    config: Path, viewers: int = 200, seconds: float = 10, *, poll_s: float = 1.0
) -> list[Figure]:
    """Latency and throughput of the status page under ``viewers`` polling phones."""
    branch = load_branch(config).branch
    with tempfile.TemporaryDirectory(prefix="okno-bench-web-") as scratch:
        root = Path(scratch)
        process, grpc_port, web_port = await start_hub_with_web(config, root / "hub.db")
        try:
            address, socket = f"127.0.0.1:{grpc_port}", admin_socket_for(root / "hub.db")
            desks = [d.id for d in branch.desks[:OPEN_DESKS]]
            (kiosk,) = await enrolled(address, socket, "kiosk", 1, root)
            units = await desk_units(address, socket, desks, root)
            await _fill_the_hall(kiosk, units, [s.id for s in branch.services])
            base = f"http://127.0.0.1:{web_port}"
            stop_calls = asyncio.Event()
            caller = asyncio.create_task(_keep_calling(units, stop_calls))
            try:
                paced = await _view(base, viewers, seconds, poll_s)
                back_to_back = await _view(base, viewers, max(1.0, seconds / 3), 0.0)
            finally:
                stop_calls.set()
                calls = await caller
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 30)
            if code != 0:
                raise RuntimeError(f"the hub exited with code {code}")
    return [
        Figure("viewers", viewers, "phones"),
        Figure("paced: one page per viewer every", poll_s, "s"),
        Figure("paced: pages served", len(paced.ms), "pages"),
        Figure("paced: throughput", round(paced.per_s, 1), "pages/s"),
        Figure("paced: p50", round(percentile(paced.ms, 50), 2), "ms"),
        Figure("paced: p99", round(percentile(paced.ms, 99), 2), "ms", TARGET_P99_MS, "<="),
        Figure("errors", paced.errors + back_to_back.errors, "requests", 0, "<="),
        Figure("back to back: throughput", round(back_to_back.per_s, 1), "pages/s"),
        Figure("back to back: p99", round(percentile(back_to_back.ms, 99), 2), "ms"),
        Figure("calls made while measuring (page changes)", calls, "calls"),
    ]


async def _fill_the_hall(kiosk: Path, units: Mapping[str, Path], services: list[str]) -> None:
    """Each desk's unit opens it; the kiosk issues TICKETS tickets across ``services``."""
    for desk, unit in units.items():
        async with member_channel(unit) as channel:
            await queue_pb2_grpc.QueueServiceStub(channel).OpenDesk(
                queue_pb2.OpenDeskRequest(desk_id=desk)
            )
    async with member_channel(kiosk) as channel:
        queue = queue_pb2_grpc.QueueServiceStub(channel)
        for n in range(TICKETS):
            await queue.IssueTicket(
                queue_pb2.IssueTicketRequest(
                    service_id=services[n % len(services)], request_id=uuid.uuid4().hex
                )
            )


async def _keep_calling(units: Mapping[str, Path], stop: asyncio.Event) -> int:
    """The desks in turn, by their units, call the next visitor (finishing the last one)
    CALLS_PER_S times a second."""
    calls = 0
    desks = list(units)
    async with contextlib.AsyncExitStack() as stack:
        queues = {
            desk: queue_pb2_grpc.QueueServiceStub(
                await stack.enter_async_context(member_channel(unit))
            )
            for desk, unit in units.items()
        }
        while not stop.is_set():
            desk = desks[calls % len(desks)]
            queue = queues[desk]
            try:
                await queue.StartService(queue_pb2.DeskRequest(desk_id=desk))
                await queue.FinishService(queue_pb2.DeskRequest(desk_id=desk))
            except grpc.aio.AioRpcError:
                pass  # nobody at the desk yet
            try:
                await queue.CallNext(queue_pb2.DeskRequest(desk_id=desk))
                calls += 1
            except grpc.aio.AioRpcError as error:
                log.debug("call refused: %s", error.details())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1 / CALLS_PER_S)
    return calls


async def _view(base: str, viewers: int, seconds: float, poll_s: float) -> Seen:
    seen = Seen()
    go = asyncio.Event()
    deadline = 0.0

    async def phone() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            await client.get("/static/okno.css")  # connect before the clock starts
            await go.wait()
            if poll_s:
                await asyncio.sleep(random.uniform(0, poll_s))
            while (now := time.perf_counter()) < deadline:
                try:
                    response = await client.get("/status")
                    if response.status_code != 200 or "call-list" not in response.text:
                        seen.errors += 1
                    else:
                        seen.ms.append((time.perf_counter() - now) * 1000)
                except httpx.HTTPError:
                    seen.errors += 1
                if poll_s:
                    await asyncio.sleep(max(0.0, now + poll_s - time.perf_counter()))

    tasks = [asyncio.create_task(phone()) for _ in range(viewers)]
    await asyncio.sleep(0.5)
    seen.started = time.perf_counter()
    deadline = seen.started + seconds
    go.set()
    await asyncio.gather(*tasks)
    seen.ended = time.perf_counter()
    return seen
