"""The virtual printer draws what the real driver sends it, as a person would see it.

The reference PNGs under ``reference/`` were looked at and read right (logo, the huge
number, Cyrillic lines, a QR code that is the status URL's). After a deliberate change of
layout or rendering, regenerate them with ``OKNO_UPDATE_REFERENCE=1`` and look again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.ticket_printer.conftest import SLIP, connect
from ticket_printer import codec
from ticket_printer.layout import Logo, qr_image, qr_module_dots
from ticket_printer.profile import PAPER_58, PAPER_80, PrinterProfile
from ticket_printer.render import RenderedTicket
from ticket_printer.sim import SimulatedPrinter

REFERENCE = Path(__file__).parent / "reference"
# Differing dots allowed against a reference: glyph edges may move by one dot between
# FreeType versions; a wrong line, image or QR module changes hundreds.
TOLERANCE_DOTS = 40


def print_reference_ticket(sim: SimulatedPrinter, logo: Logo) -> RenderedTicket:
    with connect(sim) as printer:
        printer.store_logo(logo)
        printer.print_ticket(SLIP, job_id=1)
    (ticket,) = sim.wait_for_tickets(1)
    return ticket


def assert_looks_like(image: Image.Image, name: str, tmp_path: Path) -> None:
    reference = REFERENCE / name
    if os.environ.get("OKNO_UPDATE_REFERENCE"):
        image.save(reference, optimize=True)
    expected = Image.open(reference).convert("1")
    assert image.size == expected.size, f"{name}: {image.size} instead of {expected.size}"
    diff = ImageChops.logical_xor(image.convert("1"), expected)
    differing = diff.convert("L").histogram()[255]
    if differing > TOLERANCE_DOTS:
        image.save(tmp_path / name)
        pytest.fail(f"{name}: {differing} dots differ; look at {tmp_path / name}")


def find(needle: Image.Image, haystack: Image.Image, x: int) -> int | None:
    """The row at which ``needle`` appears dot for dot in ``haystack`` at column x."""
    for y in range(haystack.height - needle.height + 1):
        window = haystack.crop((x, y, x + needle.width, y + needle.height))
        if not ImageChops.logical_xor(window, needle).getbbox():
            return y
    return None


@pytest.mark.parametrize("profile", [PAPER_80, PAPER_58], ids=lambda p: p.name)
def test_a_ticket_looks_like_its_reviewed_reference(
    profile: PrinterProfile, logo: Logo, tmp_path: Path
) -> None:
    with SimulatedPrinter(profile, out_dir=tmp_path / "out") as sim:
        ticket = print_reference_ticket(sim, logo)
    assert_looks_like(ticket.image, f"ticket-{profile.paper_mm}.png", tmp_path)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "ticket-0001.png",
        "ticket-0001.txt",
    ]


def test_the_qr_code_on_the_ticket_is_the_status_url(sim: SimulatedPrinter, logo: Logo) -> None:
    ticket = print_reference_ticket(sim, logo)
    assert ticket.qr_payloads == [SLIP.status_url]
    expected = qr_image(SLIP.status_url, qr_module_dots(sim.profile))
    # Centred on the paper, dot for dot the symbol qrcode makes of the URL.
    centred = (sim.profile.dots_per_line - expected.width) // 2
    assert find(expected, ticket.image, centred) is not None


def test_the_text_version_reads_like_the_ticket(sim: SimulatedPrinter, logo: Logo) -> None:
    lines = [line.strip() for line in print_reference_ticket(sim, logo).text.splitlines()]
    assert lines == [
        "[logo LG]",
        'МФЦ "Мои документы" - Центральный',
        "А123",
        "Получение паспорта гражданина РФ",
        "23.11.2026 10:05",
        "Перед вами: 3",
        "Ожидание: около 12 мин",
        "Окна 1, 2, 5",
        f"[QR {SLIP.status_url}]",
        "По записи на 10:20",
    ]


def test_over_tcp_the_same_ticket_comes_out(logo: Logo, tmp_path: Path) -> None:
    with SimulatedPrinter(PAPER_80, link="tcp") as sim:
        assert sim.url == f"tcp://127.0.0.1:{sim.port}"
        ticket = print_reference_ticket(sim, logo)
    assert_looks_like(ticket.image, "ticket-80.png", tmp_path)


def test_what_the_printer_received_is_kept_byte_for_byte(sim: SimulatedPrinter) -> None:
    with connect(sim) as printer:
        printer.print_job(b"\x1b@hello\n" + codec.cut(), job_id=7)
    status = b"".join(codec.status_request(n) for n in codec.STATUS_REQUESTS)
    assert sim.received == status + b"\x1b@hello\n\x1d\x56\x42\x00" + codec.process_id_request(
        "0007"
    )
    assert sim.tickets[0].text == "hello\n"


def test_nv_graphics_survive_initialise_and_cuts(sim: SimulatedPrinter, logo: Logo) -> None:
    with connect(sim) as printer:
        assert printer.store_logo(logo)
        for job in (1, 2):
            printer.print_job(codec.initialise() + codec.nv_print("LG") + codec.cut(), job)
    first, second = sim.wait_for_tickets(2)
    assert sim.nv_keys == ["LG"]
    assert first.image.tobytes() == second.image.tobytes()
    assert find(logo.image.convert("1"), first.image, 0) == 0


def test_stop_is_clean_and_idempotent() -> None:
    sim = SimulatedPrinter().start()
    path = sim.path
    assert Path(path).exists()
    sim.stop()
    sim.stop()
