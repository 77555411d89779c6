"""A hall's enrolled devices at work in the restore drill, and what the hub told them.

Kiosks issue and book, desk units call, a payment terminal takes state fees: each a device
enrolled as a technician would (hub.bench.callers), on its own mutual-TLS channel. What
the hub acknowledged to them is kept, so that after a restore the drill can check that
every one of those tickets, bookings and payments is still there.
"""

from __future__ import annotations

import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

from hub.bench.callers import SERIALS, desk_units, enrolled
from hub.bench.load import Latencies, call_load, issue, stub
from okno.provision import member_channel
from protos.okno.v1 import appointments_pb2, appointments_pb2_grpc, payments_pb2
from protos.okno.v1 import payments_pb2_grpc as payments_grpc

# examples/branch.toml: the state duty, 500 ₽, paid at a terminal.
FEE_SERVICE = "state-duty"
FEE_KOPECKS = 50_000


@dataclass
class Acknowledged:
    """What the hub acknowledged to the devices: ticket ids (a number given twice shows
    as an id twice), bookings' "slot_ms/booked_at_ms" by code, settled payments' receipts."""

    tickets: list[str] = field(default_factory=list)
    bookings: dict[str, str] = field(default_factory=dict)
    payments: dict[int, str] = field(default_factory=dict)

    def took(self, load: Latencies) -> None:
        self.tickets += load.ids


@dataclass(frozen=True, slots=True)
class Hall:
    """The state folders of the enrolled devices (their keys and certificates)."""

    kiosks: list[Path]
    units: dict[str, Path]
    terminal: Path

    @property
    def terminal_id(self) -> str:
        return f"payment_terminal-{SERIALS}-{self.terminal.name}"


async def enroll(address: str, socket: Path, root: Path, kiosks: int, desks: list[str]) -> Hall:
    """Kiosks, a desk unit for each of ``desks`` and a payment terminal, all admitted."""
    return Hall(
        await enrolled(address, socket, "kiosk", kiosks, root),
        await desk_units(address, socket, desks, root),
        (await enrolled(address, socket, "payment_terminal", 1, root))[0],
    )


async def tickets(hall: Hall, services: list[str], count: int, seen: Acknowledged) -> None:
    """``count`` tickets, from the kiosks in turn."""
    async with AsyncExitStack() as stack:
        queues = [
            stub(await stack.enter_async_context(member_channel(k))) for k in hall.kiosks[:count]
        ]
        for n in range(count):
            issued = await issue(queues[n % len(queues)], services[n % len(services)])
            seen.tickets.append(issued.ticket.id)


async def serve(hall: Hall, calls_per_desk: int) -> int:
    """Every desk unit calls, starts and finishes visitors; how many it called."""
    return len((await call_load(hall.units, calls_per_desk)).ids)


async def book(hall: Hall, service_id: str, count: int, seen: Acknowledged) -> None:
    """``count`` bookings of the first free slots of ``service_id``, from the first kiosk."""
    async with member_channel(hall.kiosks[0]) as channel:
        stub_ = appointments_pb2_grpc.AppointmentsStub(channel)
        listed = await stub_.ListSlots(
            appointments_pb2.ListSlotsRequest(service_id=service_id, only_free=True)
        )
        # The slot now running may close while booking: start from the next.
        for slot in listed.slots[1 : count + 1]:
            answer = await stub_.Book(
                appointments_pb2.BookRequest(
                    request_id=uuid.uuid4().hex,
                    service_id=service_id,
                    slot_start_unix_ms=slot.start_unix_ms,
                    channel=appointments_pb2.BOOKING_CHANNEL_KIOSK,
                )
            )
            booking = answer.booking
            seen.bookings[booking.code] = (
                f"{booking.slot_start_unix_ms}/{booking.booked_at_unix_ms}"
            )


async def pay(hall: Hall, count: int, seen: Acknowledged) -> None:
    """``count`` state fees taken and approved at the terminal."""
    async with member_channel(hall.terminal) as channel:
        terminal = payments_grpc.PaymentsStub(channel)
        for _ in range(count):
            begun = await terminal.Begin(
                payments_pb2.BeginPaymentRequest(
                    idempotency_key=uuid.uuid4().hex,
                    service_id=FEE_SERVICE,
                    amount_kopecks=FEE_KOPECKS,
                    terminal_id=hall.terminal_id,
                )
            )
            receipt = uuid.uuid4().hex[:12]
            await terminal.Settle(
                payments_pb2.SettlePaymentRequest(
                    payment_id=begun.payment_id,
                    state=payments_pb2.PAYMENT_STATE_APPROVED,
                    terminal_serial="SIM0001",
                    terminal_trace=receipt,
                    terminal_receipt=receipt,
                )
            )
            seen.payments[begun.payment_id] = receipt
