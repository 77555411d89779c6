"""The demo's printer prints what a real one does, the branch's logo included."""

from __future__ import annotations

from pathlib import Path

import grpc

from hub.api.server import create_server
from hub.service import Hub
from okno.demo.printer import TICKETS, hall_printer
from protos.okno.v1 import queue_pb2, queue_pb2_grpc
from tests.hub.conftest import MONDAY_10_00
from tests.polling import eventually

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "branch.toml"


async def test_the_demo_printer_prints_the_logo_like_a_real_one(tmp_path: Path) -> None:
    hub = Hub(EXAMPLE, tmp_path / "hub.db", clock=lambda: MONDAY_10_00)
    await hub.start()
    server, port = await create_server(hub, "127.0.0.1:0")
    await server.start()
    address = f"127.0.0.1:{port}"
    tickets = tmp_path / "out" / TICKETS
    try:
        async with (
            hall_printer(hub, address, tmp_path / "out") as printer_id,
            grpc.aio.insecure_channel(address) as channel,
        ):
            issued = await queue_pb2_grpc.QueueServiceStub(channel).IssueTicket(
                queue_pb2.IssueTicketRequest(
                    request_id="demo-logo", service_id="passport", printer_id=printer_id
                )
            )

            async def printed() -> bool:
                return any(
                    issued.ticket.number in p.read_text(encoding="utf-8")
                    for p in tickets.glob("ticket-*.txt")
                )

            await eventually(printed, timeout_s=10)
    finally:
        await server.stop(1)
        await hub.stop()
    (text,) = [p for p in tickets.glob("ticket-*.txt") if issued.ticket.number in p.read_text()]
    assert text.read_text(encoding="utf-8").splitlines()[0].strip() == "[logo LG]"
    assert text.with_suffix(".png").stat().st_size > 0
