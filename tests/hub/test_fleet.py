"""The fleet's promises when saving is slow or fails, against an in-memory store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hub.devices.authority import BranchAuthority
from hub.devices.fleet import Fleet
from hub.devices.registry import Admission, CommandRecord, Device, DeviceCommand, Registry
from okno.runtime.identity import DeviceKey

T = 1_795_417_200_000


class FakeStore:
    """Keeps everything in memory; a test can make the next device save fail or wait."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, DeviceCommand]] = []
        self.fail_next_save = False
        self.save_gate = asyncio.Event()
        self.save_gate.set()
        self.backlog_gate = asyncio.Event()
        self.backlog_gate.set()

    async def save_device(self, device: Device) -> None:
        if self.fail_next_save:
            self.fail_next_save = False
            await self.save_gate.wait()
            raise OSError("disk full")

    async def forget_devices(self, device_ids: list[str]) -> None:
        return None

    async def add_command(
        self, command: DeviceCommand, device_id: str, now_ms: int, key: str = ""
    ) -> tuple[int, bool]:
        self.commands.append((device_id, command))
        return len(self.commands), True

    async def command(self, command_id: int) -> CommandRecord | None:
        return None

    async def open_commands(self, device_id: str) -> list[DeviceCommand]:
        await self.backlog_gate.wait()
        return [
            DeviceCommand(i + 1, c.kind, c.payload_json)
            for i, (d, c) in enumerate(self.commands)
            if d == device_id
        ]

    async def ack_command(self, device_id: str, command_id: int, outcome: str, now_ms: int) -> None:
        return None


async def admitted(fleet: Fleet, serial: str, folder: Path) -> str:
    key = DeviceKey.load_or_create(folder)
    device = await fleet.request(
        "kiosk", model="m", serial=serial, version="v", csr_pem=key.csr("x"), address="h"
    )
    await fleet.approve(device.code, name=serial, zone="hall", source="tech")
    return device.id


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def fleet(store: FakeStore, tmp_path: Path) -> Fleet:
    fleet = Fleet(
        Registry(), BranchAuthority.load_or_create(tmp_path / "pki", "test"), store, lambda: T
    )
    fleet.session_port = 50052
    return fleet


async def test_a_failed_save_undoes_only_its_own_change(
    fleet: Fleet, store: FakeStore, tmp_path: Path
) -> None:
    a = await admitted(fleet, "A", tmp_path / "a")
    b = await admitted(fleet, "B", tmp_path / "b")
    store.fail_next_save = True
    store.save_gate.clear()
    renaming = asyncio.create_task(fleet.describe(b, name="renamed", zone=""))
    await asyncio.sleep(0)
    await fleet.revoke(a)
    store.save_gate.set()
    with pytest.raises(OSError, match="disk full"):
        await renaming
    assert fleet.device(a).admission is Admission.REVOKED
    assert fleet.device(b).name == "B"


async def test_commands_sent_while_a_session_opens_keep_their_order(
    fleet: Fleet, store: FakeStore, tmp_path: Path
) -> None:
    device = await admitted(fleet, "A", tmp_path / "a")
    await fleet.send(device, "config", '{"v": 1}')
    store.backlog_gate.clear()
    delivered: list[int] = []
    opening = asyncio.create_task(fleet.open_session(device, lambda c: delivered.append(c.id)))
    await asyncio.sleep(0)
    await fleet.send(device, "config", '{"v": 2}')
    store.backlog_gate.set()
    await opening
    assert delivered == [1, 2]
