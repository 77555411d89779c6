"""An admitted device holds its session over real mutual TLS; the fleet view follows it."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import pytest

from hub.api.server import create_device_server
from hub.devices.registry import OFFLINE_AFTER_MS
from okno.runtime.commands import CommandJournal
from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession, backoff_s
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import DEVICE, device_port, enrolled
from tests.polling import eventually


async def presence(served: Served) -> tuple[int, str]:
    listed = await devices_pb2_grpc.ProvisioningStub(served.channel).ListDevices(
        devices_pb2.ListDevicesRequest()
    )
    (device,) = [d for d in listed.devices if d.id == DEVICE]
    return device.presence, device.error


async def test_a_device_session_shows_online_errors_and_offline(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    async with device_port(served) as address:
        session = HubSession(address, credentials, heartbeat_s=0.05)
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        assert session.welcome is not None and session.welcome.name == "Табло"

        async def answered() -> bool:
            return len(session.round_trips_ms) > 0

        await eventually(answered)
        assert await presence(served) == (devices_pb2.PRESENCE_ONLINE, "")
        session.report("lamp failure")

        async def shows_error() -> bool:
            return await presence(served) == (devices_pb2.PRESENCE_ERROR, "lamp failure")

        await eventually(shows_error)
        stop.set()
        await asyncio.wait_for(running, 5)
        served.clock.advance(OFFLINE_AFTER_MS / 60_000 + 0.01)
        assert (await presence(served))[0] == devices_pb2.PRESENCE_OFFLINE


async def test_a_revoked_device_is_cut_off_at_once_and_stays_off(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    async with device_port(served) as address:
        session = HubSession(address, credentials, heartbeat_s=0.05)
        running = asyncio.create_task(session.run(asyncio.Event()))
        await asyncio.wait_for(session.connected.wait(), 5)
        await devices_pb2_grpc.ProvisioningStub(served.channel).RevokeDevice(
            devices_pb2.RevokeDeviceRequest(device_id=DEVICE)
        )
        await asyncio.wait_for(running, 5)
        assert "revoked" in session.refused
        again = HubSession(address, credentials, heartbeat_s=0.05)
        await asyncio.wait_for(again.run(asyncio.Event()), 5)
        assert "was revoked: if it should work again, re-enroll" in again.refused
        assert not again.connected.is_set()


async def test_a_device_reconnects_after_losing_the_hub(served: Served, tmp_path: Path) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    server, port = await create_device_server(served.hub, "127.0.0.1:0", ["127.0.0.1"])
    await server.start()
    session = HubSession(f"127.0.0.1:{port}", credentials, heartbeat_s=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(session.run(stop))
    await asyncio.wait_for(session.connected.wait(), 5)
    await server.stop(0)

    async def lost() -> bool:
        return not session.connected.is_set()

    await eventually(lost)
    server, _ = await create_device_server(served.hub, f"127.0.0.1:{port}", ["127.0.0.1"])
    await server.start()
    await asyncio.wait_for(session.connected.wait(), 10)
    stop.set()
    await asyncio.wait_for(running, 5)
    await server.stop(0)


@pytest.mark.parametrize("attempt", range(8))
def test_reconnect_pauses_grow_are_capped_and_spread(attempt: int) -> None:
    pauses = [backoff_s(attempt, random.Random(seed)) for seed in range(50)]
    ceiling = min(10.0, 0.2 * 2**attempt)
    assert all(ceiling / 2 <= p <= ceiling for p in pauses)
    assert len(set(pauses)) > 40


async def test_commands_survive_a_hub_restart_and_run_once_each(
    config_file: Path, tmp_path: Path
) -> None:
    """Kill the hub mid-session: the device reconnects; no command is lost or run twice."""
    clock = SteppedClock()
    ran: list[int] = []

    async def handle(command: devices_pb2.Command) -> str:
        ran.append(command.id)
        return ""

    key = DeviceKey.load_or_create(tmp_path / "device")
    journal = CommandJournal(tmp_path / "device" / "commands")
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        credentials = await enrolled(served, key)
        server, port = await create_device_server(served.hub, "127.0.0.1:0", ["127.0.0.1"])
        await server.start()
        session = HubSession(
            f"127.0.0.1:{port}", credentials, heartbeat_s=0.05, journal=journal, on_command=handle
        )
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
        sent = [
            (
                await provisioning.SendCommand(
                    devices_pb2.SendCommandRequest(
                        device_id=DEVICE, kind="print", payload_json="{}"
                    )
                )
            ).command_id
            for _ in range(3)
        ]

        async def all_ran() -> bool:
            return sorted(ran) == sorted(sent)

        await eventually(all_ran)
        await server.stop(0)
        for _ in range(2):
            sent.append(
                (
                    await provisioning.SendCommand(
                        devices_pb2.SendCommandRequest(
                            device_id=DEVICE, kind="print", payload_json="{}"
                        )
                    )
                ).command_id
            )
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        server, _ = await create_device_server(served.hub, f"127.0.0.1:{port}", ["127.0.0.1"])
        await server.start()
        await eventually(all_ran, timeout_s=15)
        assert sorted(ran) == sent, "each command ran exactly once"

        async def all_acked() -> bool:
            with sqlite3.connect(tmp_path / "hub.db") as database:
                (waiting,) = database.execute(
                    "SELECT count(*) FROM device_commands WHERE acked_at_ms = 0"
                ).fetchone()
            return bool(waiting == 0)

        await eventually(all_acked)
        stop.set()
        await asyncio.wait_for(running, 5)
        await server.stop(0)


async def test_a_long_command_keeps_the_session_alive_and_is_not_started_twice(
    served: Served, tmp_path: Path
) -> None:
    """A print waiting for paper: heartbeats go on, a resend after a reconnect waits too."""
    started: list[int] = []
    release = asyncio.Event()

    async def handle(command: devices_pb2.Command) -> str:
        started.append(command.id)
        await release.wait()
        return ""

    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    server, port = await create_device_server(served.hub, "127.0.0.1:0", ["127.0.0.1"])
    await server.start()
    welcomes: list[dict[str, str]] = []
    session = HubSession(
        f"127.0.0.1:{port}",
        credentials,
        heartbeat_s=0.05,
        journal=CommandJournal(tmp_path / "device" / "commands"),
        on_command=handle,
        on_config=welcomes.append,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(session.run(stop))
    await asyncio.wait_for(session.connected.wait(), 5)
    await devices_pb2_grpc.ProvisioningStub(served.local).SendCommand(
        devices_pb2.SendCommandRequest(device_id=DEVICE, kind="print", payload_json="{}")
    )

    async def busy_and_alive() -> bool:
        return bool(started) and len(session.round_trips_ms) >= 3

    session.round_trips_ms.clear()
    await eventually(busy_and_alive)
    await server.stop(0)
    server, _ = await create_device_server(served.hub, f"127.0.0.1:{port}", ["127.0.0.1"])
    await server.start()

    async def welcomed_again() -> bool:
        return len(welcomes) == 2

    await eventually(welcomed_again, timeout_s=10)
    release.set()

    async def acked() -> bool:
        with sqlite3.connect(served.db) as database:
            (outcome,) = database.execute("SELECT outcome FROM device_commands").fetchone()
        return bool(outcome == "done")

    await eventually(acked)
    assert started == [1]
    stop.set()
    await asyncio.wait_for(running, 5)
    await server.stop(0)
