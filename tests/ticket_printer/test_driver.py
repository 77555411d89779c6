"""The real driver against the simulated printer over a real pty (and TCP): the faults."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.ticket_printer.conftest import STATUS_TIMEOUT_S, connect, make_slip
from ticket_printer import codec
from ticket_printer.codec import PrinterState
from ticket_printer.driver import TicketPrinter
from ticket_printer.errors import (
    BadStatus,
    CoverOpen,
    LinkLost,
    PaperOut,
    PrinterOffline,
    PrintTimeout,
)
from ticket_printer.layout import Logo, render_ticket
from ticket_printer.profile import PAPER_58, PAPER_80
from ticket_printer.sim import SimulatedPrinter
from ticket_printer.transport import FileTransport

STATUS_REQUESTS = b"".join(codec.status_request(n) for n in codec.STATUS_REQUESTS)


def numbers(sim: SimulatedPrinter) -> list[str]:
    """The ticket numbers printed, in order, read off the text of each ticket."""
    return [
        line.strip()
        for ticket in sim.tickets
        for line in ticket.text.splitlines()
        if re.fullmatch(r"А\d{3}", line.strip())
    ]


def test_a_ready_printer_says_so(printer: TicketPrinter) -> None:
    assert printer.status() == codec.PrinterStatus()
    assert printer.state() is PrinterState.READY


def test_a_ticket_is_printed_once_and_confirmed(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    printer.print_ticket(make_slip(), job_id=1)
    # print_ticket returned only after the process ID answer: the ticket is already cut.
    assert len(sim.tickets) == 1
    # Nothing but status polls (sent while it waits on a loaded machine) after the request.
    polls = b"".join(codec.status_request(n) for n in codec.STATUS_REQUESTS)
    _, request, after = sim.received.partition(codec.process_id_request("0001"))
    assert request
    assert after == polls * (len(after) // len(polls))


def test_near_end_is_reported_and_still_prints(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_paper_near_end()
    assert printer.state() is PrinterState.PAPER_NEAR_END
    printer.print_ticket(make_slip(), job_id=1)
    assert len(sim.tickets) == 1


def test_paper_out_before_a_job_raises_and_sends_nothing_of_it(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_paper_out()
    assert printer.state() is PrinterState.PAPER_OUT
    with pytest.raises(PaperOut, match="job 1 was not printed"):
        printer.print_ticket(make_slip(), job_id=1)
    assert sim.received == STATUS_REQUESTS * 2
    assert sim.tickets == []


def test_paper_running_out_mid_burst_loses_no_ticket_and_prints_none_twice(logo: Logo) -> None:
    with SimulatedPrinter(PAPER_58, paper_tickets=3) as sim, connect(sim) as printer:
        printer.store_logo(logo)
        slips = [make_slip(number=f"А00{i}") for i in range(1, 6)]
        for job_id, slip in enumerate(slips[:3], start=1):
            printer.print_ticket(slip, job_id)
        # The fourth passes the status check, then the roll ends under it.
        with pytest.raises(PaperOut):
            printer.print_ticket(slips[3], 4)
        assert printer.state() is PrinterState.PAPER_OUT
        assert numbers(sim) == ["А001", "А002", "А003"]
        sim.refill()
        for job_id, slip in enumerate(slips[3:], start=4):
            printer.print_ticket(slip, job_id)
        assert numbers(sim) == ["А001", "А002", "А003", "А004", "А005"]


@pytest.mark.parametrize("holds", [False, True], ids=["drops", "holds"])
def test_the_printer_tells_whether_a_stopped_job_came_out_once_it_can(holds: bool) -> None:
    with (
        SimulatedPrinter(PAPER_80, paper_tickets=0, hold_when_out=holds) as sim,
        connect(sim) as printer,
    ):
        with pytest.raises(PaperOut):
            printer.print_ticket(make_slip(), job_id=7)
        with pytest.raises(PaperOut):
            printer.printed_after_all(7)  # still empty: it cannot tell yet
        sim.refill()
        assert printer.printed_after_all(7) is holds
        assert numbers(sim) == (["А123"] if holds else [])


def test_cover_open_raises_and_closing_it_lets_the_job_print(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_cover_open()
    assert printer.state() is PrinterState.COVER_OPEN
    with pytest.raises(CoverOpen, match="close it"):
        printer.print_ticket(make_slip(), job_id=1)
    sim.set_cover_open(False)
    printer.print_ticket(make_slip(), job_id=1)
    assert len(sim.tickets) == 1


def test_cover_opened_during_a_job_is_reported_before_the_deadline(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_stalled()  # the job sits in the printer, unconfirmed

    def open_cover_once_the_job_is_in() -> None:
        sim.wait_for_received(lambda data: data.endswith(codec.process_id_request("0001")))
        sim.set_cover_open()

    opener = threading.Thread(target=open_cover_once_the_job_is_in)
    opener.start()
    started = time.monotonic()
    with pytest.raises(CoverOpen):
        printer.print_ticket(make_slip(), job_id=1, timeout_s=30)
    opener.join()
    assert time.monotonic() - started < 5


def test_an_offline_printer_raises_within_the_status_timeout(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_offline()
    started = time.monotonic()
    with pytest.raises(PrinterOffline, match="no answer"):
        printer.status()
    assert time.monotonic() - started < STATUS_TIMEOUT_S + 0.5
    assert printer.state() is PrinterState.OFFLINE
    with pytest.raises(PrinterOffline):
        printer.print_ticket(make_slip(), job_id=1)
    sim.set_offline(False)
    assert printer.state() is PrinterState.READY


def test_a_stalled_printer_times_out_and_says_it_may_not_be_printed(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.set_stalled()
    with pytest.raises(PrintTimeout, match=r"job 3 was not confirmed within 0\.2 s"):
        printer.print_ticket(make_slip(), job_id=3, timeout_s=0.2)
    assert sim.tickets == []


def test_a_pulled_cable_is_link_lost_and_a_new_link_prints(sim: SimulatedPrinter) -> None:
    printer = connect(sim)
    sim.pull_cable()
    with pytest.raises(LinkLost, match="failed"):
        printer.status()
    printer.close()
    sim.plug_in()  # the pty comes back, maybe under another /dev/pts number
    with connect(sim) as again:
        again.print_ticket(make_slip(), job_id=1)
    assert len(sim.tickets) == 1


def test_a_pulled_network_cable_is_link_lost() -> None:
    with SimulatedPrinter(PAPER_80, link="tcp") as sim:
        printer = connect(sim)
        printer.status()
        sim.pull_cable()
        with pytest.raises(LinkLost):
            printer.print_ticket(make_slip(), job_id=1)
        printer.close()
        sim.plug_in()
        with connect(sim) as again:
            again.print_ticket(make_slip(), job_id=1)
        assert len(sim.tickets) == 1


@pytest.mark.parametrize("garbage", [b"\xff", b"\x00", b"\x37\x99", b"\x12\x12\x12\x12"])
def test_garbage_status_bytes_raise_bad_status_and_the_next_status_is_clean(
    sim: SimulatedPrinter, printer: TicketPrinter, garbage: bytes
) -> None:
    sim.answer_garbage(garbage, requests=(2,))
    with pytest.raises(BadStatus, match="check"):
        printer.status()
    sim.answer_garbage(None)
    assert printer.status() == codec.PrinterStatus()


def test_a_truncated_answer_raises_bad_status(
    sim: SimulatedPrinter, printer: TicketPrinter
) -> None:
    sim.answer_garbage(b"", requests=(2, 4))
    with pytest.raises(BadStatus, match="only 12"):
        printer.status()
    sim.answer_garbage(b"\x37\x22\x30", requests=(4,))
    with pytest.raises(BadStatus, match="37 22 30 and stopped"):
        printer.status()
    sim.answer_garbage(None)
    assert printer.state() is PrinterState.READY


def test_the_logo_is_written_to_nv_memory_once_per_printer(
    sim: SimulatedPrinter, logo: Logo
) -> None:
    define = codec.nv_define("LG", logo.image)
    with connect(sim) as printer:
        assert printer.store_logo(logo)
    with connect(sim) as printer:
        assert not printer.store_logo(logo)  # a restarted agent finds it there
        assert printer.logo_stored
        printer.print_ticket(make_slip(), job_id=1)
    assert sim.received.count(define) == 1
    assert codec.nv_print("LG") in sim.received


def test_a_file_printer_is_always_ready_and_takes_the_job(tmp_path: Path) -> None:
    out = tmp_path / "out.bin"
    with TicketPrinter(FileTransport(out), PAPER_58) as printer:
        assert printer.state() is PrinterState.READY
        assert not printer.store_logo(Logo.load())
        printer.print_ticket(make_slip(), job_id=5)
    expected = render_ticket(make_slip(), PAPER_58, Logo.load())
    assert out.read_bytes() == expected + codec.process_id_request("0005")


def test_a_refused_connection_is_link_lost() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LinkLost, match="cannot connect"):
        TicketPrinter.open(f"tcp://127.0.0.1:{port}")
