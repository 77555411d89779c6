"""``okno desk`` end to end: an enrolled unit gets its desk from the hub and calls on a press."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from okno.provision import enroll_devices
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2
from staff_desk.agent import DeskAgent
from staff_desk.errors import BadSettings, PinConflict
from staff_desk.light import Light
from staff_desk.presses import Button
from staff_desk.program import KIND, DeskSetup, run_desk, run_simulated_desk
from staff_desk.settings import parse_settings
from staff_desk.sim import Pins
from tests.hub.conftest import Served
from tests.hub.test_ratings import serve_one
from tests.polling import eventually
from tests.staff_desk.conftest import WAIT_S, tap
from tests.staff_desk.test_agent import issue, pressed
from tests.staff_desk.test_sim import FAST


async def test_the_desk_program_takes_its_desk_and_calls_on_a_press(
    served: Served, factory: MockFactory, tmp_path: Path
) -> None:
    (state,) = await enroll_devices(served.address, served.socket, 1, tmp_path / "desks", kind=KIND)
    # The technician names the unit's desk by its number, as it is written on the desk.
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=f"{KIND}-BENCH-0000", settings={"desk": "1"})
    )
    number = await issue(served, "t1")
    agents: list[DeskAgent] = []
    started = asyncio.Event()

    def on_agent(agent: DeskAgent) -> None:
        agents.append(agent)
        started.set()

    stop = asyncio.Event()
    setup = DeskSetup(state, "BENCH-0000", pin_factory=factory, heartbeat_s=0.05)
    running = asyncio.create_task(run_desk(setup, stop, on_agent=on_agent))
    await asyncio.wait_for(started.wait(), WAIT_S)
    (agent,) = agents
    await agent.until(lambda: agent.light is Light.CLOSED, WAIT_S)
    assert agent.desk_id == "desk-01"
    assert agent.settings is not None
    tap(Pins(factory, agent.settings.wiring), Button.CALL_NEXT)
    await pressed(agent, 1)
    assert agent.outcomes[-1].ticket == number
    stop.set()
    await asyncio.wait_for(running, WAIT_S)


async def test_a_simulated_desk_serves_the_hall_on_its_own(served: Served, tmp_path: Path) -> None:
    (state,) = await enroll_devices(served.address, served.socket, 1, tmp_path / "desks", kind=KIND)
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(
            device_id=f"{KIND}-BENCH-0000",
            settings={"desk": "desk-01", "lockout_ms": "100", "hold_ms": "400"},
        )
    )
    for n in range(2):
        await issue(served, f"t{n}")
    stop = asyncio.Event()
    setup = DeskSetup(state, "BENCH-0000", heartbeat_s=0.05)
    running = asyncio.create_task(run_simulated_desk(setup, stop, FAST))

    async def all_served() -> bool:
        queue = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        return not queue.tickets

    await eventually(all_served, 10)
    stop.set()
    await asyncio.wait_for(running, WAIT_S)


async def test_a_desk_with_a_rating_box_in_its_settings_takes_the_visitors_scores(
    served: Served, factory: MockFactory, tmp_path: Path
) -> None:
    (state,) = await enroll_devices(served.address, served.socket, 1, tmp_path / "desks", kind=KIND)
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(
            device_id=f"{KIND}-BENCH-0000",
            settings={"desk": "1", "rating_pins": "12,16,20,21,26"},
        )
    )
    ticket_id = await serve_one(served.hub, "desk-01")
    stop = asyncio.Event()
    setup = DeskSetup(state, "BENCH-0000", pin_factory=factory, heartbeat_s=0.05)
    running = asyncio.create_task(run_desk(setup, stop))

    async def rated() -> bool:
        pin = factory.pin(12)  # score 1; pressed until the box is there to count it
        pin.drive_low()
        pin.drive_high()
        with sqlite3.connect(served.db) as db:
            found = db.execute("SELECT payload FROM events WHERE kind = 'ticket_rated'").fetchone()
        return found is not None

    await eventually(rated, WAIT_S)
    stop.set()
    await asyncio.wait_for(running, WAIT_S)
    with sqlite3.connect(served.db) as db:
        (payload,) = db.execute("SELECT payload FROM events WHERE kind = 'ticket_rated'").fetchone()
    assert json.loads(payload)["rating"]["ticket_id"] == ticket_id
    assert json.loads(payload)["rating"]["score"] == 1


def test_rating_pins_must_be_five_free_pins() -> None:
    with pytest.raises(PinConflict, match="rating_pins"):
        parse_settings({"desk": "1", "rating_pins": "17,16,20,21,26"})  # 17 calls the next
    with pytest.raises(BadSettings, match="five"):
        parse_settings({"desk": "1", "rating_pins": "12,16"})
    assert parse_settings({"desk": "1"}).rating_pins == ()
