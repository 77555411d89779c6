"""Tickets reach the hall's printers once each, and only printers that can print get them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import grpc
import pytest
from google.protobuf import json_format

from okno.runtime.commands import CommandJournal
from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession
from protos.okno.v1 import (
    common_pb2,
    devices_pb2,
    devices_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
)
from tests.hub.conftest import Served
from tests.hub.devices import device_port, enrolled
from tests.polling import eventually

PRINTER = "ticket_printer-P-1"


class Printer:
    """A printer's session that records its jobs and prints when ``paper`` is set."""

    def __init__(self) -> None:
        self.jobs: list[printing_pb2.TicketSlip] = []
        # Slips of text lines (a checklist, a receipt).
        self.slips: list[printing_pb2.TextSlip] = []
        self.paper = asyncio.Event()
        self.paper.set()

    async def handle(self, command: devices_pb2.Command) -> str:
        if command.kind == "print_slip":
            self.slips.append(json_format.Parse(command.payload_json, printing_pb2.TextSlip()))
        else:
            self.jobs.append(json_format.Parse(command.payload_json, printing_pb2.TicketSlip()))
        await self.paper.wait()
        return ""


@asynccontextmanager
async def printer_online(
    served: Served, tmp_path: Path
) -> AsyncIterator[tuple[Printer, HubSession]]:
    credentials = await enrolled(
        served, DeviceKey.load_or_create(tmp_path / "printer"), "ticket_printer", "P-1"
    )
    printer = Printer()
    async with device_port(served) as address:
        session = HubSession(
            address,
            credentials,
            heartbeat_s=0.05,
            journal=CommandJournal(tmp_path / "printer" / "commands"),
            on_command=printer.handle,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        try:
            yield printer, session
        finally:
            stop.set()
            await asyncio.wait_for(running, 5)


async def issue(
    served: Served, request_id: str, printer: str = PRINTER, *, large: bool = False
) -> queue_pb2.IssueTicketResponse:
    return await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(
            service_id="passport", request_id=request_id, printer_id=printer, large_print=large
        )
    )


async def test_a_ticket_is_printed_once_with_what_the_visitor_needs(
    served: Served, tmp_path: Path
) -> None:
    printing = printing_pb2_grpc.PrintingStub(served.channel)
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    async with printer_online(served, tmp_path) as (printer, _):
        await issue(served, "first", large=True)
        issued = await issue(served, "second")
        again = await issue(served, "second")  # the kiosk retried: same ticket, same job
        assert issued.print_job.state == common_pb2.PRINT_JOB_STATE_QUEUED
        assert again.print_job.job_id == issued.print_job.job_id

        async def printed() -> bool:
            job = await printing.GetPrintJob(
                printing_pb2.GetPrintJobRequest(job_id=issued.print_job.job_id)
            )
            return job.state == common_pb2.PRINT_JOB_STATE_PRINTED

        await eventually(printed)
        assert [j.number for j in printer.jobs] == ["А001", "А002"]
        slip = printer.jobs[1]
        assert slip.service_name == served.hub.loaded.branch.services[0].name_ru
        assert slip.people_ahead == 1
        assert slip.wait_known
        assert slip.wait_minutes > 0
        assert slip.desk_numbers
        assert slip.status_url.endswith(f"/t/{quote(issued.ticket.id)}")
        assert slip.timezone == "Europe/Moscow"
        assert not slip.copy
        # The first visitor was guided by the kiosk's voice: large type.
        assert [j.large for j in printer.jobs] == [True, False]


async def test_a_printer_out_of_paper_gets_no_promise_but_the_ticket_is_issued(
    served: Served, tmp_path: Path
) -> None:
    async with printer_online(served, tmp_path) as (printer, session):
        session.report("paper out")

        async def refused() -> bool:
            issued = await issue(
                served, f"try-{len(printer.jobs)}-{asyncio.get_running_loop().time()}"
            )
            return issued.print_job.state == common_pb2.PRINT_JOB_STATE_FAILED

        await eventually(refused, timeout_s=2)
        issued = await issue(served, "after")
        assert issued.print_job.error == "paper out"
        assert issued.ticket.number
        assert printer.jobs == []
        printing = printing_pb2_grpc.PrintingStub(served.channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await printing.ReprintTicket(
                printing_pb2.ReprintTicketRequest(
                    ticket_id=issued.ticket.id, printer_id=PRINTER, request_id="r1"
                )
            )
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "paper out" in (caught.value.details() or "")


@pytest.mark.parametrize(
    ("printer", "reason"),
    [("ticket_printer-P-1", "printer offline"), ("ticket_printer-NONE", "no printer")],
)
async def test_an_offline_or_unknown_printer_gets_no_job(
    served: Served, tmp_path: Path, printer: str, reason: str
) -> None:
    await enrolled(served, DeviceKey.load_or_create(tmp_path / "printer"), "ticket_printer", "P-1")
    issued = await issue(served, "r", printer)
    assert issued.print_job.state == common_pb2.PRINT_JOB_STATE_FAILED
    assert reason in issued.print_job.error
    assert issued.ticket.number == "А001"


async def test_a_reprint_is_a_copy_made_once_per_request(served: Served, tmp_path: Path) -> None:
    printing = printing_pb2_grpc.PrintingStub(served.channel)
    async with printer_online(served, tmp_path) as (printer, _):
        issued = await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        request = printing_pb2.ReprintTicketRequest(
            ticket_id=issued.ticket.id, printer_id=PRINTER, request_id="lost-it"
        )
        first = await printing.ReprintTicket(request)
        second = await printing.ReprintTicket(request)
        assert first.job_id == second.job_id

        async def printed() -> bool:
            return len(printer.jobs) == 1

        await eventually(printed)
        assert printer.jobs[0].copy
        assert printer.jobs[0].number == issued.ticket.number
        assert not printer.jobs[0].wait_known


async def test_paper_near_end_is_shown_and_the_printer_still_gets_jobs(
    served: Served, tmp_path: Path
) -> None:
    provisioning = devices_pb2_grpc.ProvisioningStub(served.channel)
    async with printer_online(served, tmp_path) as (printer, session):
        session.report("", warning="paper near end")
        assert printer.jobs == []

        async def warned() -> bool:
            listed = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
            return any(d.warning == "paper near end" for d in listed.devices)

        await eventually(warned, timeout_s=2)
        issued = await issue(served, "near-end")
        assert issued.print_job.state == common_pb2.PRINT_JOB_STATE_QUEUED

        async def printed() -> bool:
            return [j.number for j in printer.jobs] == [issued.ticket.number]

        await eventually(printed)


async def test_a_kiosk_learns_the_printer_state_before_anyone_taps(
    served: Served, tmp_path: Path
) -> None:
    printing = printing_pb2_grpc.PrintingStub(served.channel)
    request = printing_pb2.GetPrinterStateRequest(printer_id=PRINTER)
    async with printer_online(served, tmp_path) as (printer, session):
        assert await printing.GetPrinterState(request) == printing_pb2.PrinterState(ready=True)
        session.report("", warning="paper near end")

        async def near_end() -> bool:
            return (await printing.GetPrinterState(request)).reason == "paper near end"

        await eventually(near_end, timeout_s=2)
        session.report("paper out")

        async def out() -> bool:
            state = await printing.GetPrinterState(request)
            return not state.ready and state.reason == "paper out"

        await eventually(out, timeout_s=2)
        assert printer.jobs == []
    unknown = printing_pb2.GetPrinterStateRequest(printer_id="ticket_printer-NONE")
    assert (await printing.GetPrinterState(unknown)).reason == "no printer ticket_printer-NONE"
