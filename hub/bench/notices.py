"""``okno hub bench notices``: from a status change acknowledged to its SMS at the gateway.

The hub runs in its own process, as in production, sending SMS to the simulated gateway
(``hub/notify/sim.py``) that this process runs. Applications are recorded first by a hub
in this process (served visitors who left a phone for SMS notices), so that nothing of
the setting-up is measured. Then the information system, signed in over TLS with its own
account, sets statuses through ``okno.v1.Applications/SetStatus``:

- **one at a time**: a change, then the next once its SMS is taken. The time from the
  acknowledgement to the gateway taking the SMS is the notice's own latency (it is 0 when
  the SMS was taken before the acknowledgement reached the caller).
- **burst**: ``callers`` callers send as many changes back to back; each SMS is timed
  from its own change's acknowledgement, so the queue the burst makes is in the figure.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hub.applications import Accepting
from hub.bench.process import round_the_clock, signed_in, start_hub
from hub.config import load_branch
from hub.errors import ConfigError
from hub.notify.sim import SimulatedSmsGateway
from hub.service import Hub
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.runtime.hubtls import presented_authority
from protos.okno.v1 import applications_pb2, applications_pb2_grpc

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"\d{6}-\d{3,4}")
IN_WORK = applications_pb2.APPLICATION_STATUS_IN_WORK
# A notice not taken in this long is counted as lost, and the run goes on.
LOST_AFTER_S = 10.0


@dataclass(frozen=True, slots=True)
class Round:
    """Latencies in ms from acknowledgement to the gateway taking the SMS, and misses;
    how long the changes took to send, and until the last SMS was taken."""

    ack_to_sms_ms: list[float]
    request_to_sms_ms: list[float]
    lost: int
    seconds: float
    until_last_sms_s: float = 0.0


def with_sms(config_text: str, sms_url: str) -> str:
    """The branch, open round the clock, sending its SMS to ``sms_url``."""
    text = re.sub(r"^sms_url = .*$\n?", "", round_the_clock(config_text), flags=re.M)
    line = f'sms_url = "{sms_url}"\n'
    if re.search(r"^\[notifications\]$", text, flags=re.M):
        return re.sub(r"^\[notifications\]$\n", f"[notifications]\n{line}", text, flags=re.M)
    return f"{text.rstrip()}\n\n[notifications]\n{line}"


async def measure_notices(config: Path, changes: int = 300, callers: int = 10) -> list[Figure]:
    """``changes`` changes one at a time, then ``changes`` more in a burst of ``callers``."""
    gateway = SimulatedSmsGateway()
    await gateway.start()
    try:
        with tempfile.TemporaryDirectory(prefix="okno-bench-notices-") as scratch:
            root = Path(scratch)
            measured = root / "branch.toml"
            text = await asyncio.to_thread(config.read_text)
            await asyncio.to_thread(measured.write_text, with_sms(text, gateway.url))
            db = root / "hub.db"
            numbers = await _recorded(measured, db, 2 * changes)
            process, port = await start_hub(measured, db)
            try:
                address = f"127.0.0.1:{port}"
                ca_pem = await asyncio.to_thread(presented_authority, address)
                system = _information_system(measured)
                channel = await signed_in(admin_socket_for(db), address, ca_pem, system)
                stub = applications_pb2_grpc.ApplicationsStub(channel)
                log.info("notices one at a time changes=%d", changes)
                alone = await _one_at_a_time(stub, gateway, numbers[:changes])
                log.info("notices in a burst changes=%d callers=%d", changes, callers)
                burst = await _burst(stub, gateway, numbers[changes:], callers)
                await channel.close()
            finally:
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), 30)
                if code != 0:
                    log.warning("hub exited code=%d", code)
    finally:
        await gateway.stop()
    taken = [m.key for m in gateway.messages]
    return [
        Figure("notice_changes", changes, "changes"),
        Figure("notice_p50", percentile(alone.ack_to_sms_ms, 50), "ms"),
        Figure("notice_p99", percentile(alone.ack_to_sms_ms, 99), "ms", 1000, "<="),
        Figure("notice_max", max(alone.ack_to_sms_ms), "ms"),
        Figure("notice_from_request_p50", percentile(alone.request_to_sms_ms, 50), "ms"),
        Figure("notice_from_request_p99", percentile(alone.request_to_sms_ms, 99), "ms"),
        Figure("burst_callers", callers, "callers"),
        Figure("burst_rate", changes / burst.seconds, "changes/s"),
        Figure("burst_sms_rate", changes / burst.until_last_sms_s, "SMS/s"),
        Figure("burst_notice_p50", percentile(burst.ack_to_sms_ms, 50), "ms"),
        Figure("burst_notice_p99", percentile(burst.ack_to_sms_ms, 99), "ms"),
        Figure("notices_lost", alone.lost + burst.lost, "notices", 0, "<="),
        Figure("notices_twice", len(taken) - len(set(taken)), "notices", 0, "<="),
        Figure("notices_taken", len(gateway.messages), "notices", 2 * changes, ">="),
    ]


def _information_system(config: Path) -> str:
    branch = load_branch(config).branch
    found = next((o.id for o in branch.operators if "information_system" in o.roles), None)
    if found is None:
        raise ConfigError(str(config), "no operator has the information_system role to run as")
    return found


async def _recorded(config: Path, db: Path, count: int) -> list[str]:
    """``count`` applications with SMS notices, recorded at a desk by a hub in this process."""
    branch = load_branch(config).branch
    service = next((s for s in branch.services if s.processing_days is not None), None)
    if service is None:
        raise ConfigError(str(config), "no service has processing_days: no application to time")
    desk = next(d.id for d in branch.desks if service.id in d.services)
    operator = next(o.id for o in branch.operators if "operator" in o.roles)
    hub = Hub(config, db)
    await hub.start()
    try:
        await hub.run(lambda e, now: e.open_desk(desk, now, operator_id=operator))
        numbers = []
        for phone in _phones(count):
            await hub.run(lambda e, now: e.issue(service.id, now))
            await hub.run(lambda e, now: e.call_next(desk, now))
            await hub.run(lambda e, now: e.start(desk, now))
            done = await hub.run(lambda e, now: e.finish(desk, now))
            assert done.ticket is not None
            asked = Accepting(done.ticket.id, phone=phone, notify_sms=True, consent=True)
            numbers.append((await hub.applications.accept(asked, operator=operator)).number)
    finally:
        await hub.stop()
    return numbers


def _phones(count: int) -> Iterator[str]:
    return (f"+7916{index:07d}" for index in range(count))


async def _one_at_a_time(
    stub: applications_pb2_grpc.ApplicationsAsyncStub,
    gateway: SimulatedSmsGateway,
    numbers: list[str],
) -> Round:
    ack_ms: list[float] = []
    request_ms: list[float] = []
    lost = 0
    started = time.perf_counter()
    for number in numbers:
        before = len(gateway.messages)
        sent = time.time()
        await stub.SetStatus(_change(number))
        acknowledged = time.time()
        try:
            taken = await gateway.wait_for(before + 1, LOST_AFTER_S)
        except TimeoutError:
            lost += 1
            continue
        at = taken[before].at
        ack_ms.append(max(0.0, at - acknowledged) * 1000)
        request_ms.append((at - sent) * 1000)
    return Round(ack_ms, request_ms, lost, time.perf_counter() - started)


async def _burst(
    stub: applications_pb2_grpc.ApplicationsAsyncStub,
    gateway: SimulatedSmsGateway,
    numbers: list[str],
    callers: int,
) -> Round:
    before = len(gateway.messages)
    sent: dict[str, float] = {}
    acknowledged: dict[str, float] = {}
    queue = list(numbers)

    async def caller() -> None:
        while queue:
            number = queue.pop()
            sent[number] = time.time()
            await stub.SetStatus(_change(number))
            acknowledged[number] = time.time()

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(callers)))
    seconds = time.perf_counter() - started
    try:
        await gateway.wait_for(before + len(numbers), LOST_AFTER_S)
    except TimeoutError:
        log.warning("notices missing after the burst")
    taken = {}
    for message in gateway.messages[before:]:
        found = _NUMBER.search(message.text)
        if found is not None:
            taken[found.group()] = message.at
    ack_ms = [max(0.0, taken[n] - acknowledged[n]) * 1000 for n in numbers if n in taken]
    request_ms = [(taken[n] - sent[n]) * 1000 for n in numbers if n in taken]
    last = max(taken.values(), default=0.0) - min(sent.values())
    return Round(ack_ms, request_ms, len(numbers) - len(ack_ms), seconds, last)


def _change(number: str) -> applications_pb2.SetApplicationStatusRequest:
    return applications_pb2.SetApplicationStatusRequest(
        number=number,
        status=IN_WORK,
        change_id=uuid.uuid4().hex,
        changed_at_unix_ms=int(time.time() * 1000),
    )
