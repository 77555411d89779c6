"""The visitor's rating box on mock pins against a real hub: a press rates the last visit."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from gpiozero.pins.mock import MockFactory

from staff_desk.errors import BadSettings, PinConflict
from staff_desk.rating_agent import RatingAgent, run_rating_box
from staff_desk.rating_box import DEFAULT_PINS, RatingBox
from tests.hub.conftest import Served
from tests.hub.test_ratings import serve_one
from tests.polling import eventually
from tests.staff_desk.conftest import WAIT_S, unit_channel

DESK = "desk-01"


def press(factory: MockFactory, score: int) -> None:
    pin = factory.pin(DEFAULT_PINS[score - 1])
    pin.drive_low()
    pin.drive_high()


async def test_a_press_rates_the_visitor_who_just_left(
    served: Served, factory: MockFactory
) -> None:
    async with unit_channel(served, DESK) as channel:
        agent = RatingAgent(channel, DESK)
        with RatingBox(agent.press_from_thread, pin_factory=factory, lockout_s=0):
            press(factory, 1)
            (first,) = await agent.until(1, WAIT_S)
            assert first.result == "not_ratable"
            ticket_id = await serve_one(served.hub, DESK)
            press(factory, 4)
            press(factory, 5)
            outcomes = await agent.until(3, WAIT_S)
        await agent.close()
    # The refusal may come back before the rating's commit does: order by score.
    rated, refused = sorted(outcomes[1:], key=lambda o: o.score)
    assert (rated.score, rated.result, rated.ticket_id) == (4, "done", ticket_id)
    assert (refused.score, refused.result) == (5, "already_rated")
    with sqlite3.connect(served.db) as db:
        (payload,) = db.execute("SELECT payload FROM events WHERE kind = 'ticket_rated'").fetchone()
    assert json.loads(payload)["rating"] == {
        "ticket_id": ticket_id,
        "service_id": "passport",
        "desk_id": DESK,
        "operator_id": "ivanova-a",
        "score": 4,
        "channel": "desk",
    }


async def test_presses_within_the_lockout_rate_once(served: Served, factory: MockFactory) -> None:
    ticket_id = await serve_one(served.hub, DESK)
    times = iter([100.0, 100.5, 101.0])
    async with unit_channel(served, DESK) as channel:
        agent = RatingAgent(channel, DESK)
        with RatingBox(agent.press_from_thread, pin_factory=factory, clock=lambda: next(times)):
            press(factory, 2)
            press(factory, 3)
            press(factory, 5)
            (only,) = await agent.until(1, WAIT_S)
        await agent.close()
    assert agent.outcomes == [only]
    assert (only.score, only.result, only.ticket_id) == (2, "done", ticket_id)


def test_a_box_needs_five_distinct_pins(factory: MockFactory) -> None:
    with pytest.raises(BadSettings, match="five buttons"):
        RatingBox(print, (12, 16), pin_factory=factory)
    with pytest.raises(PinConflict, match="share a pin"):
        RatingBox(print, (12, 12, 16, 20, 21), pin_factory=factory)


async def test_run_rating_box_serves_presses_until_stopped(
    served: Served, factory: MockFactory
) -> None:
    ticket_id = await serve_one(served.hub, DESK)
    stop = asyncio.Event()

    async def box_ready() -> bool:
        return len(factory.pins) >= len(DEFAULT_PINS)

    async def rated() -> bool:
        return (await served.hub.ratings.facts(ticket_id)).rated

    async with unit_channel(served, DESK) as channel:
        running = asyncio.create_task(run_rating_box(channel, DESK, stop, pin_factory=factory))
        await eventually(box_ready)
        press(factory, 5)
        await eventually(rated)
        stop.set()
        agent = await running
    assert [(o.score, o.result) for o in agent.outcomes] == [(5, "done")]
