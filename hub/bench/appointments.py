"""``okno hub bench appointments``: many clients fighting over the same slots of one hub.

The hub runs in its own process, as in production; each client is a kiosk enrolled as a
technician would (hub.bench.callers) and books over mutual TLS. Every client tries every slot once,
in its own order, so far more bookings are attempted than there are seats. Two rounds,
each on its own slots:

- **back to back**: each client sends its next booking as soon as the last is answered.
  This measures throughput; its latency is set by queueing (Little's law: clients in
  flight / answers per second), not by the booking itself.
- **paced**: each client tries ``paced_per_s`` bookings a second, as busy people and web
  pages would; this is the latency a booking has under 50 concurrent clients.

Latency of a booking counts only those that got a seat (acknowledged once committed);
refusals are timed apart. After the hub stops, the whole ledger is read back from the
database: no slot over its capacity, no seat twice, no code twice, and every booking
acknowledged to a client is there.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import signal
import sqlite3
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from hub.bench.callers import enrolled
from hub.bench.process import round_the_clock, start_hub
from hub.config import load_branch
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import member_channel
from protos.okno.v1 import appointments_pb2, appointments_pb2_grpc

log = logging.getLogger(__name__)
_SECTION = re.compile(r"^\[appointments(?:\.[^\]]*)?\]\n(?:(?!\[).*\n?)*", re.M)


@dataclass
class Attempts:
    """What the clients saw: latencies in ms and the bookings acknowledged to them."""

    booked_ms: list[float] = field(default_factory=list)
    refused_ms: list[float] = field(default_factory=list)
    # Code -> slot start, as each acknowledgement told it.
    codes: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    # perf_counter() when the clients were let go, and at the last seat given.
    started_at: float = 0.0
    last_booked_at: float = 0.0
    ended_at: float = 0.0

    @property
    def tried(self) -> int:
        return len(self.booked_ms) + len(self.refused_ms) + self.errors


@dataclass(frozen=True, slots=True)
class Ledger:
    """The appointments table read back: what would be a double booking, counted."""

    bookings: int
    over_capacity: int
    seats_twice: int
    codes_twice: int
    acknowledged_missing: int

    @property
    def double_bookings(self) -> int:
        return self.over_capacity + self.seats_twice + self.codes_twice


def with_appointments(config_text: str, service_id: str, seats: int) -> str:
    """The branch, open round the clock, booking ``seats`` visitors a slot for one service."""
    text = _SECTION.sub("", round_the_clock(config_text))
    return f'{text.rstrip()}\n\n[appointments]\ncapacity = {{ "{service_id}" = {seats} }}\n'


@asynccontextmanager
async def hub_with_appointments(
    config: Path, service_id: str, seats: int, root: Path
) -> AsyncIterator[tuple[Path, int]]:
    """A hub process in ``root`` on a copy of ``config`` whose ``service_id`` takes bookings
    of ``seats`` a slot: its database and its port; stopped (SIGTERM) on leaving."""
    measured = root / "branch.toml"
    text = await asyncio.to_thread(config.read_text)
    await asyncio.to_thread(measured.write_text, with_appointments(text, service_id, seats))
    db = root / "hub.db"
    process, port = await start_hub(measured, db)
    try:
        yield db, port
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
        if code != 0:
            log.warning("hub exited code=%d", code)


def read_ledger(db: Path, capacity: dict[str, int], acknowledged: set[str]) -> Ledger:
    """Check the whole appointments table of a stopped (or running) hub."""
    with sqlite3.connect(db) as database:
        held = database.execute(
            "SELECT service_id, slot_ms, count(*) FROM appointments WHERE state != 'cancelled' "
            "GROUP BY service_id, slot_ms"
        ).fetchall()
        seats_twice = database.execute(
            "SELECT count(*) FROM (SELECT 1 FROM appointments WHERE state != 'cancelled' "
            "GROUP BY service_id, slot_ms, seat HAVING count(*) > 1)"
        ).fetchone()[0]
        codes = [c for (c,) in database.execute("SELECT code FROM appointments")]
    over = sum(1 for service, _, count in held if count > capacity.get(service, 0))
    return Ledger(
        bookings=len(codes),
        over_capacity=over,
        seats_twice=seats_twice,
        codes_twice=len(codes) - len(set(codes)),
        acknowledged_missing=len(acknowledged - set(codes)),
    )


async def measure_appointments(
    config: Path,
    clients: int = 50,
    slots: int = 100,
    *,
    seats: int = 2,
    paced_per_s: float = 10.0,
    service_id: str = "",
    seed: int = 7,
) -> list[Figure]:
    """``clients`` clients each try every one of ``slots`` slots of ``seats`` seats once,
    back to back, then on as many other slots at ``paced_per_s`` tries a second each."""
    branch = load_branch(config).branch
    service_id = service_id or next(iter(branch.appointments.capacity), branch.services[0].id)
    with tempfile.TemporaryDirectory(prefix="okno-bench-appointments-") as scratch:
        root = Path(scratch)
        async with hub_with_appointments(config, service_id, seats, root) as (db, port):
            address = f"127.0.0.1:{port}"
            kiosks = await enrolled(address, admin_socket_for(db), "kiosk", clients, root)
            starts = await _free_slots(kiosks[0], service_id, 2 * slots)
            fought, paced = starts[:slots], starts[slots:]
            log.info(
                "appointments back to back clients=%d slots=%d seats=%d",
                clients,
                len(fought),
                seats,
            )
            attempts = await _fight(kiosks, service_id, fought, seed)
            log.info("appointments paced per_client_per_s=%.1f", paced_per_s)
            calm = await _fight(kiosks, service_id, paced, seed, interval_s=1 / paced_per_s)
        ledger = read_ledger(db, {service_id: seats}, set(attempts.codes) | set(calm.codes))
    tried = attempts.tried
    booking_s = max(attempts.last_booked_at - attempts.started_at, 1e-9)
    seconds = attempts.ended_at - attempts.started_at
    seats_total = (len(fought) + len(paced)) * seats
    return [
        Figure("appointment_clients", clients, "clients"),
        Figure("appointment_slots", len(fought), "slots"),
        Figure("seats", seats_total, "seats"),
        Figure("bookings_attempted", tried + calm.tried, "attempts"),
        Figure(
            "bookings_made", len(attempts.codes) + len(calm.codes), "bookings", seats_total, ">="
        ),
        Figure("booking_errors", attempts.errors + calm.errors, "attempts", 0, "<="),
        Figure("book_p50", percentile(attempts.booked_ms, 50), "ms"),
        Figure("book_p99", percentile(attempts.booked_ms, 99), "ms", 20, "<="),
        Figure("refusal_p99", percentile(attempts.refused_ms or [0.0], 99), "ms"),
        Figure("booking_throughput", len(attempts.booked_ms) / booking_s, "bookings/s"),
        Figure("attempt_throughput", tried / seconds, "attempts/s"),
        Figure("paced_rate", clients * paced_per_s, "attempts/s"),
        Figure("paced_book_p50", percentile(calm.booked_ms, 50), "ms"),
        Figure("paced_book_p99", percentile(calm.booked_ms, 99), "ms", 20, "<="),
        Figure("paced_refusal_p99", percentile(calm.refused_ms or [0.0], 99), "ms"),
        Figure("double_bookings", ledger.double_bookings, "bookings", 0, "<="),
        Figure("acknowledged_missing", ledger.acknowledged_missing, "bookings", 0, "<="),
    ]


async def _free_slots(kiosk: Path, service_id: str, count: int) -> list[int]:
    async with member_channel(kiosk) as channel:
        listed = await appointments_pb2_grpc.AppointmentsStub(channel).ListSlots(
            appointments_pb2.ListSlotsRequest(service_id=service_id, only_free=True)
        )
    # The next slot may begin while the clients fight: leave it out.
    return [s.start_unix_ms for s in listed.slots[1 : count + 1]]


async def _fight(
    kiosks: list[Path],
    service_id: str,
    starts: list[int],
    seed: int,
    *,
    interval_s: float = 0.0,
) -> Attempts:
    """Every kiosk (state folder of an enrolled one) tries every slot once, in its own
    order; every ``interval_s`` if set."""
    attempts = Attempts()
    go = asyncio.Event()

    async def client(index: int) -> None:
        rng = random.Random(seed + index)
        order = list(starts)
        rng.shuffle(order)
        async with member_channel(kiosks[index]) as channel:
            stub = appointments_pb2_grpc.AppointmentsStub(channel)
            await channel.channel_ready()
            await go.wait()
            # Paced clients start at random phases, as people do.
            due = time.perf_counter() + rng.random() * interval_s
            for start in order:
                if interval_s:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due += interval_s
                sent = time.perf_counter()
                try:
                    answer = await stub.Book(
                        appointments_pb2.BookRequest(
                            request_id=uuid.uuid4().hex,
                            service_id=service_id,
                            slot_start_unix_ms=start,
                            channel=appointments_pb2.BOOKING_CHANNEL_KIOSK,
                        )
                    )
                except grpc.aio.AioRpcError as error:
                    if error.code() == grpc.StatusCode.FAILED_PRECONDITION:
                        attempts.refused_ms.append((time.perf_counter() - sent) * 1000)
                    else:
                        log.warning("booking failed code=%s", error.code())
                        attempts.errors += 1
                    continue
                done = time.perf_counter()
                attempts.booked_ms.append((done - sent) * 1000)
                attempts.last_booked_at = max(attempts.last_booked_at, done)
                attempts.codes[answer.booking.code] = answer.booking.slot_start_unix_ms

    tasks = [asyncio.create_task(client(i)) for i in range(len(kiosks))]
    await asyncio.sleep(0.2)
    attempts.started_at = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    attempts.ended_at = time.perf_counter()
    return attempts
