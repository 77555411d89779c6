"""``okno printer``: the ticket printer's device program, from pairing code to print jobs.

An unenrolled printer prints its pairing code (it has no screen), then waits for the
technician; an enrolled one goes straight to its session. Jobs and the commands it has
run are kept in its state folder, so a restart neither loses nor repeats a ticket.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from okno.runtime.commands import CommandJournal
from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.program import membership
from okno.runtime.session import HubSession
from ticket_printer.agent import PrinterAgent
from ticket_printer.driver import TicketPrinter
from ticket_printer.errors import PrinterError
from ticket_printer.jobs import JobQueue
from ticket_printer.layout import Logo
from ticket_printer.settings import PrinterSettings

log = logging.getLogger(__name__)
PAIRING_JOB_ID = 9000


@dataclass(frozen=True)
class PrinterSetup:
    """Where the printer is and who it is; ``hub`` empty finds the hub by zeroconf."""

    url: str
    state: Path
    serial: str
    model: str = "ESC/POS"
    hub: str = ""
    interfaces: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    settings: PrinterSettings = field(default_factory=PrinterSettings)
    logo: Logo | None = None
    heartbeat_s: float = 3.0


def opener(setup: PrinterSetup) -> Callable[[], TicketPrinter]:
    """Open the link; the agent then gives the printer its settings and logo."""

    def open_printer() -> TicketPrinter:
        return TicketPrinter.open(setup.url, setup.settings.profile)

    return open_printer


async def run_printer(setup: PrinterSetup, stop: asyncio.Event) -> None:
    """Enroll if needed, then print the hub's jobs until ``stop``."""
    open_printer = opener(setup)
    pairing: list[threading.Thread] = []

    def show_code(code: str) -> None:
        log.info("printing the pairing code")
        thread = threading.Thread(
            target=_print_code, args=(open_printer, code), name="okno-pairing", daemon=True
        )
        thread.start()
        pairing.append(thread)

    key, member = await membership(
        Description("ticket_printer", setup.model, setup.serial),
        setup.state,
        hub=setup.hub,
        interfaces=setup.interfaces,
        show_code=show_code,
    )
    for thread in pairing:
        await asyncio.to_thread(thread.join)
    session: HubSession | None = None

    def report(error: str, warning: str) -> None:
        if session is not None:
            session.report(error, warning)

    agent = PrinterAgent(
        open_printer,
        JobQueue(setup.state / "jobs"),
        report,
        settings=setup.settings,
        logo=setup.logo,
    )
    session = HubSession(
        member.session_address,
        member.credentials(key),
        heartbeat_s=setup.heartbeat_s,
        journal=CommandJournal(setup.state / "commands"),
        on_command=agent.handle,
        on_config=agent.configure,
    )
    printing = asyncio.create_task(agent.run(stop))
    try:
        await session.run(stop)
    finally:
        stop.set()
        await printing
    if session.refused:
        raise EnrollmentRefused(session.refused)


def _print_code(open_printer: Callable[[], TicketPrinter], code: str) -> None:
    try:
        with open_printer() as printer:
            printer.print_pairing_code(code, PAIRING_JOB_ID)
    except PrinterError as error:
        log.warning("pairing code not printed reason=%s", error)
