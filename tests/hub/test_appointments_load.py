"""No slot is ever given to more visitors than it seats: threads, processes, power cuts.

Each test lets many clients fight over the same slots through real gRPC, then reads the
whole ledger back from the database, as an auditor would.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import signal
import sqlite3
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest

from hub.bench.appointments import measure_appointments, with_appointments
from hub.bench.process import start_hub
from okno.signin import sign_in
from protos.okno.v1 import appointments_pb2, appointments_pb2_grpc
from tests.hub.conftest import ADMINISTRATOR, EXAMPLE, PIN, Served, administrator_of

# What one client saw acknowledged: (code, slot start, request id).
Acknowledged = list[tuple[str, int, str]]


@dataclass(frozen=True)
class Reach:
    """How a client thread or process reaches the hub: the administrator's sign-in, over TLS."""

    address: str
    ca_pem: bytes
    token: str


async def administrators_reach(served: Served) -> Reach:
    token = await sign_in(served.address, served.ca_pem, ADMINISTRATOR, PIN)
    return Reach(served.address, served.ca_pem, token)


def book_every_slot(hub: Reach, service: str, starts: list[int], seed: int) -> Acknowledged:
    """One client with its own blocking channel tries each slot once, in its own order."""
    order = list(starts)
    random.Random(seed).shuffle(order)
    got: Acknowledged = []
    surprises: list[str] = []
    credentials = grpc.composite_channel_credentials(
        grpc.ssl_channel_credentials(root_certificates=hub.ca_pem),
        grpc.access_token_call_credentials(hub.token),
    )
    with grpc.secure_channel(hub.address, credentials) as channel:
        stub = appointments_pb2_grpc.AppointmentsStub(channel)
        for start in order:
            request_id = uuid.uuid4().hex
            try:
                answer = stub.Book(
                    appointments_pb2.BookRequest(
                        request_id=request_id,
                        service_id=service,
                        slot_start_unix_ms=start,
                        channel=appointments_pb2.BOOKING_CHANNEL_ONLINE,
                    ),
                    timeout=10,
                )
            except grpc.RpcError as error:
                if refusal_code(error) != "slot_full":
                    surprises.append(str(error))
                continue
            got.append((answer.booking.code, answer.booking.slot_start_unix_ms, request_id))
    assert not surprises, f"bookings failed for another reason than a full slot: {surprises[:3]}"
    return got


def refusal_code(error: grpc.RpcError) -> str:
    """The stable code of a refusal (trailing metadata "okno-error"), or ""."""
    if not isinstance(error, grpc.Call | grpc.aio.AioRpcError):
        return ""
    found = (value for key, value in error.trailing_metadata() or () if key == "okno-error")
    return str(next(found, ""))


def check_ledger(db: Path, capacity: int, acknowledged: Acknowledged) -> dict[int, int]:
    """Assert the auditor's rules on the whole table; the seats held per slot."""
    with sqlite3.connect(db) as database:
        rows = database.execute(
            "SELECT code, slot_ms, seat, state, request_id FROM appointments"
        ).fetchall()
    held = Counter(slot for _, slot, _, state, _ in rows if state != "cancelled")
    assert max(held.values()) <= capacity, "a slot holds more visitors than it seats"
    seats = Counter((slot, seat) for _, slot, seat, state, _ in rows if state != "cancelled")
    assert max(seats.values()) == 1, "a seat was given twice"
    codes = Counter(code for code, *_ in rows)
    assert max(codes.values()) == 1, "a code was given twice"
    requests = Counter(request for *_, request in rows if request)
    assert max(requests.values()) == 1, "one request got two bookings"
    stored = {code: slot for code, slot, *_ in rows}
    for code, slot, _ in acknowledged:
        assert stored.get(code) == slot, f"an acknowledged booking is missing: slot {slot}"
    return dict(held)


async def todays_slots(served: Served, service: str = "passport") -> list[int]:
    listed = await appointments_pb2_grpc.AppointmentsStub(served.channel).ListSlots(
        appointments_pb2.ListSlotsRequest(service_id=service, to_day="2026-11-23")
    )
    return [s.start_unix_ms for s in listed.slots]


async def test_threads_booking_the_same_slots_fill_each_exactly(served: Served) -> None:
    starts = await todays_slots(served)
    assert len(starts) == 29
    hub = await administrators_reach(served)
    clients = [
        asyncio.to_thread(book_every_slot, hub, "passport", starts, seed) for seed in range(8)
    ]
    acknowledged = [a for got in await asyncio.gather(*clients) for a in got]
    assert len(acknowledged) == 2 * len(starts)
    held = check_ledger(served.db, 2, acknowledged)
    assert held == dict.fromkeys(starts, 2)


@pytest.mark.slow
async def test_processes_booking_the_same_slots_fill_each_exactly(served: Served) -> None:
    starts = await todays_slots(served, "ready-documents")
    hub = await administrators_reach(served)
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        clients = [
            loop.run_in_executor(pool, book_every_slot, hub, "ready-documents", starts, seed)
            for seed in range(4)
        ]
        acknowledged = [a for got in await asyncio.gather(*clients) for a in got]
    assert len(acknowledged) == 3 * len(starts)
    held = check_ledger(served.db, 3, acknowledged)
    assert held == dict.fromkeys(starts, 3)


@dataclass
class Seen:
    """What the clients of the power-cut test were told, across all the hub's lives."""

    booked: Acknowledged = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    # Bookings sent when the hub died: resent, with the same request id, after it restarts.
    unanswered: list[tuple[str, int]] = field(default_factory=list)


async def book_until_cut(
    channel: grpc.aio.Channel,
    starts: list[int],
    seen: Seen,
    *,
    retry: list[tuple[str, int]],
    seed: int,
) -> None:
    """One client: resends what the last cut left unanswered, then books until cut.

    Every third booking it got, it cancels one of them, so that seats keep coming free.
    """
    rng = random.Random(seed)
    todo, mine = list(retry), []
    stub = appointments_pb2_grpc.AppointmentsStub(channel)
    while True:
        request_id, start = todo.pop() if todo else (uuid.uuid4().hex, rng.choice(starts))
        try:
            answer = await stub.Book(
                appointments_pb2.BookRequest(
                    request_id=request_id,
                    service_id="passport",
                    slot_start_unix_ms=start,
                    channel=appointments_pb2.BOOKING_CHANNEL_ONLINE,
                )
            )
            booking = answer.booking
            seen.booked.append((booking.code, booking.slot_start_unix_ms, request_id))
            mine.append(booking.code)
            if len(mine) % 3 == 0:
                code = mine.pop(rng.randrange(len(mine)))
                await stub.Cancel(appointments_pb2.CancelBookingRequest(code=code))
                seen.cancelled.append(code)
        except grpc.aio.AioRpcError as error:
            if refusal_code(error) == "slot_full":
                continue
            seen.unanswered.append((request_id, start))
            return


@pytest.mark.slow
async def test_acknowledged_bookings_survive_repeated_sigkill(tmp_path: Path) -> None:
    config, db = tmp_path / "branch.toml", tmp_path / "hub.db"
    config.write_text(with_appointments(EXAMPLE.read_text(), "passport", 2))
    seen = Seen()
    starts: list[int] = []
    kills, cut = 3, 0
    for round_ in range(kills + 1):
        process, port = await start_hub(config, db)
        channel = await administrator_of(port, db)
        if not starts:
            listed = await appointments_pb2_grpc.AppointmentsStub(channel).ListSlots(
                appointments_pb2.ListSlotsRequest(service_id="passport")
            )
            # Not the next slot: it could begin while the test runs.
            starts = [s.start_unix_ms for s in listed.slots[1:201]]
        retry, seen.unanswered = seen.unanswered, []
        clients = [
            asyncio.create_task(
                book_until_cut(channel, starts, seen, retry=retry[i::4], seed=round_ * 4 + i)
            )
            for i in range(4)
        ]
        await asyncio.sleep(0.3 + 0.1 * round_)
        if round_ == kills:
            process.send_signal(signal.SIGTERM)
        else:
            process.kill()
        await asyncio.gather(*clients)
        await channel.close()
        cut += bool(seen.unanswered) and round_ < kills
        expected = 0 if round_ == kills else -signal.SIGKILL
        assert await asyncio.wait_for(process.wait(), 15) == expected

    assert len(seen.booked) > 100, "the clients got too few bookings to prove anything"
    assert cut == kills, "a power cut fell where no booking was in flight"
    check_ledger(db, 2, seen.booked)
    with sqlite3.connect(db) as database:
        seqs = [s for (s,) in database.execute("SELECT seq FROM events ORDER BY seq")]
        booked_events = database.execute(
            "SELECT count(*) FROM events WHERE kind = 'appointment_booked'"
        ).fetchone()[0]
        rows = database.execute("SELECT count(*) FROM appointments").fetchone()[0]
        states = dict(database.execute("SELECT code, state FROM appointments"))
    assert seqs == list(range(1, len(seqs) + 1)), "the event log has a gap"
    assert booked_events == rows, "a booking without its event, or an event without it"
    assert {states[code] for code in seen.cancelled} <= {"cancelled"}, "a cancel was lost"
    assert len(seen.cancelled) > 30


@pytest.mark.slow
async def test_the_benchmark_measures_without_double_bookings() -> None:
    figures = {
        f.key: f for f in await measure_appointments(EXAMPLE, clients=6, slots=10, paced_per_s=50)
    }
    assert figures["bookings_made"].value == figures["seats"].value == 40
    assert figures["bookings_attempted"].value == 2 * 6 * 10
    assert figures["double_bookings"].value == 0
    assert figures["acknowledged_missing"].value == 0
    assert figures["booking_errors"].value == 0
    assert figures["book_p99"].value > 0
    assert figures["paced_book_p99"].met is not None
