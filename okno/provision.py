"""``okno provision``: the technician's view of the fleet, over the hub's Provisioning API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import grpc
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from okno.errors import OknoError
from okno.runtime.enroll import Membership
from okno.runtime.hubtls import admin_socket, hub_tls, presented_authority
from okno.runtime.identity import DeviceKey
from okno.runtime.session import CHANNEL_OPTIONS
from protos.okno.v1 import admin_pb2, admin_pb2_grpc, devices_pb2, devices_pb2_grpc

if TYPE_CHECKING:
    from protos.okno.v1.devices_pb2_grpc import ProvisioningAsyncStub

T = TypeVar("T")
TIMEOUT_S = 10.0


class ProvisionFailed(OknoError):
    """The hub refused or could not be reached; the message says which and why."""

    code = "provision_failed"


def call(socket: Path, action: Callable[[ProvisioningAsyncStub], Awaitable[T]]) -> T:
    """Run one call through the hub's admin socket; a refusal becomes a one-line reason."""
    return on_channel(socket, lambda channel: action(devices_pb2_grpc.ProvisioningStub(channel)))


def on_channel(socket: Path, action: Callable[[grpc.aio.Channel], Awaitable[T]]) -> T:
    """Run calls through the hub's admin socket; a refusal becomes a one-line reason.

    The socket's file permissions are the check: run as the hub's user, on its machine.
    """
    hub = str(socket)

    async def run() -> T:
        async with admin_socket(socket)() as channel:
            try:
                return await asyncio.wait_for(action(channel), TIMEOUT_S)
            except grpc.aio.AioRpcError as error:
                if error.code() == grpc.StatusCode.UNAVAILABLE:
                    raise ProvisionFailed(
                        f"no hub answers at {hub}: is it running, and are you its user? "
                        "(--socket PATH)"
                    ) from error
                raise ProvisionFailed(error.details() or error.code().name) from error
            except TimeoutError as error:
                raise ProvisionFailed(
                    f"the hub at {hub} did not answer in {TIMEOUT_S:g} s"
                ) from error

    return asyncio.run(run())


@dataclass(frozen=True, slots=True)
class Fleet:
    """The devices a hub knows, and its branch's time zone, in which the hall reads times."""

    devices: list[devices_pb2.DeviceInfo]
    timezone: str
    authority_fingerprint: str


def list_fleet(socket: Path) -> Fleet:
    async def both(channel: grpc.aio.Channel) -> Fleet:
        listed = await devices_pb2_grpc.ProvisioningStub(channel).ListDevices(
            devices_pb2.ListDevicesRequest()
        )
        branch = await admin_pb2_grpc.AdminStub(channel).GetBranch(admin_pb2.GetBranchRequest())
        return Fleet(list(listed.devices), branch.timezone, listed.authority_fingerprint)

    return on_channel(socket, both)


COLUMNS = ("id", "kind", "name", "zone", "address", "version", "admission", "state", "last seen")
# What a table's borders and padding take: three characters a column, and one more.
BORDER_PER_COLUMN = 3


def device_table(
    devices: list[devices_pb2.DeviceInfo], timezone: str, width: int | None = None
) -> RenderableType:
    """The fleet as a technician reads it: times in the branch's time, nothing cut.

    A technician copies an id into the next command, so no cell is shortened: when the
    table would not fit in ``width`` columns, each device is shown as a block of lines.
    """
    zone = ZoneInfo(timezone)
    rows = [_cells(d, zone) for d in devices]
    needed = 1 + sum(
        max(len(c) for c in (column, *(row[n] for row in rows))) + BORDER_PER_COLUMN
        for n, column in enumerate(COLUMNS)
    )
    if width is not None and needed > width:
        return Group(Text("okno devices", style="italic"), *(_block(row) for row in rows))
    table = Table(title="okno devices")
    for column in COLUMNS:
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def _cells(d: devices_pb2.DeviceInfo, zone: ZoneInfo) -> tuple[str, ...]:
    seen = (
        datetime.fromtimestamp(d.last_seen_unix_ms / 1000, zone).strftime("%d.%m %H:%M:%S")
        if d.last_seen_unix_ms
        else "never"
    )
    state = devices_pb2.Presence.Name(d.presence).removeprefix("PRESENCE_").lower()
    if d.error:
        state = f"{state}: {d.error}"
    elif d.warning:
        state = f"{state} ({d.warning})"
    admission = devices_pb2.Admission.Name(d.admission).removeprefix("ADMISSION_").lower()
    return (d.id, d.kind, d.name, d.zone, d.address, d.software_version, admission, state, seen)


def _block(row: tuple[str, ...]) -> Table:
    block = Table.grid(padding=(0, 2))
    block.add_column(style="dim", no_wrap=True)
    block.add_column(overflow="fold")
    for column, cell in zip(COLUMNS, row, strict=True):
        block.add_row(column, cell)
    block.add_row("", "")
    return block


def show(console: Console, device: devices_pb2.DeviceInfo) -> None:
    admission = devices_pb2.Admission.Name(device.admission).removeprefix("ADMISSION_").lower()
    console.print(f"{device.id} ({device.kind}, {device.name or 'unnamed'}): {admission}")
    show_settings(console, device)


def show_settings(console: Console, device: devices_pb2.DeviceInfo) -> None:
    for key, value in sorted(device.config.items()):
        console.print(f"  {key} = {value}", markup=False)


async def enroll_devices(
    hub: str,
    socket: Path,
    count: int,
    root: Path,
    *,
    kind: str = "hall_display",
    serials: str = "BENCH",
) -> list[Path]:
    """Enroll ``count`` devices the way a technician would, and keep what each was given.

    For the demo, benchmarks and tests, on the hub's own machine: each device asks over
    the network port ``hub`` (TLS) with its key in ``root/NNNN`` and is approved at once
    through the admin socket, as if a technician had typed its code there.
    """
    folders = []
    ca_pem = await asyncio.to_thread(presented_authority, hub)
    async with hub_tls(hub, ca_pem)() as channel, admin_socket(socket)() as local:
        enrollment = devices_pb2_grpc.EnrollmentStub(channel)
        provisioning = devices_pb2_grpc.ProvisioningStub(local)
        for index in range(count):
            folder = root / f"{index:04d}"
            key = DeviceKey.load_or_create(folder)
            serial = f"{serials}-{index:04d}"
            ticket = await enrollment.RequestEnrollment(
                devices_pb2.EnrollmentRequest(
                    kind=kind,
                    model="bench",
                    serial=serial,
                    software_version="bench",
                    csr_pem=key.csr(f"{kind}-{serial}"),
                )
            )
            await provisioning.ApproveDevice(
                devices_pb2.ApproveDeviceRequest(pairing_code=ticket.pairing_code, name=serial)
            )
            decision = await enrollment.GetDecision(
                devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
            )
            host = hub.rsplit(":", 1)[0]
            Membership(
                decision.certificate_pem, decision.ca_pem, f"{host}:{decision.session_port}"
            ).save(folder)
            folders.append(folder)
    return folders


async def configure_devices(socket: Path, settings: Mapping[str, Mapping[str, str]]) -> None:
    """Give each device its settings through the admin socket, as ``okno provision config
    ID KEY=VALUE`` does (a kiosk its printer, a desk unit its desk)."""
    async with admin_socket(socket)() as local:
        provisioning = devices_pb2_grpc.ProvisioningStub(local)
        for device_id, values in settings.items():
            await provisioning.ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(device_id=device_id, settings=values)
            )


def member_channel(state: Path) -> grpc.aio.Channel:
    """A channel to the hub's device port as the admitted device whose state folder is
    ``state`` (as :func:`enroll_devices` leaves it); the caller closes it."""
    member = Membership.load(state)
    if member is None:
        raise ProvisionFailed(f"{state} holds no membership: enroll the device first")
    credentials = member.credentials(DeviceKey.load_or_create(state))
    return grpc.aio.secure_channel(member.session_address, credentials, options=CHANNEL_OPTIONS)
