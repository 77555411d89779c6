"""The demo hall's devices and staff, let in through the hub's doors as a real hall's are.

Each device is enrolled as a technician would (okno.provision.enroll_devices), given the
settings a technician would set (the kiosk its printer, each desk unit its desk) through
the admin socket, and calls as its kind on the device port over mutual TLS. Operators
get a PIN on the hub's machine (the admin socket) and sign in with it over TLS when their
shift starts, as at the operator panel. Nothing here has a door of its own.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from hub.doors import Doors
from hub.staff.pins import MIN_DIGITS, check_pin
from okno.demo.printer import SERIALS
from okno.provision import configure_devices, enroll_devices, member_channel
from okno.signin import set_pin_locally, signed_in_channel
from protos.okno.v1 import staff_pb2, staff_pb2_grpc

DEVICES = "devices"
KIOSK = f"kiosk-{SERIALS}-0000"


@dataclass(frozen=True, slots=True)
class Members:
    """Channels of the hall's devices, each calling as its kind; and the staff's way in."""

    kiosk: grpc.aio.Channel
    display: grpc.aio.Channel
    terminal: grpc.aio.Channel
    # A desk unit's channel by the id of the desk it works.
    desk_units: Mapping[str, grpc.aio.Channel]
    doors: Doors
    # Each operator's PIN, as the administrator set it on the hub's machine.
    pins: dict[str, str] = field(default_factory=dict)

    async def set_pins(self, operator_ids: Iterable[str]) -> None:
        """Give each operator a fresh PIN through the admin socket (okno hub staff set-pin).

        The demo's operators know no PIN of their own; the administrator sets one when the
        hall is set up, and each operator types theirs at the panel when their shift starts.
        """
        for operator_id in operator_ids:
            pin = fresh_pin()
            await set_pin_locally(self.doors.socket, operator_id, pin)
            self.pins[operator_id] = pin

    async def sign_in(self, operator_id: str) -> grpc.aio.Channel:
        """A channel of ``operator_id``, signed in over TLS with their PIN (set first if
        they have none yet)."""
        if operator_id not in self.pins:
            await self.set_pins([operator_id])
        pin = self.pins[operator_id]
        return await signed_in_channel(self.doors.address, self.doors.ca_pem, operator_id, pin)


async def sign_out(staff: grpc.aio.Channel) -> None:
    """End the operator's session on the hub, then close their channel."""
    try:
        await staff_pb2_grpc.StaffStub(staff).SignOut(staff_pb2.SignOutRequest())
    finally:
        await staff.close()


def fresh_pin() -> str:
    """A random PIN the hub accepts (hub.staff.pins.check_pin)."""
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(MIN_DIGITS))
        if check_pin(pin) is None:
            return pin


@contextlib.asynccontextmanager
async def hall_members(
    doors: Doors, desk_ids: list[str], printer_id: str, out: Path
) -> AsyncIterator[Members]:
    """Enroll and set up the kiosk (printing on ``printer_id``), the hall display, the
    card terminal and a desk unit at each of ``desk_ids``; their channels, closed after."""
    root = out / DEVICES
    kiosk = await _enrolled(doors, root, "kiosk", 1)
    display = await _enrolled(doors, root, "hall_display", 1)
    terminal = await _enrolled(doors, root, "payment_terminal", 1)
    units = await _enrolled(doors, root, "staff_desk", len(desk_ids))
    settings = {KIOSK: {"printer": printer_id}} if printer_id else {}
    for index, desk_id in enumerate(desk_ids):
        settings[f"staff_desk-{SERIALS}-{index:04d}"] = {"desk": desk_id}
    await configure_devices(doors.socket, settings)
    channels = [member_channel(folder) for folder in (*kiosk, *display, *terminal, *units)]
    try:
        yield Members(
            channels[0],
            channels[1],
            channels[2],
            dict(zip(desk_ids, channels[3:], strict=True)),
            doors,
        )
    finally:
        for channel in channels:
            await channel.close()


async def _enrolled(doors: Doors, root: Path, kind: str, count: int) -> list[Path]:
    return await enroll_devices(
        doors.address, doors.socket, count, root / kind, kind=kind, serials=SERIALS
    )
