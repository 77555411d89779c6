"""Printers that lack Cyrillic, QR firmware or NV memory print what their settings say.

The virtual printer is as strict as such a model: it keeps PC437 when asked for CP866 and
prints nothing for GS ( k or GS ( L it has no firmware for. QR codes on paper are read
back by zbar (``zbarimg``, Debian's zbar-tools), an independent decoder.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from okno.links import ticket_url
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2
from tests.hub.conftest import Served
from tests.kiosk.scenes import catalogue, scene
from tests.polling import eventually
from tests.ticket_printer.conftest import connect, make_slip
from tests.ticket_printer.test_agent import PRINTER, admitted_printer
from ticket_printer import commands as cmd
from ticket_printer.errors import BadSettings
from ticket_printer.interpreter import Interpreter
from ticket_printer.layout import render_ticket
from ticket_printer.profile import BASIC_58, PAPER_80, PrinterProfile
from ticket_printer.render import RenderedTicket
from ticket_printer.settings import PrinterSettings
from ticket_printer.sim import SimulatedPrinter

# A printer without Cyrillic, QR firmware or NV memory, as a technician describes it.
BASIC = {"paper_width": "58", "code_page": "ascii", "qr": "raster", "logo": "raster"}


def read_qr(image: Image.Image, tmp_path: Path) -> bytes:
    """The bytes of the one QR code in ``image`` as zbar reads them (no charset guessing)."""
    png = tmp_path / "qr.png"
    image.save(png)
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", str(png)],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return read.stdout


def lines(ticket: RenderedTicket) -> list[str]:
    return [line.strip() for line in ticket.text.splitlines()]


def test_the_virtual_printer_without_cyrillic_qr_or_nv_prints_none_of_them() -> None:
    with SimulatedPrinter(BASIC_58) as sim:
        with connect(sim) as printer:
            printer.print_job(render_ticket(make_slip(), PAPER_80), 1)
        (ticket,) = sim.wait_for_tickets(1)
    assert "Перед вами: 3" not in ticket.text
    assert ticket.qr_payloads == []


def test_a_number_is_fitted_after_transliteration() -> None:
    with SimulatedPrinter(BASIC_58) as sim:
        with connect(sim) as printer:
            printer.print_ticket(make_slip(number="Ж001"), 1)
        (ticket,) = sim.wait_for_tickets(1)
    # 58 mm holds 32 characters: "Zh001" at 6x on one line, not "Zh00" and "1" at 8x.
    assert "Zh001" in lines(ticket)
    assert "Pered vami: 3" in lines(ticket)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"code_page": "cp1251"}, "code_page is cp866 or ascii, not 'cp1251'"),
        ({"qr": "yes"}, "qr is native or raster, not 'yes'"),
        ({"logo": "flash"}, "logo is nv or raster or none, not 'flash'"),
        ({"paper_width": "76"}, "paper_width is 58 or 80 (millimetres), not '76'"),
        ({"cutter": "on"}, "unknown ticket printer setting cutter; known: paper_width"),
    ],
)
def test_a_setting_the_printer_cannot_take_is_refused_with_the_reason(
    config: dict[str, str], reason: str
) -> None:
    with pytest.raises(BadSettings) as refused:
        PrinterSettings().updated(config)
    assert reason in str(refused.value)


def test_settings_describe_the_printer_model() -> None:
    basic = PrinterSettings().updated(BASIC)
    assert basic.profile == PrinterProfile(
        "generic-58", 58, 384, has_cp866=False, has_nv_graphics=False, has_native_qr=False
    )
    assert basic.prints_logo
    assert not PrinterSettings().updated({"logo": "none"}).prints_logo
    assert PrinterSettings().profile.has_cp866
    assert PrinterSettings().profile.has_native_qr
    assert PrinterSettings().profile.has_nv_graphics


def _config_outcomes(served: Served) -> list[str]:
    with sqlite3.connect(served.db) as database:
        rows = database.execute(
            "SELECT outcome FROM device_commands WHERE kind = 'config' ORDER BY id"
        ).fetchall()
    return [str(row[0]) for row in rows]


async def _configure(served: Served, settings: dict[str, str]) -> None:
    """Set the printer's settings at the hub and wait until the printer took them."""
    before = len(_config_outcomes(served))
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=PRINTER, settings=settings)
    )

    async def taken() -> bool:
        outcomes = _config_outcomes(served)
        return len(outcomes) > before and outcomes[-1] not in ("", None)

    await eventually(taken, timeout_s=10)
    assert _config_outcomes(served)[-1] == "done"


async def _issue(served: Served, request_id: str) -> queue_pb2.IssueTicketResponse:
    return await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(
            service_id="passport", request_id=request_id, printer_id=PRINTER
        )
    )


async def test_a_printer_set_up_without_cyrillic_qr_and_nv_prints_a_readable_ticket(
    served: Served, tmp_path: Path
) -> None:
    # Started with --paper-width 58 (its pairing code must fit), the rest set at the hub.
    command_line = PrinterSettings(paper_width=58)
    async with admitted_printer(served, tmp_path, model=BASIC_58, settings=command_line) as hall:
        await _configure(served, BASIC)
        first = await _issue(served, "with-logo")
        await hall.printed(first)
        await _configure(served, {**BASIC, "logo": "none"})
        second = await _issue(served, "no-logo")
        await hall.printed(second)
        with_logo, without_logo = hall.sim.tickets[-2:]
    number = first.ticket.number.replace("А", "A")
    assert number in lines(with_logo), "the number, transliterated, on one line"
    assert "Pered vami: 0" in lines(with_logo)
    assert lines(with_logo)[0].startswith("[image "), "the logo as a raster on top"
    assert not lines(without_logo)[0].startswith("[image "), "no logo when set to none"
    assert with_logo.image.width == 384, "58 mm paper"
    url = ticket_url(served.hub.loaded.branch.ticket_page_url, first.ticket.id)
    assert read_qr(with_logo.image, tmp_path) == url.encode("ascii")


@pytest.mark.parametrize("qr", ["native", "raster"])
async def test_the_qr_on_paper_is_the_kiosks_url_in_ascii(
    served: Served, tmp_path: Path, qr: str
) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    async with admitted_printer(served, tmp_path) as hall:
        await _configure(served, {"qr": qr})
        issued = await _issue(served, f"qr-{qr}")
        await hall.printed(issued)
        ticket = hall.sim.tickets[-1]
        received = hall.sim.received
    stored = [c.data for c in Interpreter().feed(received) if isinstance(c, cmd.QrStore)]
    kiosk = scene()
    kiosk.view.set_catalogue(catalogue(url=served.hub.loaded.branch.ticket_page_url))
    kiosk.view.openGroup("documents")
    kiosk.view.tapService("passport")
    shown = kiosk.ticket(number=issued.ticket.number)
    assert shown.ticket_id == issued.ticket.id
    on_screen = kiosk.view.qr_text(str(kiosk.view.value("qrSource")).rpartition("/")[2])
    assert on_screen is not None
    on_paper = await asyncio.to_thread(read_qr, ticket.image, tmp_path)
    assert on_paper.isascii(), on_paper
    assert on_paper.decode("ascii") == on_screen
    assert stored == ([on_screen.encode("ascii")] if qr == "native" else [])
