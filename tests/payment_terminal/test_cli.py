"""``okno payment sim`` and ``okno payment`` as a technician runs them, in real processes."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from okno.provision import enroll_devices
from tests.hub.conftest import Served

pytestmark = pytest.mark.slow
OKNO = (sys.executable, "-m", "okno")


async def okno(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *OKNO, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_a_technicians_test_sale_on_the_simulator(served: Served, tmp_path: Path) -> None:
    (state,) = await enroll_devices(
        served.address, served.socket, 1, tmp_path / "terminals", kind="payment_terminal"
    )
    sim = await asyncio.create_subprocess_exec(
        *OKNO, "payment", "sim", "--baud", "0", "--card-time", "0", stdout=asyncio.subprocess.PIPE
    )
    assert sim.stdout is not None
    port = (await asyncio.wait_for(sim.stdout.readline(), timeout=30)).decode().strip()
    assert port.startswith("serial:///dev/pts/")
    where = ("--port", port, "--state", str(state))

    code, out = await okno(
        "payment", "sale", *where, "--service", "state-duty", "--amount", "50000"
    )
    assert code == 0, out
    assert "terminal: Вставьте карту" in out
    assert "approved (Payment approved)" in out
    assert "| Сумма: 500.00 RUB" in out

    code, out = await okno("payment", "recover", *where)
    assert (code, out.strip().splitlines()[-1]) == (0, "no unresolved payments")

    sim.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(sim.communicate(), timeout=30)
    assert "charged 50000 kopecks in 1 transactions" in rest.decode()


async def test_a_terminal_with_no_enrollment_and_no_serial_is_refused(tmp_path: Path) -> None:
    code, out = await okno(
        "payment", "recover", "--port", "serial:///dev/null", "--state", str(tmp_path)
    )
    assert code != 0
    assert "give the terminal's --serial to enroll it" in out


async def test_an_unknown_mode_is_refused_with_the_choices() -> None:
    code, out = await okno("payment", "sim", "--mode", "explode")
    assert code == 2
    assert "no mode 'explode': use one of approve, decline" in out
