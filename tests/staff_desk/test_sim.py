"""The simulated operator serves visitors through the real pins, press logic and agent."""

from __future__ import annotations

import asyncio
import random

from gpiozero.pins.mock import MockFactory

from protos.okno.v1 import common_pb2, queue_pb2
from staff_desk.sim import Habits, SimulatedOperator
from tests.hub.conftest import Served
from tests.staff_desk.conftest import desk_unit
from tests.staff_desk.test_agent import DESK, issue, waiting

FAST = Habits(
    walk_up_s=0.02,
    serve_s=0.05,
    idle_s=0.05,
    glance_s=0.08,
    press_s=0.06,
    hold_s=0.4,
    no_show=0.4,
)


async def test_a_simulated_operator_calls_serves_and_gives_up_on_no_shows(
    served: Served, factory: MockFactory
) -> None:
    for n in range(4):
        await issue(served, f"t{n}")
    # Real contact bounce (the operator's buttons chatter), a short lockout to keep it fast.
    config = {"desk": DESK, "debounce_ms": "50", "lockout_ms": "100", "hold_ms": "300"}
    async with desk_unit(served, factory, config) as (agent, pins):
        operator = SimulatedOperator(pins, lambda: agent.light, habits=FAST, rng=random.Random(7))
        stop = asyncio.Event()
        working = asyncio.create_task(operator.run(stop))
        await agent.until(lambda: operator.served + operator.no_shows >= 4, 10)
        stop.set()
        await asyncio.wait_for(working, 5)
    assert operator.no_shows >= 1
    assert await waiting(served) == []
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert not [t for t in state.tickets if t.state == common_pb2.TICKET_STATE_CALLED]


async def test_a_simulated_operator_takes_a_break_with_a_long_press(
    served: Served, factory: MockFactory
) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(request_id="o", desk_id=DESK))
    config = {"desk": DESK, "hold_ms": "300"}
    async with desk_unit(served, factory, config) as (agent, pins):
        operator = SimulatedOperator(pins, lambda: agent.light, habits=FAST)
        await operator.take_a_break()
        await agent.until(lambda: agent.pressed == 1, 5)
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    (desk,) = [d for d in state.desks if d.id == DESK]
    assert desk.state == common_pb2.DESK_STATE_PAUSED
