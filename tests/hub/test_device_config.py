"""Settings are kept on the hub and reach the device: at once, and on every connect."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import grpc
import pytest

from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    devices_pb2,
    devices_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import DEVICE, device_port, enrolled
from tests.polling import eventually


async def configure(served: Served, **settings: str) -> devices_pb2.DeviceInfo:
    """Change a device's settings as the technician would, on the hub's machine."""
    return await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=DEVICE, settings=settings)
    )


def outcomes(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as database:
        rows = database.execute("SELECT kind, outcome FROM device_commands ORDER BY id")
        return [(str(kind), str(outcome)) for kind, outcome in rows]


async def test_settings_reach_a_connected_device_and_one_that_connects_later(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    key = DeviceKey.load_or_create(tmp_path / "device")
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        credentials = await enrolled(served, key)
        info = await configure(served, layout="portrait", language="ru")
        assert dict(info.config) == {"layout": "portrait", "language": "ru"}
        async with device_port(served) as address:
            seen: list[dict[str, str]] = []
            session = HubSession(address, credentials, heartbeat_s=0.05, on_config=seen.append)
            stop = asyncio.Event()
            running = asyncio.create_task(session.run(stop))
            await asyncio.wait_for(session.connected.wait(), 5)
            # In the welcome, and perhaps again as the command queued while it was away.
            assert seen[0] == {"layout": "portrait", "language": "ru"}
            assert all(config == seen[0] for config in seen)
            await configure(served, layout="landscape", language="")

            async def changed() -> bool:
                return session.config == {"layout": "landscape"}

            await eventually(changed)
            stop.set()
            await asyncio.wait_for(running, 5)
    # The hub keeps the settings across its own restart and sends them in the welcome.
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        listed = await devices_pb2_grpc.ProvisioningStub(served.channel).ListDevices(
            devices_pb2.ListDevicesRequest()
        )
        (device,) = [d for d in listed.devices if d.id == DEVICE]
        assert dict(device.config) == {"layout": "landscape"}
        async with device_port(served) as address:
            later = HubSession(address, credentials, heartbeat_s=0.05)
            stop = asyncio.Event()
            running = asyncio.create_task(later.run(stop))
            await asyncio.wait_for(later.connected.wait(), 5)
            assert later.config == {"layout": "landscape"}
            stop.set()
            await asyncio.wait_for(running, 5)


async def test_a_setting_the_device_refuses_is_shown_as_the_outcome(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))

    def strict(config: dict[str, str]) -> None:
        if config.get("role") == "desk":
            raise ValueError("role=desk needs desk=NUMBER: which desk this display is above")

    async with device_port(served) as address:
        session = HubSession(address, credentials, heartbeat_s=0.05, on_config=strict)
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        await configure(served, role="desk")

        async def refused() -> bool:
            return outcomes(served.db) == [
                ("config", "role=desk needs desk=NUMBER: which desk this display is above")
            ]

        await eventually(refused)
        stop.set()
        await asyncio.wait_for(running, 5)


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"paper width": "80"}, "is not valid"),
        ({"x" * 41: "1"}, "is not valid"),
        ({"ticker": "x" * 401}, "at most 400"),
        ({"volume": "7"}, "hall_display-D-1 keeps its settings: volume=7: 7 is outside 0..1"),
        ({"paper_width": "80"}, "a hall_display has no setting paper_width"),
    ],
)
async def test_bad_settings_are_refused_with_the_reason(
    served: Served, tmp_path: Path, settings: dict[str, str], reason: str
) -> None:
    await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await configure(served, **settings)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert reason in (refused.value.details() or "")
    listed = await devices_pb2_grpc.ProvisioningStub(served.channel).ListDevices(
        devices_pb2.ListDevicesRequest()
    )
    assert all(not d.config for d in listed.devices)


async def test_an_admitted_device_reaches_the_queue_only_over_mutual_tls(
    served: Served, tmp_path: Path
) -> None:
    key = DeviceKey.load_or_create(tmp_path / "device")
    credentials = await enrolled(served, key, "kiosk", "K-1")
    async with device_port(served) as address:
        async with grpc.aio.secure_channel(address, credentials) as channel:
            issued = await queue_pb2_grpc.QueueServiceStub(channel).IssueTicket(
                queue_pb2.IssueTicketRequest(service_id="passport")
            )
        assert issued.ticket.number == "А001"
        stranger = grpc.ssl_channel_credentials(root_certificates=served.hub.fleet.ca_pem)
        async with grpc.aio.secure_channel(address, stranger) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await queue_pb2_grpc.QueueServiceStub(channel).IssueTicket(
                    queue_pb2.IssueTicketRequest(service_id="passport"), timeout=5
                )
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_a_device_reads_the_branch_but_not_its_staff_nor_changes_it(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    async with (
        device_port(served) as address,
        grpc.aio.secure_channel(address, credentials) as channel,
    ):
        admin = admin_pb2_grpc.AdminStub(channel)
        services = await admin.ListServices(admin_pb2.ListServicesRequest())
        assert any(s.name_ru for s in services.services)
        for refused_call in (
            admin.ListOperators(admin_pb2.ListOperatorsRequest()),
            admin.ReloadConfig(admin_pb2.ReloadConfigRequest()),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await refused_call
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
