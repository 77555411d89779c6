"""A small branch for the engine's tests: three services, three desks, two categories."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.doors import Doors, open_doors
from hub.service import Hub
from okno.console import admin_socket_for
from okno.runtime.hubtls import admin_socket, hub_tls, presented_authority
from okno.signin import set_pin_locally, signed_in_channel
from protos.okno.v1 import admin_pb2_grpc, feed_pb2_grpc, queue_pb2_grpc

if TYPE_CHECKING:
    from protos.okno.v1.admin_pb2_grpc import AdminAsyncStub
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

# 2026-11-23 was a Monday; 10:00 in Moscow.
MONDAY_10_00 = 1_795_417_200_000
MINUTE = 60_000


def make_branch(**overrides: Any) -> Branch:
    data: dict[str, Any] = {
        "id": "test",
        "name": "Тестовый МФЦ",
        "timezone": "Europe/Moscow",
        "max_recalls": 2,
        "hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-20:00")
        | {"sat": "10:00-17:00", "sun": "closed"},
        "services": [
            {"id": "passport", "prefix": "А", "name_ru": "Паспорт", "name_en": "Passport"},
            {
                "id": "snils",
                "prefix": "Б",
                "name_ru": "СНИЛС",
                "name_en": "SNILS",
                "average_service_min": 5,
            },
            {
                "id": "property",
                "prefix": "В",
                "name_ru": "Недвижимость",
                "name_en": "Property",
                "last_ticket_before_close_min": 60,
            },
        ],
        "desks": [
            {"id": "d1", "number": 1, "services": {"passport": 1.0, "snils": 1.0}},
            {"id": "d2", "number": 2, "services": {"passport": 3.0, "property": 1.0}},
            {"id": "d3", "number": 3, "services": {"property": 1.0}},
        ],
        "priorities": [
            {"id": "disabled", "name_ru": "Инвалиды", "name_en": "Disabled", "ratio": 2},
            {"id": "appointment", "name_ru": "Запись", "name_en": "Appointment", "ratio": 3},
        ],
        "operators": [{"id": "ivanova", "name": "Анна Иванова"}],
    }
    data.update(overrides)
    return Branch.model_validate(data)


@pytest.fixture
def branch() -> Branch:
    return make_branch()


@pytest.fixture
def engine(branch: Branch) -> QueueEngine:
    return QueueEngine(branch, MONDAY_10_00)


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "branch.toml"


class SteppedClock:
    """The hub's clock in tests: Monday 10:00 in Moscow, moved only by the test."""

    def __init__(self, now_ms: int = MONDAY_10_00) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, minutes: float) -> None:
        self.now_ms += int(minutes * MINUTE)


# The configuration's administrator (examples/branch.toml), whose PIN the fixture sets
# through the admin socket as `okno hub staff set-pin` would.
ADMINISTRATOR = "andreev-m"
PIN = "275319"


@dataclass
class Served:
    """A real hub behind its real doors on loopback, and stubs to call it.

    ``channel`` (and the stubs) is the administrator's, signed in over TLS; ``stranger`` is
    TLS with no sign-in; ``local`` is the admin socket; ``device_address`` the device port.
    Devices enroll through these doors as real ones do (okno.provision.enroll_devices).
    """

    hub: Hub
    doors: Doors
    address: str
    channel: grpc.aio.Channel
    clock: SteppedClock
    config: Path
    db: Path
    queue: QueueServiceAsyncStub
    feed: HallFeedAsyncStub
    admin: AdminAsyncStub
    ca_pem: bytes
    socket: Path
    stranger: grpc.aio.Channel
    local: grpc.aio.Channel
    device_address: str

    async def staff_channel(self, operator_id: str, pin: str = PIN) -> grpc.aio.Channel:
        """A channel signed in as ``operator_id`` (their PIN set first, as on the hub's machine)."""
        return await staff_channel(self.socket, self.address, self.ca_pem, operator_id, pin)


async def staff_channel(
    socket: Path, address: str, ca_pem: bytes, operator_id: str, pin: str = PIN
) -> grpc.aio.Channel:
    """Set ``operator_id``'s PIN through the admin socket, then sign in over TLS."""
    await set_pin_locally(socket, operator_id, pin)
    return await signed_in_channel(address, ca_pem, operator_id, pin)


async def administrator_of(port: int, db: Path) -> grpc.aio.Channel:
    """The administrator signed in to an ``okno hub`` process (hub.bench.process.start_hub)
    on loopback ``port``, as the hub machine's own administrator would: PIN through the
    admin socket beside ``db``, then a sign-in over TLS to the CA the hub presents."""
    address = f"127.0.0.1:{port}"
    ca_pem = await asyncio.to_thread(presented_authority, address)
    return await staff_channel(admin_socket_for(db), address, ca_pem, ADMINISTRATOR)


@asynccontextmanager
async def serve_hub(
    config: Path, db: Path, clock: SteppedClock, *, feed_memory: int = 20_000
) -> AsyncIterator[Served]:
    hub = Hub(config, db, clock=clock, feed_memory=feed_memory)
    await hub.start()
    doors = await open_doors(hub)
    stranger = hub_tls(doors.address, doors.ca_pem)()
    local = admin_socket(doors.socket)()
    if any(o.id == ADMINISTRATOR for o in hub.loaded.branch.operators):
        channel = await staff_channel(doors.socket, doors.address, doors.ca_pem, ADMINISTRATOR)
    else:
        channel = stranger
    try:
        yield Served(
            hub,
            doors,
            doors.address,
            channel,
            clock,
            config,
            db,
            queue_pb2_grpc.QueueServiceStub(channel),
            feed_pb2_grpc.HallFeedStub(channel),
            admin_pb2_grpc.AdminStub(channel),
            doors.ca_pem,
            doors.socket,
            stranger,
            local,
            doors.device_address,
        )
    finally:
        for open_channel in {channel, stranger, local}:
            await open_channel.close()
        hub.broker.close_all()
        await doors.close(1)
        await hub.stop()
