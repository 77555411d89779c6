"""Desk units on gpiozero's mock pins, against a real hub on loopback."""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from okno.runtime.channels import mutual_tls
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from staff_desk.agent import DeskAgent, Report
from staff_desk.driver import DeskUnit
from staff_desk.presses import Button, EdgeSink
from staff_desk.settings import Wiring
from staff_desk.sim import Pins
from tests.hub.conftest import Served
from tests.hub.devices import enrolled

# Whatever asks gpiozero for its own factory in these tests gets mock pins.
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
# Long enough for a loaded CI machine; every wait ends as soon as its condition holds.
WAIT_S = 5.0


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    """Fresh mock pins for each test, released after it (else GPIOPinInUse next time)."""
    pins = MockFactory()
    yield pins
    pins.reset()
    pins.close()


@pytest.fixture(autouse=True)
def _no_default_factory_left() -> Iterator[None]:
    yield
    if Device.pin_factory is not None:
        Device.pin_factory.reset()
        Device.pin_factory.close()
        Device.pin_factory = None


def opener(factory: MockFactory) -> DeskUnitOpener:
    return DeskUnitOpener(factory)


class DeskUnitOpener:
    """Opens units on one mock factory and keeps the last, so tests can look at its pins."""

    def __init__(self, factory: MockFactory) -> None:
        self.factory = factory
        self.opened: list[DeskUnit] = []

    def __call__(self, wiring: Wiring, on_edge: EdgeSink) -> DeskUnit:
        unit = DeskUnit(wiring, on_edge, pin_factory=self.factory)
        self.opened.append(unit)
        return unit


# Each unit a test admits is a device of its own: two units never share a certificate.
_SERIALS = itertools.count(1)


@asynccontextmanager
async def unit_channel(served: Served, desk: str) -> AsyncIterator[grpc.aio.Channel]:
    """A desk unit admitted as a technician would, its ``desk`` setting on the hub: its
    channel to the device port (mutual TLS), on which the hub lets it work that desk only."""
    serial = f"U-{next(_SERIALS)}"
    with tempfile.TemporaryDirectory(prefix="okno-unit-") as folder:
        key = DeviceKey.load_or_create(Path(folder))
        credentials = await enrolled(served, key, "staff_desk", serial, f"Пульт {serial}")
    if desk:
        await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
            devices_pb2.ConfigureDeviceRequest(
                device_id=f"staff_desk-{serial}", settings={"desk": desk}
            )
        )
    async with mutual_tls(served.device_address, credentials)() as channel:
        yield channel


@asynccontextmanager
async def desk_unit(
    served: Served,
    factory: MockFactory,
    config: dict[str, str],
    *,
    hub_up: asyncio.Event | None = None,
    report: Report | None = None,
    retry_for_s: float = 2.0,
) -> AsyncIterator[tuple[DeskAgent, Pins]]:
    """A running desk agent with ``config``, once it knows its desk; its buttons to press.

    It calls the hub as an admitted desk unit whose settings on the hub name the same desk.
    Unless ``config`` says otherwise there is no bounce window (``debounce_ms=0``), so a
    test may press the same button twice in a row without waiting for the window to close.
    """
    config = {"debounce_ms": "0"} | config
    if hub_up is None:
        hub_up = asyncio.Event()
        hub_up.set()
    async with unit_channel(served, config.get("desk", "")) as channel:
        agent = DeskAgent(
            channel,
            hub_up,
            opener(factory),
            report or (lambda error, warning: None),
            session_poll_s=0.02,
            retry_for_s=retry_for_s,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(agent.run(stop))
        agent.configure(config)
        try:
            await agent.until(lambda: agent.view.desk is not None, WAIT_S)
            assert agent.settings is not None
            yield agent, Pins(factory, agent.settings.wiring)
        finally:
            stop.set()
            await asyncio.wait_for(running, WAIT_S)


def tap(pins: Pins, button: Button, *, bounces: int = 0) -> None:
    """A press and release at once, with contact bounce: all edges within a millisecond."""
    pins.down(button)
    for _ in range(bounces):
        pins.up(button)
        pins.down(button)
    pins.up(button)
