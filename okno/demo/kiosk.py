"""Visitors taking tickets at the kiosk when the traffic model has them arrive."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.traffic import Arrival, Visit, arrivals, day_start_ms, sustainable_total
from okno.demo.rpc import attempt, request_id
from okno.demo.world import World
from protos.okno.v1 import queue_pb2

log = logging.getLogger(__name__)
# Every this many visitors one comes to pay a state fee at the kiosk's terminal before
# taking a ticket (the second visitor of the demo is the first, so a short run shows one).
PAYER_EVERY = 8


async def run_kiosk(world: World, rng: random.Random) -> None:
    """Issue the day's tickets as visitors arrive, day after day, until the demo stops.

    Each day brings as many visitors as the example hall serves in time; those who would
    have come before the demo began are not simulated.
    """
    branch, clock = world.branch, world.clock
    day = datetime.fromtimestamp(clock() / 1000, ZoneInfo(branch.timezone)).date()
    count = 0
    while not world.stop.is_set():
        start = day_start_ms(day, branch.timezone)
        total = sustainable_total(branch, start)
        log.info("kiosk day day=%s visitors=%d", day.isoformat(), total)
        for arrival in arrivals(branch, start, total, rng):
            if arrival.at_ms < clock.start_ms:
                continue
            if not await clock.sleep_until(arrival.at_ms, world.stop):
                return
            count += 1
            await _arrive(world, arrival, pays=count % PAYER_EVERY == 2)
        day += timedelta(days=1)


async def _arrive(world: World, arrival: Arrival, *, pays: bool) -> None:
    """A visitor takes a ticket; one who came to pay a fee pays at the terminal first and
    then queues for the desk that takes the paid service."""
    paid = next((s for s in world.branch.services if s.fee_kopecks), None) if pays else None
    if world.cashier and paid:
        if not await world.cashier.pay(paid):
            return
        visit = Visit(paid.id, arrival.visits[0].duration_s)
        arrival = replace(arrival, visits=(visit,), priority="", priority_from_ms=0)
    await _issue(world, arrival)


async def _issue(world: World, arrival: Arrival) -> None:
    request = queue_pb2.IssueTicketRequest(
        request_id=request_id(),
        service_id=arrival.service_id,
        priority=arrival.priority,
        priority_from_unix_ms=arrival.priority_from_ms,
        printer_id=world.printer_id,
    )
    response = await attempt(
        world.hub.queue.IssueTicket(request), "IssueTicket", service=arrival.service_id
    )
    if response is None:
        return
    world.visitors.arrived(response.ticket.id, arrival)
    log.debug(
        "ticket issued number=%s service=%s priority=%s ahead=%d",
        response.ticket.number,
        arrival.service_id,
        arrival.priority or "-",
        response.estimate.people_ahead,
    )
