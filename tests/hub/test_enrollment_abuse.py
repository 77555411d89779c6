"""A stranger on the LAN asks to enroll from ever new addresses: the hub keeps a bounded
waiting list, and no request takes over the id of a device that is admitted or waiting.

The hub sees each request's source address. gRPC on loopback cannot choose its own, so
``rotating_sources`` relays each new connection to the hub from the next of 127.0.0.2,
127.0.0.3, ... (all of 127/8 is loopback on Linux): the hub meets the requests exactly as
it would from many hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest

from hub.devices.registry import PENDING_AT_ONCE, PENDING_PER_HOST, Registry
from hub.errors import TooManyWaiting
from okno.runtime.hubtls import hub_tls
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import Served
from tests.hub.devices import enrolled

T = 1_795_417_200_000
WAITING_LIST_FULL = (
    "too many devices are waiting for approval: approve or reject them with okno provision list"
)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def rotating_sources(target: str) -> AsyncIterator[str]:
    """An address whose every new connection reaches ``target`` from a new loopback address."""
    host, _, port = target.rpartition(":")
    sources: Iterator[str] = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count())
    pipes: set[asyncio.Task[None]] = set()

    async def relay(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        hub_r, hub_w = await asyncio.open_connection(host, int(port), local_addr=(next(sources), 0))
        for task in (
            asyncio.create_task(_pipe(client_r, hub_w)),
            asyncio.create_task(_pipe(hub_r, client_w)),
        ):
            pipes.add(task)
            task.add_done_callback(pipes.discard)

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    try:
        yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for task in list(pipes):
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)


async def ask(
    address: str, ca_pem: bytes, key: DeviceKey, serial: str, kind: str = "kiosk"
) -> devices_pb2.EnrollmentTicket:
    """One request over its own TLS connection (so, through the relay, a new address)."""
    async with hub_tls(address, ca_pem)() as channel:
        return await devices_pb2_grpc.EnrollmentStub(channel).RequestEnrollment(
            devices_pb2.EnrollmentRequest(
                kind=kind,
                model="Infomat-21",
                serial=serial,
                software_version="0.1.0",
                csr_pem=key.csr(f"{kind}-{serial}"),
            )
        )


async def refused(
    address: str, ca_pem: bytes, key: DeviceKey, serial: str
) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(address, ca_pem, key, serial)
    return caught.value.code(), caught.value.details() or ""


async def listed(served: Served) -> dict[str, devices_pb2.DeviceInfo]:
    provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
    answer = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
    return {d.id: d for d in answer.devices}


async def approve(served: Served, code: str, name: str) -> None:
    await devices_pb2_grpc.ProvisioningStub(served.local).ApproveDevice(
        devices_pb2.ApproveDeviceRequest(pairing_code=code, name=name, zone="hall")
    )


async def certificate_of(served: Served, device_id: str) -> bytes:
    enrollment = devices_pb2_grpc.EnrollmentStub(served.stranger)
    decision = await enrollment.GetDecision(devices_pb2.GetDecisionRequest(device_id=device_id))
    return decision.certificate_pem


def test_a_sender_changing_its_address_meets_the_hubs_cap() -> None:
    registry = Registry()
    for n in range(PENDING_AT_ONCE):
        registry.request(
            "kiosk", model="m", serial=f"S-{n}", version="v", address=f"10.0.{n}.1", now_ms=T
        )
    with pytest.raises(TooManyWaiting, match=WAITING_LIST_FULL):
        registry.request(
            "kiosk", model="m", serial="S-X", version="v", address="10.9.9.9", now_ms=T
        )
    # Asking again renews a waiting request: a device restarted meanwhile is not refused.
    registry.request("kiosk", model="m", serial="S-0", version="v", address="10.0.0.1", now_ms=T)


def test_one_address_still_meets_its_own_cap_first() -> None:
    registry = Registry()
    for n in range(PENDING_PER_HOST):
        registry.request("kiosk", model="m", serial=f"S-{n}", version="v", address="::1", now_ms=T)
    with pytest.raises(TooManyWaiting, match="10 devices from ::1 already wait"):
        registry.request("kiosk", model="m", serial="S-X", version="v", address="::1", now_ms=T)


async def test_requests_from_ever_new_addresses_fill_no_more_than_the_waiting_list(
    served: Served, tmp_path: Path
) -> None:
    async with rotating_sources(served.address) as relay:
        for n in range(PENDING_AT_ONCE):
            await ask(relay, served.ca_pem, DeviceKey.load_or_create(tmp_path / f"{n}"), f"F-{n}")
        waiting = await listed(served)
        assert len({d.address for d in waiting.values()}) == PENDING_AT_ONCE
        code, details = await refused(
            relay, served.ca_pem, DeviceKey.load_or_create(tmp_path / "one-more"), "F-X"
        )
        assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert details.startswith(WAITING_LIST_FULL)
        assert "kiosk-F-X" not in await listed(served)
        # A waiting device that asks again (it restarted) still gets a fresh code.
        again = await ask(relay, served.ca_pem, DeviceKey.load_or_create(tmp_path / "0"), "F-0")
        assert again.device_id == "kiosk-F-0"
        # The technician drops one they have no code for; a real device may then ask.
        await devices_pb2_grpc.ProvisioningStub(served.local).RevokeDevice(
            devices_pb2.RevokeDeviceRequest(device_id="kiosk-F-1")
        )
        real = DeviceKey.load_or_create(tmp_path / "real")
        ticket = await ask(served.address, served.ca_pem, real, "REAL-1")
        await approve(served, ticket.pairing_code, "Киоск 1")
        assert real.issued_for_me(await certificate_of(served, "kiosk-REAL-1"))


async def test_an_admitted_devices_id_cannot_be_taken_from_any_address(
    served: Served, tmp_path: Path
) -> None:
    real = DeviceKey.load_or_create(tmp_path / "real")
    await enrolled(served, real, kind="kiosk", serial="K-1", name="Киоск 1")
    before = (await listed(served))["kiosk-K-1"]
    certificate = await certificate_of(served, "kiosk-K-1")
    squatter = DeviceKey.load_or_create(tmp_path / "squatter")
    async with rotating_sources(served.address) as relay:
        for _ in range(3):
            code, details = await refused(relay, served.ca_pem, squatter, "K-1")
            assert code == grpc.StatusCode.FAILED_PRECONDITION
            assert "device kiosk-K-1 is already admitted" in details
    after = (await listed(served))["kiosk-K-1"]
    assert after == before
    assert after.admission == devices_pb2.ADMISSION_APPROVED
    assert await certificate_of(served, "kiosk-K-1") == certificate
    assert real.issued_for_me(certificate)


async def test_a_waiting_devices_id_cannot_be_taken_by_another_key(
    served: Served, tmp_path: Path
) -> None:
    real = DeviceKey.load_or_create(tmp_path / "real")
    ticket = await ask(served.address, served.ca_pem, real, "K-2")
    squatter = DeviceKey.load_or_create(tmp_path / "squatter")
    async with rotating_sources(served.address) as relay:
        for _ in range(3):
            code, details = await refused(relay, served.ca_pem, squatter, "K-2")
            assert code == grpc.StatusCode.FAILED_PRECONDITION
            assert details == (
                "another device already asks to join as kiosk-K-2: if this is the real one, "
                "a technician drops that request (okno provision revoke kiosk-K-2) and this "
                "device asks again"
            )
    assert (await listed(served))["kiosk-K-2"].address == "127.0.0.1"
    await approve(served, ticket.pairing_code, "Киоск 2")
    assert real.issued_for_me(await certificate_of(served, "kiosk-K-2"))


async def test_a_squatter_who_asked_first_is_dropped_by_id_and_the_real_device_admitted(
    served: Served, tmp_path: Path
) -> None:
    async with rotating_sources(served.address) as relay:
        await ask(relay, served.ca_pem, DeviceKey.load_or_create(tmp_path / "squatter"), "K-3")
    real = DeviceKey.load_or_create(tmp_path / "real")
    code, details = await refused(served.address, served.ca_pem, real, "K-3")
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert "okno provision revoke kiosk-K-3" in details
    await devices_pb2_grpc.ProvisioningStub(served.local).RevokeDevice(
        devices_pb2.RevokeDeviceRequest(device_id="kiosk-K-3")
    )
    ticket = await ask(served.address, served.ca_pem, real, "K-3")
    await approve(served, ticket.pairing_code, "Киоск 3")
    assert real.issued_for_me(await certificate_of(served, "kiosk-K-3"))
