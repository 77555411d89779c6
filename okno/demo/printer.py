"""The demo hall's ticket printer: the virtual printer on a pty, driven by the real agent.

The printer joins the branch the way a technician would admit it, holds its mutual-TLS
session, and prints every ticket the kiosk issues; the virtual printer keeps each ticket
as a PNG and a text file, so a person can look at what visitors got.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from hub.api.printing import Printers
from hub.doors import Doors
from hub.service import Hub
from okno.provision import enroll_devices
from protos.okno.v1 import common_pb2, printing_pb2
from ticket_printer.layout import Logo
from ticket_printer.program import PrinterSetup, run_printer
from ticket_printer.sim import SimulatedPrinter

if TYPE_CHECKING:
    from protos.okno.v1.printing_pb2_grpc import PrintingAsyncStub

log = logging.getLogger(__name__)
TICKETS = "tickets"
PRINTER_STATE = "printer"
SERIALS = "DEMO"
SERIAL = f"{SERIALS}-0000"
PRINTER_ID = f"ticket_printer-{SERIAL}"
ONLINE_S = 10.0
# How long a visitor waits at the kiosk for a slip (real seconds) before giving it up.
HAND_OVER_S = 5.0


@contextlib.asynccontextmanager
async def hall_printer(hub: Hub, doors: Doors, out: Path) -> AsyncIterator[str]:
    """A printer admitted through ``doors`` and online for the demo; yields its device id."""
    stop = asyncio.Event()
    (state,) = await enroll_devices(
        doors.address, doors.socket, 1, out / PRINTER_STATE, kind="ticket_printer", serials=SERIALS
    )
    with SimulatedPrinter(out_dir=out / TICKETS) as paper:
        # The branch's logo, as on a real printer (okno printer loads the same one).
        setup = PrinterSetup(
            f"serial://{paper.path}", state, SERIAL, hub=doors.address, logo=Logo.load()
        )
        agent = asyncio.create_task(run_printer(setup, stop), name="printer")
        try:
            await _online(hub)
            log.info("demo printer online tickets=%s", out / TICKETS)
            yield PRINTER_ID
        finally:
            stop.set()
            await agent


async def _online(hub: Hub) -> None:
    """Wait until the printer's session is up, so the first visitors get paper too."""
    printers = Printers(hub.fleet)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ONLINE_S
    while printers.unready(PRINTER_ID):
        if loop.time() > deadline:
            raise TimeoutError(f"the demo printer did not come online in {ONLINE_S:g} s")
        await asyncio.sleep(0.05)


async def handed_over(printing: PrintingAsyncStub, job: common_pb2.PrintJob, slip: str) -> bool:
    """Whether the slip came out: the kiosk waits, as before "take your receipt", until the
    printer is done with ``job``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HAND_OVER_S
    request = printing_pb2.GetPrintJobRequest(job_id=job.job_id)
    while job.state == common_pb2.PRINT_JOB_STATE_QUEUED and loop.time() < deadline:
        await asyncio.sleep(0.05)
        job = await printing.GetPrintJob(request)
    if job.state != common_pb2.PRINT_JOB_STATE_PRINTED:
        log.warning("slip not printed slip=%s job=%d state=%s", slip, job.job_id, job.state)
        return False
    return True
