"""``python -m ticket_printer`` (``okno printer``): a virtual printer until SIGTERM, a test page."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.devices.authority import BranchAuthority
from okno.runtime.enroll import Membership
from okno.runtime.identity import DeviceKey
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


def enrolled_state(tmp_path: Path) -> Path:
    """A printer's state folder as its enrollment left it: key, certificate, CA, address."""
    state = tmp_path / "printer"
    authority = BranchAuthority.load_or_create(tmp_path / "pki", "msk-01")
    key = DeviceKey.load_or_create(state)
    device_id = "ticket_printer-P-1"
    issued = authority.sign_device(
        key.csr(device_id), device_id, "ticket_printer", datetime.now(UTC)
    )
    Membership(issued.pem, authority.ca_pem, "127.0.0.1:9").save(state)
    return state


@pytest.mark.parametrize(
    ("name", "damage", "said"),
    [
        ("jobs/000000000001.job", b'{"payload_json": "{\\"numb', "is not a print job"),
        ("ca.pem", b"-----BEGIN CERTIFICATE-----\nMIIB", "is damaged (not a PEM certificate)"),
        ("commands", b"41\n\x00\x00\n", "line 2 is not a command id"),
    ],
)
def test_a_state_file_an_older_okno_left_half_written_stops_the_printer_in_one_line(
    tmp_path: Path, name: str, damage: bytes, said: str
) -> None:
    state = enrolled_state(tmp_path)
    (state / name).parent.mkdir(exist_ok=True)
    (state / name).write_bytes(damage)

    result = run("--device", "tcp://127.0.0.1:9", "--serial", "P-1", "--state", str(state))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"okno: {state / name} {said}")
