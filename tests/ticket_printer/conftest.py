"""A simulated printer on a real pty (or TCP port) and the real driver talking to it."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from ticket_printer.driver import TicketPrinter
from ticket_printer.layout import Logo, TicketSlip
from ticket_printer.profile import PAPER_80
from ticket_printer.sim import SimulatedPrinter

# Short enough to keep the tests fast, long enough for a loaded CI machine.
STATUS_TIMEOUT_S = 0.3
POLL_INTERVAL_S = 0.02


SLIP = TicketSlip(
    branch_name="МФЦ «Мои документы» — Центральный",
    number="А123",
    service_name="Получение паспорта гражданина РФ",
    issued_at=datetime(2026, 11, 23, 10, 5),
    people_ahead=3,
    wait_minutes=12,
    desk_hint="Окна 1, 2, 5",
    status_url="https://okno.example/t/A123-7KQ2",
    appointment="По записи на 10:20",
)


def make_slip(**changes: Any) -> TicketSlip:
    return dataclasses.replace(SLIP, **changes)


def connect(sim: SimulatedPrinter) -> TicketPrinter:
    """The real driver on the simulator's link, with test-sized timeouts."""
    printer = TicketPrinter.open(sim.url, sim.profile)
    printer.status_timeout_s = STATUS_TIMEOUT_S
    printer.poll_interval_s = POLL_INTERVAL_S
    return printer


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every simulator a test starts is stopped and its thread joined by the end."""
    before = set(threading.enumerate())
    yield
    # grpc.aio starts one poller thread for the whole process on first use, and a signed-in
    # channel's token is added by grpc's own threads (seen here as dummy threads): not leaks.
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before
        and t.is_alive()
        and "_poll_wrapper" not in t.name
        and not isinstance(t, threading._DummyThread)
    ]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def sim() -> Iterator[SimulatedPrinter]:
    with SimulatedPrinter(PAPER_80) as printer:
        yield printer


@pytest.fixture
def printer(sim: SimulatedPrinter) -> Iterator[TicketPrinter]:
    with connect(sim) as driver:
        yield driver


@pytest.fixture(scope="session")
def logo() -> Logo:
    return Logo.load()
