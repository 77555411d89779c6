"""The demo's printer prints what a real one does, the branch's logo included."""

from __future__ import annotations

from pathlib import Path

from hub.doors import Doors
from okno.demo.members import hall_members
from okno.demo.printer import TICKETS, hall_printer
from okno.demo.rpc import Stubs
from protos.okno.v1 import queue_pb2
from tests.hub.conftest import Served
from tests.polling import eventually


async def test_the_demo_printer_prints_the_logo_like_a_real_one(
    served: Served, tmp_path: Path
) -> None:
    doors: Doors = served.doors
    tickets = tmp_path / "out" / TICKETS
    async with (
        hall_printer(served.hub, doors, tmp_path / "out") as printer_id,
        hall_members(doors, [], printer_id, tmp_path / "out") as members,
    ):
        issued = await Stubs.on(members.kiosk).queue.IssueTicket(
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
    (text,) = [p for p in tickets.glob("ticket-*.txt") if issued.ticket.number in p.read_text()]
    assert text.read_text(encoding="utf-8").splitlines()[0].strip() == "[logo LG]"
    assert text.with_suffix(".png").stat().st_size > 0
