"""``okno provision`` as a technician types it, against a real hub process."""

from __future__ import annotations

import asyncio
import io
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from hub.bench.process import start_hub
from okno.console import admin_socket_for
from okno.provision import device_table
from okno.runtime.hubtls import hub_tls, presented_authority
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import EXAMPLE

# Real hub processes on the wall clock: .ci/run repeats these at night and across midnight.
pytestmark = pytest.mark.clock


def provision(*args: str, columns: int = 200) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okno", "provision", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        # The machine's zone is UTC, the branch's Moscow: what is shown must be the latter.
        env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin", "TZ": "UTC"},
    )


async def request_enrollment(hub: str, folder: Path, serial: str) -> devices_pb2.EnrollmentTicket:
    """A printer asks to join over the hub's network port (TLS), as a new device does."""
    key = DeviceKey.load_or_create(folder)
    ca_pem = await asyncio.to_thread(presented_authority, hub)
    async with hub_tls(hub, ca_pem)() as channel:
        return await devices_pb2_grpc.EnrollmentStub(channel).RequestEnrollment(
            devices_pb2.EnrollmentRequest(
                kind="ticket_printer",
                model="VKP-80",
                serial=serial,
                software_version="0.1.0",
                csr_pem=key.csr(f"ticket_printer-{serial}"),
            )
        )


async def test_a_technician_admits_a_waiting_device_by_its_code(tmp_path: Path) -> None:
    process, port = await start_hub(EXAMPLE, tmp_path / "hub.db", "--device-listen", "127.0.0.1:0")
    hub = f"127.0.0.1:{port}"
    socket = str(admin_socket_for(tmp_path / "hub.db"))
    try:
        ticket = await request_enrollment(hub, tmp_path / "printer", "P-7")
        wrong = await asyncio.to_thread(
            provision, "approve", "AAAA-AAAA", "--name", "x", "--socket", socket
        )
        assert wrong.returncode == 2
        assert "no device waits with code AAAA-AAAA" in wrong.stderr
        done = await asyncio.to_thread(
            provision,
            "approve",
            ticket.pairing_code,
            "--name",
            "Принтер 1",
            "--zone",
            "hall",
            "--socket",
            socket,
        )
        assert done.returncode == 0, done.stderr
        assert "ticket_printer-P-7 (ticket_printer, Принтер 1): approved" in done.stdout
        listed = await asyncio.to_thread(provision, "list", "--socket", socket)
        assert "ticket_printer-P-7" in listed.stdout
        assert "approved" in listed.stdout
        device = "ticket_printer-P-7"
        renamed = await asyncio.to_thread(
            provision, "rename", device, "Принтер у входа", "--socket", socket
        )
        assert "Принтер у входа" in renamed.stdout
        moved = await asyncio.to_thread(provision, "assign", device, "desk-05", "--socket", socket)
        assert moved.returncode == 0
        shown = await asyncio.to_thread(provision, "show", device, "--socket", socket)
        assert "desk-05" in shown.stdout
        pushed = await asyncio.to_thread(
            provision, "config", device, "paper_width=80", "--socket", socket
        )
        assert pushed.returncode == 0, pushed.stderr
        assert "paper_width = 80" in pushed.stdout
        shown = await asyncio.to_thread(provision, "show", device, "--socket", socket)
        assert "paper_width = 80" in shown.stdout
        bad = await asyncio.to_thread(
            provision, "config", device, "paper_width", "--socket", socket
        )
        assert bad.returncode == 2
        assert "KEY=VALUE" in bad.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


def test_no_hub_is_a_one_line_reason(tmp_path: Path) -> None:
    socket = tmp_path / "okno-run" / "admin.sock"
    done = provision("list", "--socket", str(socket))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"okno: no hub answers at {socket}: is it running, and are you its user? (--socket PATH)"
    )


async def test_refused_settings_and_ids_whole_on_an_80_column_terminal(tmp_path: Path) -> None:
    process, port = await start_hub(EXAMPLE, tmp_path / "hub.db", "--device-listen", "127.0.0.1:0")
    hub = f"127.0.0.1:{port}"
    socket = str(admin_socket_for(tmp_path / "hub.db"))
    serial = "VKP80III-SN-0123456789ABCDEF"
    try:
        ticket = await request_enrollment(hub, tmp_path / "printer", serial)
        await asyncio.to_thread(
            provision,
            "approve",
            ticket.pairing_code,
            "--name",
            "Принтер у входа",
            "--socket",
            socket,
        )
        device = f"ticket_printer-{serial}"
        for setting, reason in (
            ("paper_width=75", "paper_width=75: one of 58, 80"),
            ("volume=7", "a ticket_printer has no setting volume"),
        ):
            refused = await asyncio.to_thread(
                provision, "config", device, setting, "--socket", socket
            )
            assert refused.returncode == 2
            assert reason in refused.stderr
        shown = await asyncio.to_thread(provision, "show", device, "--socket", socket)
        assert "paper_width" not in shown.stdout
        assert "volume" not in shown.stdout
        listed = await asyncio.to_thread(provision, "list", "--socket", socket, columns=80)
        assert listed.returncode == 0, listed.stderr
        # Nothing a technician reads or copies is cut to fit the terminal.
        for whole in (f"ticket_printer-{serial}", "Принтер у входа", "approved", "never"):
            assert whole in listed.stdout
        assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


def test_last_seen_is_the_branch_time_whatever_the_machine_zone() -> None:
    seen = datetime(2026, 12, 7, 0, 41, 5, tzinfo=UTC)
    device = devices_pb2.DeviceInfo(
        id="hall_display-D-1", kind="hall_display", last_seen_unix_ms=int(seen.timestamp() * 1000)
    )
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(device_table([device], "Europe/Moscow", console.width))
    assert "07.12 03:41:05" in console.export_text()
