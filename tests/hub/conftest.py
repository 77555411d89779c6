"""A small branch for the engine's tests: three services, three desks, two categories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from hub.api.server import create_device_server, create_server
from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.service import Hub
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


@dataclass
class Served:
    """A real hub behind a real gRPC server on loopback, and stubs to call it."""

    hub: Hub
    server: grpc.aio.Server
    address: str
    channel: grpc.aio.Channel
    clock: SteppedClock
    config: Path
    db: Path
    queue: QueueServiceAsyncStub
    feed: HallFeedAsyncStub
    admin: AdminAsyncStub


@asynccontextmanager
async def serve_hub(
    config: Path, db: Path, clock: SteppedClock, *, feed_memory: int = 20_000
) -> AsyncIterator[Served]:
    hub = Hub(config, db, clock=clock, feed_memory=feed_memory)
    await hub.start()
    server, port = await create_server(hub, "127.0.0.1:0")
    await server.start()
    devices, hub.fleet.session_port = await create_device_server(hub, "127.0.0.1:0", ["127.0.0.1"])
    await devices.start()
    address = f"127.0.0.1:{port}"
    channel = grpc.aio.insecure_channel(address)
    try:
        yield Served(
            hub,
            server,
            address,
            channel,
            clock,
            config,
            db,
            queue_pb2_grpc.QueueServiceStub(channel),
            feed_pb2_grpc.HallFeedStub(channel),
            admin_pb2_grpc.AdminStub(channel),
        )
    finally:
        await channel.close()
        hub.broker.close_all()
        await devices.stop(0)
        await server.stop(1)
        await hub.stop()
