"""``okno provision`` as a technician types it, against a real hub process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import grpc

from hub.bench.process import start_hub
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import EXAMPLE


def provision(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okno", "provision", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


async def test_a_technician_admits_a_waiting_device_by_its_code(tmp_path: Path) -> None:
    process, port = await start_hub(EXAMPLE, tmp_path / "hub.db", "--device-listen", "127.0.0.1:0")
    hub = f"127.0.0.1:{port}"
    try:
        key = DeviceKey.load_or_create(tmp_path / "printer")
        async with grpc.aio.insecure_channel(hub) as channel:
            ticket = await devices_pb2_grpc.EnrollmentStub(channel).RequestEnrollment(
                devices_pb2.EnrollmentRequest(
                    kind="ticket_printer",
                    model="VKP-80",
                    serial="P-7",
                    software_version="0.1.0",
                    csr_pem=key.csr("ticket_printer-P-7"),
                )
            )
        wrong = await asyncio.to_thread(
            provision, "approve", "AAAA-AAAA", "--name", "x", "--hub", hub
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
            "--hub",
            hub,
        )
        assert done.returncode == 0, done.stderr
        assert "ticket_printer-P-7 (ticket_printer, Принтер 1): approved" in done.stdout
        listed = await asyncio.to_thread(provision, "list", "--hub", hub)
        assert "ticket_printer-P-7" in listed.stdout
        assert "approved" in listed.stdout
        device = "ticket_printer-P-7"
        renamed = await asyncio.to_thread(
            provision, "rename", device, "Принтер у входа", "--hub", hub
        )
        assert "Принтер у входа" in renamed.stdout
        moved = await asyncio.to_thread(provision, "assign", device, "desk-05", "--hub", hub)
        assert moved.returncode == 0
        shown = await asyncio.to_thread(provision, "show", device, "--hub", hub)
        assert "desk-05" in shown.stdout
        pushed = await asyncio.to_thread(
            provision, "config", device, "paper_width=80", "--hub", hub
        )
        assert pushed.returncode == 0, pushed.stderr
        assert "paper_width = 80" in pushed.stdout
        shown = await asyncio.to_thread(provision, "show", device, "--hub", hub)
        assert "paper_width = 80" in shown.stdout
        bad = await asyncio.to_thread(provision, "config", device, "paper_width", "--hub", hub)
        assert bad.returncode == 2
        assert "KEY=VALUE" in bad.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


def test_no_hub_is_a_one_line_reason() -> None:
    done = provision("list", "--hub", "127.0.0.1:9")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "okno: no hub answers at 127.0.0.1:9: is it running? (--hub host:port)"
    )
