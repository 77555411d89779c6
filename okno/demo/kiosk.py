"""Visitors taking tickets at the kiosk when the traffic model has them arrive."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.domain.branch import Branch, Service
from hub.traffic import (
    DEFAULT_MIX,
    OTHER_SERVICE,
    Arrival,
    Visit,
    arrivals,
    day_start_ms,
    service_duration_s,
    sustainable_total,
)
from okno.demo.checklists import looks_up
from okno.demo.rpc import attempt, request_id
from okno.demo.world import World
from protos.okno.v1 import queue_pb2

log = logging.getLogger(__name__)
# Every this many visitors one comes to pay a state fee at the kiosk's terminal before
# taking a ticket (the second visitor of the demo is the first, so a short run shows one).
PAYER_EVERY = 8


def demo_mix(branch: Branch) -> dict[str, float]:
    """The services the demo's visitors ask for: the model's mix with one visitor in
    PAYER_EVERY moved to the paid service, so the day's size and staffing count them."""
    mix: Mapping[str, float] = DEFAULT_MIX
    shares = {s.id: mix.get(s.id, OTHER_SERVICE) for s in branch.services}
    paid = [s.id for s in branch.services if s.fee_kopecks]
    if not paid:
        return shares
    everyone = sum(shares.values())
    moved = {sid: share * (1 - 1 / PAYER_EVERY) for sid, share in shares.items()}
    moved[paid[0]] += everyone / PAYER_EVERY
    return moved


def paying(arrival: Arrival, paid: Service, rng: random.Random) -> Arrival:
    """The visitor who paid queues for the paid service, for as long as that takes."""
    visit = Visit(paid.id, service_duration_s(paid, rng))
    return replace(arrival, visits=(visit,), priority="", priority_from_ms=0)


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
        total = sustainable_total(branch, start, mix=demo_mix(branch))
        log.info("kiosk day day=%s visitors=%d", day.isoformat(), total)
        for arrival in arrivals(branch, start, total, rng):
            if arrival.at_ms < clock.start_ms:
                continue
            if not await clock.sleep_until(arrival.at_ms, world.stop):
                return
            count += 1
            await _arrive(
                world, arrival, rng, pays=count % PAYER_EVERY == 2, checklist=looks_up(count)
            )
        day += timedelta(days=1)


async def _arrive(
    world: World, arrival: Arrival, rng: random.Random, *, pays: bool, checklist: bool
) -> None:
    """A visitor takes a ticket; one who came to pay a fee pays at the terminal first and
    then queues for the desk that takes the paid service; one who looks up what to bring
    prints the checklist of their service before the ticket."""
    paid = next((s for s in world.branch.services if s.fee_kopecks), None) if pays else None
    if world.cashier and paid:
        if not await world.cashier.pay(paid):
            return
        arrival = paying(arrival, paid, rng)
    if world.checklists and checklist:
        await world.checklists.take(arrival.service_id)
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
        world.kiosk.queue.IssueTicket(request), "IssueTicket", service=arrival.service_id
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
