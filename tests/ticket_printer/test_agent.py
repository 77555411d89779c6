"""The printer agent against a real hub on loopback (or alone) and the virtual printer on a
real pty."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format

from protos.okno.v1 import (
    common_pb2,
    devices_pb2,
    devices_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
)
from tests.hub.conftest import Served
from tests.polling import eventually
from tests.ticket_printer.conftest import connect
from ticket_printer import codec
from ticket_printer.agent import PrinterAgent
from ticket_printer.jobs import JobQueue, JobState
from ticket_printer.layout import Logo
from ticket_printer.profile import PAPER_80, PrinterProfile, printable
from ticket_printer.program import PrinterSetup, run_printer
from ticket_printer.settings import PrinterSettings
from ticket_printer.sim import SimulatedPrinter

PRINTER = "ticket_printer-P-1"
# okno printer always announces itself: a serial no other test process on this host uses,
# or a second zeroconf responder for the same name stops the agent (NonUniqueNameException).
OWN_SERIAL = f"P-{os.getpid()}"
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@dataclass
class Hall:
    served: Served
    sim: SimulatedPrinter
    link: Path
    printer: str = PRINTER

    def replug(self) -> None:
        """Plug the cable back in; the stable name follows (as udev's symlink would)."""
        self.sim.plug_in()
        self.link.unlink()
        self.link.symlink_to(self.sim.path)

    async def issue(self, request_id: str) -> queue_pb2.IssueTicketResponse:
        return await self.served.queue.IssueTicket(
            queue_pb2.IssueTicketRequest(
                service_id="passport", request_id=request_id, printer_id=self.printer
            )
        )

    async def device(self) -> devices_pb2.DeviceInfo:
        listed = await devices_pb2_grpc.ProvisioningStub(self.served.local).ListDevices(
            devices_pb2.ListDevicesRequest()
        )
        (found,) = [d for d in listed.devices if d.id == self.printer]
        return found

    async def printed(self, *issued: queue_pb2.IssueTicketResponse) -> None:
        """Wait until the hub says these tickets' print jobs were printed."""
        printing = printing_pb2_grpc.PrintingStub(self.served.channel)

        async def all_printed() -> bool:
            for response in issued:
                job = await printing.GetPrintJob(
                    printing_pb2.GetPrintJobRequest(job_id=response.print_job.job_id)
                )
                if job.state != common_pb2.PRINT_JOB_STATE_PRINTED:
                    return False
            return True

        await eventually(all_printed, timeout_s=10)

    def printed_numbers(self, copies: bool = False) -> list[str]:
        """Ticket numbers on the paper: originals, or (``copies``) the marked copies."""
        numbers = []
        for ticket in self.sim.tickets:
            found = re.search(r"\b(А\d{3})\b", ticket.text)
            if found and ("КОПИЯ" in ticket.text) == copies:
                numbers.append(found.group(1))
        return numbers


def setup_for(
    link: Path, state: Path, hub: str, settings: PrinterSettings | None = None
) -> PrinterSetup:
    return PrinterSetup(
        f"serial://{link}",
        state,
        "P-1",
        hub=hub,
        # Not announced: other test processes on this host enroll a "P-1" too.
        interfaces=[],
        heartbeat_s=0.2,
        settings=settings or PrinterSettings(),
        logo=Logo.load(),
    )


@asynccontextmanager
async def admitted_printer(
    served: Served,
    tmp_path: Path,
    *,
    hold_when_out: bool = False,
    model: PrinterProfile = PAPER_80,
    settings: PrinterSettings | None = None,
) -> AsyncIterator[Hall]:
    """A printer agent that prints its pairing code, is approved with it, and runs.

    ``model`` is what the (virtual) printer can do, ``settings`` the agent's command line.
    """
    with SimulatedPrinter(model, hold_when_out=hold_when_out) as sim:
        link = tmp_path / "printer.tty"
        link.symlink_to(sim.path)
        stop = asyncio.Event()
        setup = setup_for(link, tmp_path / "printer", served.address, settings)
        running = asyncio.create_task(run_printer(setup, stop))
        (paper,) = await asyncio.to_thread(sim.wait_for_tickets, 1, 10)
        if setup.settings.profile.has_cp866 == model.has_cp866:
            assert printable("Код подключения", model) in paper.text
        code = CODE.search(paper.text)
        assert code is not None, paper.text
        await devices_pb2_grpc.ProvisioningStub(served.local).ApproveDevice(
            devices_pb2.ApproveDeviceRequest(
                pairing_code=code.group(0), name="Принтер у входа", zone="hall"
            )
        )
        hall = Hall(served, sim, link)

        async def online() -> bool:
            return (await hall.device()).presence == devices_pb2.PRESENCE_ONLINE

        await eventually(online, timeout_s=10)
        try:
            yield hall
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)


@pytest.mark.parametrize("hold_when_out", [False, True], ids=["drops", "holds"])
async def test_paper_running_out_mid_burst_loses_and_doubles_nothing(
    served: Served, tmp_path: Path, hold_when_out: bool
) -> None:
    """Whether the printer drops what it got while empty or prints it after the refill."""
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    async with admitted_printer(served, tmp_path, hold_when_out=hold_when_out) as hall:
        hall.sim.refill(paper_tickets=3)
        burst = await asyncio.gather(*(hall.issue(f"burst-{n}") for n in range(6)))
        assert all(r.print_job.state == common_pb2.PRINT_JOB_STATE_QUEUED for r in burst)
        await asyncio.to_thread(hall.sim.wait_for_tickets, 1 + 3, 10)
        ran_out = asyncio.get_running_loop().time()

        async def paper_out_shown() -> bool:
            return (await hall.device()).error == "paper out"

        await eventually(paper_out_shown, timeout_s=2)
        assert asyncio.get_running_loop().time() - ran_out < 2
        refused = await hall.issue("while-empty")
        assert refused.print_job.state == common_pb2.PRINT_JOB_STATE_FAILED
        assert refused.print_job.error == "paper out"

        hall.sim.refill()
        await hall.printed(*burst)
        assert sorted(hall.printed_numbers()) == sorted(r.ticket.number for r in burst)
        assert hall.printed_numbers(copies=True) == []
        assert (await hall.device()).error == ""


@asynccontextmanager
async def lone_agent(
    sim: SimulatedPrinter, jobs: JobQueue
) -> AsyncIterator[tuple[PrinterAgent, asyncio.Queue[str]]]:
    """An agent on ``sim`` without a hub: the errors it would report arrive on the queue."""
    errors: asyncio.Queue[str] = asyncio.Queue()
    agent = PrinterAgent(
        lambda: connect(sim),
        jobs,
        lambda error, _: errors.put_nowait(error),
        settings=PrinterSettings(logo="none"),
        poll_s=0.05,
        retry_s=0.05,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(agent.run(stop))
    try:
        yield agent, errors
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)


def ticket_command(job_id: int, number: str) -> devices_pb2.Command:
    slip = printing_pb2.TicketSlip(number=number, service_name="Паспорт", timezone="UTC")
    return devices_pb2.Command(
        id=job_id, kind="print", payload_json=json_format.MessageToJson(slip, indent=None)
    )


async def reported(errors: asyncio.Queue[str], error: str) -> None:
    while await asyncio.wait_for(errors.get(), 10) != error:
        pass


async def test_a_job_the_printer_still_holds_is_not_sent_again(tmp_path: Path) -> None:
    """The roll ends under a ticket and the printer, refilled, is slow to start again: it
    still holds the ticket, so sending it again would print it twice."""
    with SimulatedPrinter(hold_when_out=True, paper_tickets=0) as sim:
        async with lone_agent(sim, JobQueue(tmp_path / "jobs")) as (agent, errors):
            printing = asyncio.create_task(agent.handle(ticket_command(4, "А004")))
            await reported(errors, "paper out")
            sim.set_stalled()
            sim.refill()
            # Whatever the agent sends after the ticket (the ticket again, or a question)
            # is held behind it until the mechanism moves.
            asked = codec.process_id_request("0000")[:-4]
            await asyncio.to_thread(sim.wait_for_received, lambda data: data.count(asked) > 1, 30)
            sim.set_stalled(False)
            assert await asyncio.wait_for(printing, 30) == ""
    assert [ticket.text.count("А004") for ticket in sim.tickets] == [1]
    assert "КОПИЯ" not in sim.tickets[0].text
    assert sim.received.count(codec.process_id_request("0004")) == 1


async def test_a_copy_stopped_by_the_empty_roll_goes_out_again_as_a_copy(tmp_path: Path) -> None:
    """Left "sending" by a crash, a ticket goes out as a copy; dropped by a printer that ran
    out under it, it is sent again after the refill, still a copy."""
    jobs = JobQueue(tmp_path / "jobs")
    command = ticket_command(4, "А004")
    jobs.mark(jobs.add(command.id, command.payload_json), JobState.SENDING)
    with SimulatedPrinter(paper_tickets=0) as sim:
        async with lone_agent(sim, jobs) as (agent, errors):
            printing = asyncio.create_task(agent.handle(command))
            await reported(errors, "paper out")
            sim.refill()
            assert await asyncio.wait_for(printing, 30) == ""
    (ticket,) = sim.tickets
    assert "КОПИЯ" in ticket.text


async def test_a_pulled_cable_is_shown_and_queued_tickets_print_once_it_is_back(
    served: Served, tmp_path: Path
) -> None:
    async with admitted_printer(served, tmp_path) as hall:
        first = await hall.issue("before")
        await asyncio.to_thread(hall.sim.wait_for_tickets, 2, 10)
        hall.sim.pull_cable()

        async def disconnected() -> bool:
            return (await hall.device()).error == "printer disconnected"

        await eventually(disconnected, timeout_s=3)
        assert (await hall.issue("unplugged")).print_job.error == "printer disconnected"
        hall.replug()

        async def back() -> bool:
            return (await hall.device()).error == ""

        await eventually(back, timeout_s=5)
        after = await hall.issue("after")
        await hall.printed(after)
        # Pulled right after it printed, the first ticket may come out again: as a copy.
        assert hall.printed_numbers().count(first.ticket.number) == 1
        assert hall.printed_numbers(copies=True) in ([], [first.ticket.number])
        assert after.ticket.number in hall.printed_numbers()


async def test_a_bad_setting_is_refused_and_a_good_one_applies(
    served: Served, tmp_path: Path
) -> None:
    async with admitted_printer(served, tmp_path):
        provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await provisioning.ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(
                    device_id=PRINTER, settings={"paper_width": "75"}
                )
            )
        assert "paper_width=75: one of 58, 80" in (refused.value.details() or "")
        taken = await provisioning.ConfigureDevice(
            devices_pb2.ConfigureDeviceRequest(device_id=PRINTER, settings={"paper_width": "58"})
        )
        assert dict(taken.config) == {"paper_width": "58"}

        async def applied() -> bool:
            return _last_outcome(served) == "done"

        await eventually(applied)


def _last_outcome(served: Served) -> str:
    with sqlite3.connect(served.db) as database:
        row = database.execute(
            "SELECT outcome FROM device_commands ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0]) if row else ""


async def start_agent(hall: Hall, state: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "printer", "--device", f"serial://{hall.link}"),
        *("--serial", OWN_SERIAL, "--state", str(state), "--hub", hall.served.address),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_the_agent_killed_mid_queue_prints_every_ticket_once_after_restart(
    served: Served, tmp_path: Path
) -> None:
    """kill -9 while a burst prints: after a restart each ticket is on paper, none twice.

    A ticket that was on its way when the power went may come out again, marked КОПИЯ.
    """
    with SimulatedPrinter() as sim:
        link = tmp_path / "printer.tty"
        link.symlink_to(sim.path)
        hall = Hall(served, sim, link, f"ticket_printer-{OWN_SERIAL}")
        agent = await start_agent(hall, tmp_path / "printer")
        try:
            (paper,) = await asyncio.to_thread(sim.wait_for_tickets, 1, 20)
            code = CODE.search(paper.text)
            assert code is not None, paper.text
            await devices_pb2_grpc.ProvisioningStub(served.local).ApproveDevice(
                devices_pb2.ApproveDeviceRequest(pairing_code=code.group(0), name="Принтер")
            )

            async def online() -> bool:
                return (await hall.device()).presence == devices_pb2.PRESENCE_ONLINE

            await eventually(online, timeout_s=15)
            burst = [await hall.issue(f"burst-{n}") for n in range(8)]
            assert all(r.print_job.state == common_pb2.PRINT_JOB_STATE_QUEUED for r in burst)
            await asyncio.to_thread(sim.wait_for_tickets, 1 + 3, 10)
            agent.kill()
            await agent.wait()
            assert len(sim.tickets) < 1 + len(burst), "killed with tickets still to print"
            agent = await start_agent(hall, tmp_path / "printer")
            await hall.printed(*burst)
        finally:
            agent.kill()
            await agent.wait()
        numbers = [r.ticket.number for r in burst]
        originals = hall.printed_numbers()
        copies = hall.printed_numbers(copies=True)
        assert sorted(originals) == sorted(set(originals)), "no ticket printed twice"
        assert set(originals) | set(copies) == set(numbers), "every ticket on paper"
        assert len(copies) <= 1
