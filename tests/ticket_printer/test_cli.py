"""``python -m ticket_printer`` (``okno printer``): a virtual printer until SIGTERM, a test page."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from ticket_printer.profile import BASIC_58
from ticket_printer.sim import SimulatedPrinter


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ticket_printer", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_virtual_printer_prints_a_test_page_and_stops_on_sigterm(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "ticket_printer", "sim", "--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        url = process.stdout.readline().removeprefix("printer: ").strip()
        assert url.startswith("serial:///dev/pts/")
        printed = run("test-page", url)
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == "test page printed\n"
    assert (tmp_path / "ticket-0001.png").exists()
    assert "Тестовая страница" in (tmp_path / "ticket-0001.txt").read_text(encoding="utf-8")


def test_a_printer_with_no_paper_fails_with_a_one_line_reason() -> None:
    with SimulatedPrinter() as sim:
        sim.set_paper_out()
        result = run("test-page", sim.url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "okno: paper out: put in a new roll; job 1 was not printed"
    ]


def test_a_bad_url_or_width_fails_with_a_one_line_reason() -> None:
    assert run("test-page", "lpt://1").stderr.startswith("okno: printer URL 'lpt://1'")
    result = run("sim", "--paper-width", "76")
    assert (result.returncode, result.stderr) == (
        2,
        "okno: paper_width is 58 or 80 (millimetres), not '76'\n",
    )
    result = run("sim", "--code-page", "cp1251")
    assert (result.returncode, result.stderr) == (
        2,
        "okno: code_page is cp866 or ascii, not 'cp1251'\n",
    )


def test_a_test_page_on_a_model_without_cyrillic_or_qr_reads_right(tmp_path: Path) -> None:
    with SimulatedPrinter(BASIC_58, out_dir=tmp_path) as sim:
        printed = run(
            "test-page", sim.url, "--paper-width", "58", "--code-page", "ascii", "--qr", "raster"
        )
        sim.wait_for_tickets(1)
    assert printed.returncode == 0, printed.stderr
    text = (tmp_path / "ticket-0001.txt").read_text(encoding="utf-8")
    assert "Testovaia stranitsa / Test page" in text
    assert "[image " in text, "the QR code as a raster image"
