"""How tests admit a device as a technician would, and open the hub's device port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest

from hub.api.server import create_device_server
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import Served

DEVICE = "hall_display-D-1"
VOICE_MENU = "voice_menu"


async def enrolled(
    served: Served,
    key: DeviceKey,
    kind: str = "hall_display",
    serial: str = "D-1",
    name: str = "Табло",
) -> grpc.ChannelCredentials:
    """Admit a device the way a technician would; its mutual-TLS credentials."""
    enrollment = devices_pb2_grpc.EnrollmentStub(served.stranger)
    device_id = f"{kind}-{serial}"
    ticket = await enrollment.RequestEnrollment(
        devices_pb2.EnrollmentRequest(
            kind=kind,
            model="Model-1",
            serial=serial,
            software_version="0.1.0",
            csr_pem=key.csr(device_id),
        )
    )
    await devices_pb2_grpc.ProvisioningStub(served.local).ApproveDevice(
        devices_pb2.ApproveDeviceRequest(pairing_code=ticket.pairing_code, name=name, zone="hall")
    )
    decision = await enrollment.GetDecision(devices_pb2.GetDecisionRequest(device_id=device_id))
    return key.client_credentials(decision.ca_pem, decision.certificate_pem)


@asynccontextmanager
async def device_port(served: Served) -> AsyncIterator[str]:
    server, port = await create_device_server(served.hub, "127.0.0.1:0", ["127.0.0.1"])
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(1)


@asynccontextmanager
async def device(
    served: Served, folder: Path, kind: str, serial: str, **settings: str
) -> AsyncIterator[grpc.aio.Channel]:
    """A device enrolled as a technician would, with its settings, on the device port."""
    key = DeviceKey.load_or_create(folder / f"{kind}-{serial}")
    credentials = await enrolled(served, key, kind, serial)
    if settings:
        await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
            devices_pb2.ConfigureDeviceRequest(device_id=f"{kind}-{serial}", settings=settings)
        )
    async with grpc.aio.secure_channel(served.device_address, credentials) as channel:
        yield channel


@asynccontextmanager
async def voice_menu(
    served: Served, folder: Path, serial: str = "V-1"
) -> AsyncIterator[grpc.aio.Channel]:
    """The phone voice menu's machine (okno ivr), enrolled and approved as a technician
    would: its mutual-TLS channel to the device port, all the hub lets it call."""
    async with device(served, folder, VOICE_MENU, serial) as channel:
        yield channel


async def refused(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    """The status and the hub's stable error code of a call that must be refused."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    trailers = dict(caught.value.trailing_metadata() or ())
    return caught.value.code(), str(trailers.get("okno-error", ""))
