"""A device joins a branch end to end: real zeroconf, real certificates, real mutual TLS."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.bench.process import start_hub
from okno.cli import app
from okno.console import admin_socket_for
from okno.runtime.hubtls import admin_socket
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import EXAMPLE

# Real hub processes on the wall clock: .ci/run repeats these at night and across midnight.
# The device takes the first hub it hears of: no other advert at the same time (xdist group).
pytestmark = [pytest.mark.clock, pytest.mark.xdist_group("mdns")]

DEVICE = "ticket_printer-SIM-1"


async def start_device(state: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "provision", "sim-device", "--kind", "ticket_printer"),
        *("--serial", "SIM-1", "--state", str(state), "--interface", "127.0.0.1"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def fleet(socket: Path) -> devices_pb2.ListDevicesResponse:
    """The fleet as ``okno provision list`` shows it, through the hub's admin socket."""
    async with admin_socket(socket)() as channel:
        return await devices_pb2_grpc.ProvisioningStub(channel).ListDevices(
            devices_pb2.ListDevicesRequest()
        )


async def presence(socket: Path) -> int:
    listed = await fleet(socket)
    return next((d.presence for d in listed.devices if d.id == DEVICE), 0)


async def until_online(socket: Path, timeout_s: float = 15.0) -> None:
    """Poll the fleet view, as a technician would, until the device shows online."""
    async with asyncio.timeout(timeout_s):
        while await presence(socket) != devices_pb2.PRESENCE_ONLINE:  # noqa: ASYNC110 (remote state)
            await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), 15)


async def test_a_new_device_finds_the_hub_is_approved_and_stays_a_member(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    hub_process, _ = await start_hub(EXAMPLE, db, "--announce", "--device-listen", "127.0.0.1:0")
    socket = admin_socket_for(db)
    state = tmp_path / "printer"
    device = await start_device(state)
    try:
        assert device.stdout is not None
        line = await asyncio.wait_for(device.stdout.readline(), 20)
        code, _, authority = line.decode().removeprefix("pairing code: ").strip().partition(", ")
        # The technician compares the CA the device was shown with the one the hub lists.
        listed = await fleet(socket)
        assert authority == f"hub CA {listed.authority_fingerprint}"
        approve = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "okno", "provision", "approve", code),
            *("--name", "Принтер 1", "--zone", "hall", "--socket", str(socket)),
            stdout=asyncio.subprocess.DEVNULL,
        )
        assert await asyncio.wait_for(approve.wait(), 20) == 0
        await until_online(socket)
        assert (await device.stdout.readline()).decode().strip() == f"session open: {DEVICE}"
        assert await stop(device) == 0
        device = await start_device(state)
        assert device.stdout is not None
        again = await asyncio.wait_for(device.stdout.readline(), 20)
        assert again.decode().strip() == f"session open: {DEVICE}", "a member asks no code again"
        await until_online(socket)
    finally:
        await stop(device)
        await stop(hub_process)


def test_a_device_key_others_can_read_stops_the_device_with_the_chmod(tmp_path: Path) -> None:
    DeviceKey.load_or_create(tmp_path)
    key = tmp_path / "device.key"
    key.chmod(0o644)

    result = CliRunner().invoke(
        app,
        [
            *("provision", "sim-device", "--kind", "ticket_printer", "--serial", "SIM-1"),
            *("--state", str(tmp_path), "--hub", "127.0.0.1:9"),
        ],
    )

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"okno: {key} holds a secret but its mode 0644 lets others than its owner reach it: "
        f"run `chmod 600 {key}`, then start again"
    )
