"""``okno printer bench``: bytes per ticket, and how soon a ticket the hub took reaches paper.

The latency is measured end to end on real parts: ``okno hub`` in its own process, the
printer agent (as ``okno printer`` runs it, enrolled and on the device port's mutual TLS)
and the virtual printer on a pty pair. It runs from the start of the IssueTicket call (an
administrator's, signed in over TLS), so it includes the hub's commit, to the first byte
of the ticket (ESC @) arriving at the printer's end of the serial line.
"""

from __future__ import annotations

import asyncio
import signal
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

from hub.bench.devices import free_port
from hub.bench.process import opened_at_nine, signed_in_administrator, start_hub
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import enroll_devices
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2, queue_pb2_grpc
from ticket_printer import codec
from ticket_printer.layout import Logo, TicketSlip, render_ticket
from ticket_printer.profile import PAPER_58, PAPER_80
from ticket_printer.program import PrinterSetup, run_printer
from ticket_printer.sim import SimulatedPrinter

if TYPE_CHECKING:
    from protos.okno.v1.devices_pb2_grpc import ProvisioningAsyncStub

PRINTER = "ticket_printer-BENCH-0000"
BAUD = 115_200
# 8 data bits with a start and a stop bit on the wire.
BITS_PER_BYTE = 10
SLIP = TicketSlip(
    branch_name="МФЦ района Хамовники",
    number="А123",
    service_name="Паспорт гражданина РФ",
    issued_at=datetime(2026, 11, 23, 10, 5),
    people_ahead=12,
    wait_minutes=25,
    desk_hint="Окна: 1, 2, 5",
    status_url="http://okno-hub.local:8080/t/2026-11-23/А123",
    appointment="По записи на 10:20",
)


def ticket_sizes() -> list[Figure]:
    """Bytes of one ticket with the logo from NV memory and sent as a raster."""
    logo = Logo.load()
    figures = []
    for profile in (PAPER_58, PAPER_80):
        stored = len(render_ticket(SLIP, profile, logo, logo_stored=True))
        raster = len(render_ticket(SLIP, profile, logo, logo_stored=False))
        mm = profile.paper_mm
        figures += [
            Figure(f"ticket_bytes_{mm}mm_nv_logo", stored, "bytes", 1024, "<="),
            Figure(f"ticket_ms_at_115200_{mm}mm_nv_logo", _wire_ms(stored), "ms"),
            Figure(f"ticket_bytes_{mm}mm_raster_logo", raster, "bytes"),
            Figure(f"ticket_ms_at_115200_{mm}mm_raster_logo", _wire_ms(raster), "ms"),
        ]
    return figures


async def measure_printer(config: Path, tickets: int) -> list[Figure]:
    latencies = await _accepted_to_wire(config, tickets)
    return [
        *ticket_sizes(),
        Figure("jobs", len(latencies), "tickets"),
        Figure("issue_to_first_byte_p50", percentile(latencies, 50), "ms"),
        Figure("issue_to_first_byte_p99", percentile(latencies, 99), "ms", 100, "<="),
        Figure("issue_to_first_byte_max", max(latencies), "ms"),
    ]


async def _accepted_to_wire(config: Path, tickets: int) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="okno-bench-printer-") as scratch:
        root = Path(scratch)
        options = ("--device-listen", f"127.0.0.1:{free_port()}", *opened_at_nine(config))
        hub, port = await start_hub(config, root / "hub.db", *options)
        address = f"127.0.0.1:{port}"
        socket = admin_socket_for(root / "hub.db")
        stop = asyncio.Event()
        try:
            (state,) = await enroll_devices(
                address, socket, 1, root / "printers", kind="ticket_printer"
            )
            ca_pem = (state / "ca.pem").read_bytes()
            with SimulatedPrinter(PAPER_80) as sim:
                setup = PrinterSetup(f"serial://{sim.path}", state, "BENCH-0000", hub=address)
                agent = asyncio.create_task(run_printer(setup, stop))
                try:
                    channel = await signed_in_administrator(config, socket, address, ca_pem)
                    async with channel:
                        return await _issue_and_time(channel, sim, tickets)
                finally:
                    stop.set()
                    await agent
        finally:
            hub.send_signal(signal.SIGTERM)
            await hub.wait()


async def _issue_and_time(
    channel: grpc.aio.Channel, sim: SimulatedPrinter, tickets: int
) -> list[float]:
    await _until_online(devices_pb2_grpc.ProvisioningStub(channel))
    queue = queue_pb2_grpc.QueueServiceStub(channel)
    latencies = []
    for n in range(tickets):
        before = len(sim.received)
        started = time.monotonic()
        issued = await queue.IssueTicket(
            queue_pb2.IssueTicketRequest(
                service_id="passport", request_id=f"bench-{n}", printer_id=PRINTER
            )
        )
        if issued.print_job.error:
            raise RuntimeError(f"the printer refused the job: {issued.print_job.error}")
        await asyncio.to_thread(sim.wait_for_tickets, n + 1, 10)
        first = sim.received.find(codec.initialise(), before)
        latencies.append((sim.arrived_at(first) - started) * 1000)
    return latencies


async def _until_online(provisioning: ProvisioningAsyncStub) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        listed = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
        if any(
            d.id == PRINTER and d.presence == devices_pb2.PRESENCE_ONLINE for d in listed.devices
        ):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("the printer agent did not come online within 20 s")


def _wire_ms(size: int) -> float:
    return size * BITS_PER_BYTE / BAUD * 1000
