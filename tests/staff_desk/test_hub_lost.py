"""A desk unit that loses the hub says so at once, refuses presses, and sends none later."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from gpiozero.pins.mock import MockFactory

from hub.api.server import create_device_server
from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2
from staff_desk.agent import CHANNEL_OPTIONS, DeskAgent
from staff_desk.light import Light
from staff_desk.presses import Button
from staff_desk.settings import DEFAULT_LED
from staff_desk.sim import Pins
from tests.hub.conftest import Served
from tests.hub.devices import enrolled
from tests.staff_desk.conftest import WAIT_S, desk_unit, opener, tap
from tests.staff_desk.test_agent import DESK, hub_desk, issue, open_desk, pressed, waiting

SETTINGS = {"desk": DESK, "debounce_ms": "0"}


async def test_a_press_while_the_hub_is_down_is_refused_and_never_sent_later(
    served: Served, factory: MockFactory, tmp_path: Path
) -> None:
    credentials = await enrolled(
        served, DeviceKey.load_or_create(tmp_path / "desk"), "staff_desk", "D-1", "Окно 1"
    )
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id="staff_desk-D-1", settings=SETTINGS)
    )
    server, port = await create_device_server(served.hub, "127.0.0.1:0", ["127.0.0.1"])
    await server.start()
    address = f"127.0.0.1:{port}"
    units = opener(factory)
    agents: list[DeskAgent] = []

    def configure(config: dict[str, str]) -> None:
        agents[0].configure(config)

    session = HubSession(address, credentials, heartbeat_s=0.05, on_config=configure)
    stop = asyncio.Event()
    async with grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS) as channel:
        agent = DeskAgent(channel, session.connected, units, session.report, session_poll_s=0.02)
        agents.append(agent)
        running = [asyncio.create_task(agent.run(stop)), asyncio.create_task(session.run(stop))]
        await open_desk(served)
        await agent.until(lambda: agent.light is Light.IDLE, WAIT_S)
        assert agent.settings is not None
        pins = Pins(factory, agent.settings.wiring)

        # The hub's device port goes away (the hub itself keeps the queue).
        await server.stop(0)
        await agent.until(lambda: agent.light is Light.HUB_LOST, WAIT_S)
        number = await issue(served, "t1")
        red = factory.pin(DEFAULT_LED[0])
        red.clear_states()
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 1)
        (refused,) = agent.outcomes
        assert refused.result == "hub_lost"
        assert "press again once the light is steady" in refused.reason
        # The refusal flashes red fast over the slow "hub lost" blink.
        await agent.until(lambda: len(red.states) >= 6, WAIT_S)

        # The hub comes back on the same port: the unit shows the desk again...
        server, _ = await create_device_server(served.hub, address, ["127.0.0.1"])
        await server.start()
        await agent.until(lambda: agent.light is Light.IDLE, 10)
        # ...and the press made while it was down was never sent.
        assert await waiting(served) == [number]
        assert (await hub_desk(served)).current_ticket_id == ""
        assert agent.pressed == 1

        # A press now calls.
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 2)
        assert agent.outcomes[-1].ticket == number
        assert agent.light is Light.CALLING
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), WAIT_S)
    await server.stop(0)


class FlakyQueue:
    """The hub's queue stub, whose CallNext fails UNAVAILABLE the first ``failures`` times."""

    def __init__(self, real: object, failures: int) -> None:
        self._real = real
        self.failures = failures
        self.requests: list[queue_pb2.DeskRequest] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    async def CallNext(  # noqa: N802 (the RPC's name)
        self,
        request: queue_pb2.DeskRequest,
        timeout: float | None = None,  # noqa: ASYNC109 (the stub's own signature)
    ) -> queue_pb2.TicketResponse:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.UNAVAILABLE,
                grpc.aio.Metadata(),
                grpc.aio.Metadata(),
                details="connection reset",
            )
        answer: queue_pb2.TicketResponse = await self._real.CallNext(  # type: ignore[attr-defined]
            request, timeout=timeout
        )
        return answer


async def test_a_press_the_hub_missed_is_retried_with_the_same_request_id(
    served: Served, factory: MockFactory
) -> None:
    number = await issue(served, "t1")
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK}) as (agent, pins):
        flaky = FlakyQueue(agent._calls._queue, failures=2)
        agent._calls._queue = flaky  # type: ignore[assignment]
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 1)
        assert agent.outcomes[-1].ticket == number
        assert len(flaky.requests) == 3
        assert len({r.request_id for r in flaky.requests}) == 1


async def test_a_press_the_hub_never_answers_is_dropped_not_kept(
    served: Served, factory: MockFactory
) -> None:
    number = await issue(served, "t1")
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK}, retry_for_s=0.3) as (
        agent,
        pins,
    ):
        flaky = FlakyQueue(agent._calls._queue, failures=1000)
        agent._calls._queue = flaky  # type: ignore[assignment]
        tap(pins, Button.CALL_NEXT)
        await agent.until(lambda: agent.light is Light.HUB_LOST, WAIT_S)
        await pressed(agent, 1)
        assert agent.outcomes[-1].result == "hub_lost"
        tries = len(flaky.requests)
        assert tries >= 2
        # Dropped: the light comes back and nothing more is sent.
        await agent.until(lambda: agent.light is Light.IDLE, WAIT_S)
        assert len(flaky.requests) == tries
        assert await waiting(served) == [number]
