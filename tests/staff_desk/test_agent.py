"""The desk agent on mock pins against a real hub on loopback: presses become calls, once."""

from __future__ import annotations

import asyncio

import pytest
from gpiozero.pins.mock import MockFactory

from protos.okno.v1 import common_pb2, queue_pb2
from staff_desk.agent import DeskAgent
from staff_desk.errors import BadSettings, PinConflict
from staff_desk.light import Light
from staff_desk.presses import Action, Button
from tests.hub.conftest import Served
from tests.staff_desk.conftest import WAIT_S, desk_unit, opener, tap, unit_channel

DESK = "desk-01"


async def issue(served: Served, request_id: str, service: str = "passport") -> str:
    answer = await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id=service, request_id=request_id)
    )
    return answer.ticket.number


async def open_desk(served: Served, desk: str = DESK) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(request_id=f"open-{desk}", desk_id=desk))


async def hub_desk(served: Served, desk: str = DESK) -> common_pb2.Desk:
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    (found,) = [d for d in state.desks if d.id == desk]
    return found


async def waiting(served: Served) -> list[str]:
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    return [t.number for t in state.tickets if t.state == common_pb2.TICKET_STATE_WAITING]


async def pressed(agent: DeskAgent, count: int) -> None:
    await agent.until(lambda: agent.pressed >= count, WAIT_S)


async def test_a_press_opens_the_desk_calls_and_the_toggle_starts_and_finishes(
    served: Served, factory: MockFactory
) -> None:
    number = await issue(served, "t1")
    config = {"desk": DESK, "lockout_ms": "0"}
    async with desk_unit(served, factory, config) as (agent, pins):
        await agent.until(lambda: agent.light is Light.CLOSED, WAIT_S)
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 1)
        await agent.until(lambda: agent.light is Light.CALLING, WAIT_S)
        assert agent.outcomes[-1].result == "done"
        assert agent.outcomes[-1].ticket == number
        desk = await hub_desk(served)
        assert desk.state == common_pb2.DESK_STATE_OPEN
        assert agent.view.ticket is not None and agent.view.ticket.number == number
        tap(pins, Button.START_FINISH)
        await pressed(agent, 2)
        await agent.until(lambda: agent.light is Light.SERVING, WAIT_S)
        tap(pins, Button.START_FINISH)
        await pressed(agent, 3)
        await agent.until(lambda: agent.light is Light.IDLE, WAIT_S)
        assert [o.action for o in agent.outcomes] == [
            Action.CALL_NEXT,
            Action.START_FINISH,
            Action.START_FINISH,
        ]
        assert (await hub_desk(served)).current_ticket_id == ""


async def test_bounce_and_a_double_press_call_one_visitor(
    served: Served, factory: MockFactory
) -> None:
    first = await issue(served, "t1")
    second = await issue(served, "t2")
    await open_desk(served)
    config = {"desk": DESK, "debounce_ms": "50"}
    async with desk_unit(served, factory, config) as (agent, pins):
        tap(pins, Button.CALL_NEXT, bounces=3)
        await pressed(agent, 1)
        # Pressed again at once, as a nervous operator does: within the lockout.
        tap(pins, Button.CALL_NEXT, bounces=3)
        await agent.until(lambda: agent.swallowed == 1, WAIT_S)
        assert agent.pressed == 1
        assert [o.ticket for o in agent.outcomes] == [first]
        assert await waiting(served) == [second]


async def test_a_long_press_pauses_and_a_short_one_comes_back(
    served: Served, factory: MockFactory
) -> None:
    number = await issue(served, "t1")
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK, "hold_ms": "300"}) as (
        agent,
        pins,
    ):
        await agent.until(lambda: agent.light is Light.IDLE, WAIT_S)
        pins.down(Button.CALL_NEXT)
        await agent.until(lambda: agent.light is Light.PAUSED, WAIT_S)
        pins.up(Button.CALL_NEXT)
        assert (await hub_desk(served)).state == common_pb2.DESK_STATE_PAUSED
        (paused,) = agent.outcomes
        assert (paused.action, paused.result) == (Action.PAUSE, "done")
        # Nobody was called by the long press, and its release calls nobody either.
        assert await waiting(served) == [number]
        pins.down(Button.CALL_NEXT)
        pins.up(Button.CALL_NEXT)
        await pressed(agent, 2)
        assert agent.light is Light.CALLING
        assert agent.outcomes[-1].ticket == number


async def test_nobody_waiting_is_an_answer_not_an_error(
    served: Served, factory: MockFactory
) -> None:
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK}) as (agent, pins):
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 1)
        assert agent.outcomes[-1].result == "nobody"
        assert agent.light is Light.IDLE


async def test_recall_then_no_show(served: Served, factory: MockFactory) -> None:
    await issue(served, "t1")
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK}) as (agent, pins):
        tap(pins, Button.CALL_NEXT)
        await pressed(agent, 1)
        tap(pins, Button.RECALL)
        await agent.until(
            lambda: agent.view.ticket is not None and agent.view.ticket.recalls == 1, WAIT_S
        )
        tap(pins, Button.NO_SHOW)
        await pressed(agent, 3)
        assert agent.light is Light.IDLE
        assert [o.result for o in agent.outcomes] == ["done", "done", "done"]


async def test_a_press_the_hub_refuses_says_why_and_changes_nothing(
    served: Served, factory: MockFactory
) -> None:
    await open_desk(served)
    async with desk_unit(served, factory, {"desk": DESK}) as (agent, pins):
        tap(pins, Button.START_FINISH)
        await pressed(agent, 1)
        (refused,) = agent.outcomes
        assert refused.result == "press_refused"
        assert "has no visitor now" in refused.reason
        assert agent.light is Light.IDLE


async def test_the_desk_may_be_named_by_its_number(served: Served, factory: MockFactory) -> None:
    async with desk_unit(served, factory, {"desk": "2"}) as (agent, _):
        assert agent.desk_id == "desk-02"


async def test_two_units_pressing_at_the_same_instant_never_get_the_same_visitor(
    served: Served, factory: MockFactory
) -> None:
    other = {
        "desk": "desk-02",
        "lockout_ms": "0",
        "pin_call_next": "24",
        "pin_recall": "none",
        "pin_start_finish": "none",
        "pin_no_show": "none",
        "pin_led_red": "16",
        "pin_led_green": "20",
        "pin_led_blue": "21",
        "hold_call_next": "none",
    }
    await open_desk(served, "desk-01")
    await open_desk(served, "desk-02")
    one = {"desk": "desk-01", "lockout_ms": "0", "hold_call_next": "none"}
    async with (
        desk_unit(served, factory, one) as (first, first_pins),
        desk_unit(served, factory, other) as (second, second_pins),
    ):
        for round_ in range(5):
            # Two visitors, then one: the two desks never share one, and one call finds none.
            for tickets in (2, 1):
                numbers = {await issue(served, f"r{round_}-{tickets}-{n}") for n in range(tickets)}
                done = first.pressed, second.pressed
                # Both pins go down in the same instant; the two calls race to the hub.
                first_pins.down(Button.CALL_NEXT)
                second_pins.down(Button.CALL_NEXT)
                await pressed(first, done[0] + 1)
                await pressed(second, done[1] + 1)
                first_pins.up(Button.CALL_NEXT)
                second_pins.up(Button.CALL_NEXT)
                outcomes = {"desk-01": first.outcomes[-1], "desk-02": second.outcomes[-1]}
                called = [o.ticket for o in outcomes.values() if o.result == "done"]
                assert sorted(called) == sorted(numbers)
                for desk, outcome in outcomes.items():
                    if outcome.result == "done":
                        await served.queue.MarkNoShow(
                            queue_pb2.DeskRequest(request_id=f"gone-{outcome.ticket}", desk_id=desk)
                        )
                await first.until(lambda: first.light is Light.IDLE, WAIT_S)
                await second.until(lambda: second.light is Light.IDLE, WAIT_S)


async def test_settings_are_refused_with_reasons_and_the_old_ones_stay(
    served: Served, factory: MockFactory
) -> None:
    reports: list[str] = []
    async with desk_unit(
        served, factory, {"desk": DESK}, report=lambda error, _: reports.append(error)
    ) as (agent, _):
        with pytest.raises(BadSettings, match="desk 'desk-99' is not in this branch: desks are"):
            agent.configure({"desk": "desk-99"})
        with pytest.raises(PinConflict, match="GPIO17 is given to"):
            agent.configure({"desk": DESK, "pin_recall": "17"})
        assert agent.settings is not None and agent.settings.desk == DESK
        # Moving a button to another pin frees the old one.
        agent.configure({"desk": DESK, "pin_call_next": "24"})
        assert agent.settings.wiring.buttons[Button.CALL_NEXT] == 24
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
        factory.pin(24).drive_low()
        factory.pin(24).drive_high()
        await pressed(agent, 1)
        assert agent.outcomes[-1].action is Action.CALL_NEXT
    # Nothing was wrong for the hub to show: refusals are the technician's command outcome.
    assert reports == []


async def test_a_desk_not_in_the_branch_is_a_fault_shown_and_reported(
    served: Served, factory: MockFactory
) -> None:
    reports: list[str] = []
    hub_up = asyncio.Event()
    hub_up.set()
    async with unit_channel(served, "desk-99") as channel:
        agent = DeskAgent(channel, hub_up, opener(factory), lambda error, _: reports.append(error))
        agent.configure({"desk": "desk-99"})
        stop = asyncio.Event()
        running = asyncio.create_task(agent.run(stop))
        await agent.until(lambda: agent.light is Light.FAULT, WAIT_S)
        assert reports[-1].startswith("desk 'desk-99' is not in this branch")
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
        await pressed(agent, 1)
        assert agent.outcomes[-1].result == "unknown_desk"
        stop.set()
        await asyncio.wait_for(running, WAIT_S)


async def test_an_unconfigured_unit_reports_why(served: Served, factory: MockFactory) -> None:
    reports: list[str] = []
    hub_up = asyncio.Event()
    async with unit_channel(served, "") as channel:
        agent = DeskAgent(
            channel,
            hub_up,
            lambda wiring, sink: pytest.fail("no pins yet"),
            lambda e, _: reports.append(e),
        )
        with pytest.raises(BadSettings):
            agent.configure({})
    assert reports == [
        "not configured: no desk set: give desk=<desk id or number>, for example desk=desk-05"
    ]
    assert agent.light is Light.FAULT
