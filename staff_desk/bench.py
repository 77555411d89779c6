"""``okno desk bench``: from a desk button press to the call on the hall feed.

Measured end to end on real parts: ``okno hub`` in its own process, the desk unit's
program (as ``okno desk`` runs it, enrolled and over mutual TLS) on gpiozero's mock pins,
and a hall feed subscriber as a board is one (an administrator signed in over TLS, who
also issues the tickets and sends each called visitor away). The clock starts when the
pin is driven low and stops when the TICKET_CALLED event for the desk reaches the
subscriber; the board's own paint is the hall display's benchmark.

Two runs: "call next" without a hold action acts on the press; with one (a long press
pauses the desk, the default) a short press acts on the release, so that run is timed
from the release, the finger's time on the button being the operator's.
"""

from __future__ import annotations

import asyncio
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import grpc
from gpiozero.pins.mock import MockFactory

from hub.bench.devices import free_port
from hub.bench.process import opened_at_nine, signed_in_administrator, start_hub
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import enroll_devices
from okno.runtime.hubtls import admin_socket
from protos.okno.v1 import (
    devices_pb2,
    devices_pb2_grpc,
    feed_pb2,
    feed_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)
from staff_desk.agent import DeskAgent
from staff_desk.light import Light
from staff_desk.presses import Button
from staff_desk.program import KIND, DeskSetup, run_desk
from staff_desk.settings import DEFAULT_BUTTONS
from staff_desk.sim import MockPin

SERIAL = "BENCH-0000"
DESK = "desk-01"
SERVICE = "passport"
TARGET_MS = 150.0
PRESS_S = 0.08
GAP_S = 0.1
READY_S = 20.0
CALLED_S = 5.0


async def measure_press_to_board(config: Path, presses: int = 200) -> list[Figure]:
    """Press-to-feed latency of "call next", ``presses`` times each way; figures in ms."""
    with tempfile.TemporaryDirectory(prefix="okno-bench-desk-") as scratch:
        root = Path(scratch)
        options = ("--device-listen", f"127.0.0.1:{free_port()}", *opened_at_nine(config))
        hub, port = await start_hub(config, root / "hub.db", *options)
        address = f"127.0.0.1:{port}"
        socket = admin_socket_for(root / "hub.db")
        try:
            (state,) = await enroll_devices(address, socket, 1, root / "desks", kind=KIND)
            ca_pem = (state / "ca.pem").read_bytes()
            channel = await signed_in_administrator(config, socket, address, ca_pem)
            async with channel, admin_socket(socket)() as local:
                on_press = await _run(channel, local, state, address, presses, hold="none")
                on_release = await _run(channel, local, state, address, presses, hold="pause")
        finally:
            hub.send_signal(signal.SIGTERM)
            await hub.wait()
    return [
        Figure("presses", len(on_press) + len(on_release), "presses"),
        Figure("press_to_board_p50", percentile(on_press, 50), "ms"),
        Figure("press_to_board_p99", percentile(on_press, 99), "ms", TARGET_MS, "<="),
        Figure("press_to_board_max", max(on_press), "ms"),
        Figure("release_to_board_p50", percentile(on_release, 50), "ms"),
        Figure("release_to_board_p99", percentile(on_release, 99), "ms", TARGET_MS, "<="),
    ]


async def _run(
    channel: grpc.aio.Channel,
    local: grpc.aio.Channel,
    state: Path,
    address: str,
    presses: int,
    *,
    hold: str,
) -> list[float]:
    """Run the desk program configured with ``hold_call_next=hold``; the latencies.

    ``channel`` is the administrator's, ``local`` the admin socket a technician configures
    the unit through.
    """
    provisioning = devices_pb2_grpc.ProvisioningStub(local)
    await provisioning.ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(
            device_id=f"{KIND}-{SERIAL}",
            # No lockout: the next press follows as soon as the desk is free again.
            settings={"desk": DESK, "hold_call_next": hold, "lockout_ms": "0"},
        )
    )
    factory = MockFactory()
    agents: list[DeskAgent] = []
    started = asyncio.Event()

    def on_agent(agent: DeskAgent) -> None:
        agents.append(agent)
        started.set()

    stop = asyncio.Event()
    setup = DeskSetup(state, SERIAL, hub=address, pin_factory=factory, heartbeat_s=1.0)
    desk = asyncio.create_task(run_desk(setup, stop, on_agent=on_agent))
    try:
        await asyncio.wait_for(started.wait(), READY_S)
        (agent,) = agents
        await agent.until(lambda: agent.light in (Light.CLOSED, Light.PAUSED, Light.IDLE), READY_S)
        pin = factory.pin(DEFAULT_BUTTONS[Button.CALL_NEXT])
        return await _press_and_time(channel, agent, pin, presses, on_release=hold != "none")
    finally:
        stop.set()
        await desk
        factory.close()


async def _press_and_time(
    channel: grpc.aio.Channel, agent: DeskAgent, pin: MockPin, presses: int, *, on_release: bool
) -> list[float]:
    run = "release" if on_release else "press"
    queue = queue_pb2_grpc.QueueServiceStub(channel)
    calls: asyncio.Queue[float] = asyncio.Queue()
    subscribed = asyncio.Event()
    feed = asyncio.create_task(_watch_calls(channel, calls, subscribed))
    latencies = []
    try:
        await asyncio.wait_for(subscribed.wait(), READY_S)
        # The first press also opens the desk: a warm-up, not measured.
        for n in range(presses + 1):
            await queue.IssueTicket(
                queue_pb2.IssueTicketRequest(service_id=SERVICE, request_id=f"{run}-{n}")
            )
            done = agent.pressed
            started = time.monotonic()
            pin.drive_low()
            if on_release:
                await asyncio.sleep(PRESS_S)
                started = time.monotonic()
                pin.drive_high()
            called = await asyncio.wait_for(calls.get(), CALLED_S)
            pin.drive_high()
            if n > 0:
                latencies.append((called - started) * 1000)
            await agent.until(_pressed_since(agent, done), CALLED_S)
            await queue.MarkNoShow(
                queue_pb2.DeskRequest(request_id=f"{run}-gone-{n}", desk_id=DESK)
            )
            # A finger's pause between presses: a press sooner than this would be bounce.
            await asyncio.sleep(GAP_S)
    finally:
        feed.cancel()
    return latencies


async def _watch_calls(
    channel: grpc.aio.Channel, calls: asyncio.Queue[float], subscribed: asyncio.Event
) -> None:
    """Put the arrival time of each call at the desk, as a board subscribed to the feed sees it."""
    feed = feed_pb2_grpc.HallFeedStub(channel)
    async for message in feed.Subscribe(feed_pb2.SubscribeRequest()):
        if message.WhichOneof("body") == "snapshot":
            subscribed.set()
            continue
        event = message.event
        if event.kind == feed_pb2.EVENT_KIND_TICKET_CALLED and event.desk.id == DESK:
            calls.put_nowait(time.monotonic())


def _pressed_since(agent: DeskAgent, done: int) -> Callable[[], bool]:
    return lambda: agent.pressed > done
