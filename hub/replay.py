"""A whole day of a big centre replayed in simulated time against the real queue engine.

No database and no network: the engine alone, driven by the traffic model as fast as
the processor goes, so that a change to the dispatcher shows at once in what visitors
would wait. The figures are read back from the engine's events only, as an auditor
reading the event log would, so they also check the engine's promises: no ticket
called twice, no number issued twice.
"""

from __future__ import annotations

import heapq
import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import count

from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.domain.model import Event, EventKind, Outcome, WaitEstimate
from hub.traffic import (
    DEFAULT_MIX,
    Act,
    Arrival,
    Shift,
    Step,
    Visitors,
    arrivals,
    day_start_ms,
    opening_ms,
    staffed_for,
    staffing,
)
from okno.bench import percentile

log = logging.getLogger(__name__)

# A Monday: a fixed day keeps a seeded replay comparable from run to run.
REFERENCE_DAY = date(2026, 11, 23)
# The headline indicator of Russian МФЦ rules: nobody should wait longer.
HEADLINE_WAIT_MIN = 15.0
_ENDS_VISIT = {
    EventKind.SERVICE_FINISHED,
    EventKind.TICKET_NO_SHOW,
    EventKind.TICKET_TRANSFERRED,
    EventKind.TICKET_CANCELLED,
}


@dataclass(frozen=True, slots=True)
class DayReport:
    """A day in figures; waits run from the ticket's issue to its first call, and a ticket
    never called counts with its wait until it left or the day's last event."""

    day: str
    desks: int
    events: int
    issued: int
    served: int
    no_shows: int
    cancelled: int
    transfers: int
    still_in_hall: int
    called: int
    average_wait_min: float
    max_wait_min: float
    p90_wait_min: float
    share_over_target: float
    share_over_15_min: float
    wait_by_service_min: dict[str, float]
    double_calls: int
    duplicate_numbers: int
    # What visitors were told at issue against what they then waited (known estimates).
    # None where no wait was told (the demo's figures, read from the event log alone).
    told_error_p50_min: float | None = None
    told_error_p90_min: float | None = None
    told_unknown: int | None = None


class DayTally:
    """Figures of a day from its events alone, in the order the engine numbered them."""

    def __init__(self, branch: Branch) -> None:
        self._targets_ms = {s.id: branch.target_wait_ms(s) for s in branch.services}
        self._desks = len(branch.desks)
        self._day = ""
        self._events = 0
        self._issued: dict[str, tuple[int, str]] = {}
        self._numbers: set[tuple[str, str]] = set()
        self._waits_ms: dict[str, int] = {}
        self._told_ms: dict[str, int | None] = {}
        self._called = 0
        self._last_ms = 0
        self._final: dict[str, EventKind] = {}
        self._at_desk: dict[str, str] = {}
        self._transfers = 0
        self._double_calls = 0
        self._duplicate_numbers = 0

    def add_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.add(event)

    def told(self, ticket_id: str, estimate: WaitEstimate | None) -> None:
        """The wait the visitor was told when the ticket was issued (None: unknown)."""
        known = estimate is not None and estimate.known
        self._told_ms[ticket_id] = estimate.wait_s * 1000 if known and estimate else None

    def add(self, event: Event) -> None:
        self._events += 1
        self._day = event.day
        self._last_ms = max(self._last_ms, event.at_ms)
        ticket = event.ticket
        if ticket is None:
            return
        if event.kind is EventKind.TICKET_ISSUED:
            if (ticket.day, ticket.number) in self._numbers:
                self._duplicate_numbers += 1
            self._numbers.add((ticket.day, ticket.number))
            self._issued[ticket.id] = (event.at_ms, ticket.service_id)
        elif event.kind is EventKind.TICKET_CALLED:
            # A ticket called while a desk still has it would bring two visitors to
            # two desks, or one visitor to two: the engine must never do it.
            if ticket.id in self._at_desk:
                self._double_calls += 1
            self._at_desk[ticket.id] = ticket.desk_id
            issued = self._issued.get(ticket.id)
            if issued is not None and ticket.id not in self._waits_ms:
                self._waits_ms[ticket.id] = event.at_ms - issued[0]
                self._called += 1
        elif event.kind in _ENDS_VISIT:
            self._at_desk.pop(ticket.id, None)
            self._ended_uncalled(ticket.id, event.at_ms)
            if event.kind is EventKind.TICKET_TRANSFERRED:
                self._transfers += 1
        self._final[ticket.id] = event.kind

    def _ended_uncalled(self, ticket_id: str, at_ms: int) -> None:
        """A ticket never called waited until it left (docs/hub.md, "What a wait is")."""
        issued = self._issued.get(ticket_id)
        if issued is not None and ticket_id not in self._waits_ms:
            self._waits_ms[ticket_id] = at_ms - issued[0]

    def report(self, until_ms: int = 0) -> DayReport:
        """The figures as of ``until_ms`` (the day's last event if 0): a ticket still
        waiting then counts with its wait so far."""
        until_ms = until_ms or self._last_ms
        waits = dict(self._waits_ms)
        for ticket_id, (issued_ms, _) in self._issued.items():
            waits.setdefault(ticket_id, until_ms - issued_ms)
        errors = [
            abs(told - waits[tid]) / 60_000
            for tid, told in self._told_ms.items()
            if told is not None and tid in waits
        ]
        minutes = [ms / 60_000 for ms in waits.values()]
        over_target = sum(
            1 for tid, ms in waits.items() if ms > self._targets_ms[self._issued[tid][1]]
        )
        by_service: dict[str, list[float]] = {}
        for tid, ms in waits.items():
            by_service.setdefault(self._issued[tid][1], []).append(ms / 60_000)
        finals = [self._final[tid] for tid in self._issued]
        ended = {EventKind.SERVICE_FINISHED, EventKind.TICKET_NO_SHOW, EventKind.TICKET_CANCELLED}
        return DayReport(
            day=self._day,
            desks=self._desks,
            events=self._events,
            issued=len(self._issued),
            served=finals.count(EventKind.SERVICE_FINISHED),
            no_shows=finals.count(EventKind.TICKET_NO_SHOW),
            cancelled=finals.count(EventKind.TICKET_CANCELLED),
            transfers=self._transfers,
            still_in_hall=sum(1 for kind in finals if kind not in ended),
            called=self._called,
            average_wait_min=_mean(minutes),
            max_wait_min=round(max(minutes, default=0.0), 2),
            p90_wait_min=round(percentile(minutes, 90), 2) if minutes else 0.0,
            share_over_target=_share(over_target, len(minutes)),
            share_over_15_min=_share(sum(m > HEADLINE_WAIT_MIN for m in minutes), len(minutes)),
            wait_by_service_min={sid: _mean(values) for sid, values in sorted(by_service.items())},
            double_calls=self._double_calls,
            duplicate_numbers=self._duplicate_numbers,
            told_error_p50_min=round(percentile(errors, 50), 2) if errors else None,
            told_error_p90_min=round(percentile(errors, 90), 2) if errors else None,
            told_unknown=(
                sum(told is None for told in self._told_ms.values()) if self._told_ms else None
            ),
        )


def replay_day(
    branch: Branch,
    total: int = 5000,
    seed: int = 20261123,
    *,
    day: date = REFERENCE_DAY,
    staff: bool = True,
    mix: Mapping[str, float] = DEFAULT_MIX,
) -> DayReport:
    """Replay ``total`` visitors on ``day`` asking for services by ``mix``; with ``staff``,
    repeat desks as they need."""
    hall = _replayed(branch, total, seed, day, staff, mix)
    report = hall.tally.report()
    log.info(
        "day replayed day=%s desks=%d issued=%d served=%d average_wait_min=%.1f "
        "share_over_target=%.3f",
        report.day,
        report.desks,
        report.issued,
        report.served,
        report.average_wait_min,
        report.share_over_target,
    )
    return report


def replay_events(
    branch: Branch, total: int = 5000, seed: int = 20261123, *, day: date = REFERENCE_DAY
) -> list[Event]:
    """The events the engine wrote in replay_day's day (desks staffed), in seq order: a
    real day for a generated history to repeat (hub/bench/year.py)."""
    return _replayed(branch, total, seed, day, True, DEFAULT_MIX).events


def _replayed(  # noqa: PLR0917 - the two public replays' own arguments, in their order
    branch: Branch, total: int, seed: int, day: date, staff: bool, mix: Mapping[str, float]
) -> _Hall:
    start = day_start_ms(day, branch.timezone)
    hours = opening_ms(branch, start)
    if hours is None:
        raise ValueError(f"the branch is closed on {day.isoformat()}: replay an open day")
    if staff:
        branch = staffed_for(branch, total, start, mix=mix)
    rng = random.Random(seed)
    visitors = arrivals(branch, start, total, rng, mix=mix)
    hall = _Hall(QueueEngine(branch, hours[0]), DayTally(branch))
    hall.run(visitors, staffing(branch, start))
    return hall


class _Hall:
    """The day's clock and the people in the hall: visitors arrive, operators work."""

    def __init__(self, engine: QueueEngine, tally: DayTally) -> None:
        self.engine = engine
        self.tally = tally
        self.events: list[Event] = []
        self._agenda: list[tuple[int, int, Callable[[int], None]]] = []
        self._order = count()
        self._visitors = Visitors()
        self._shifts: dict[str, Shift] = {}
        # Idle desks in the order they became idle: who waited longest presses first.
        self._idle: dict[str, None] = {}
        self._breaks_due: dict[str, int] = {}
        self._serving: dict[str, set[str]] = {}
        for desk in engine.config.desks:
            for service_id in desk.services:
                self._serving.setdefault(service_id, set()).add(desk.id)

    def run(self, visitors: list[Arrival], shifts: list[Shift]) -> None:
        for shift in shifts:
            desk_id = shift.desk_id
            self._shifts[desk_id] = shift
            self._at(shift.opens_ms, partial(self._open, desk_id))
            self._at(shift.closes_ms, partial(self._wake, {desk_id}))
            for begins, ends in shift.breaks:
                self._at(begins, partial(self._lunch, desk_id, ends - begins))
        for visitor in visitors:
            self._at(visitor.at_ms, partial(self._arrive, visitor))
        while self._agenda:
            now, _, action = heapq.heappop(self._agenda)
            action(now)

    def _at(self, at_ms: int, action: Callable[[int], None]) -> None:
        heapq.heappush(self._agenda, (at_ms, next(self._order), action))

    def _apply(self, outcome: Outcome) -> Outcome:
        self.tally.add_all(outcome.events)
        self.events += outcome.events
        return outcome

    def _arrive(self, visitor: Arrival, now: int) -> None:
        outcome = self._apply(
            self.engine.issue(
                visitor.service_id,
                now,
                priority=visitor.priority,
                priority_from_ms=visitor.priority_from_ms,
            )
        )
        ticket = outcome.ticket
        assert ticket is not None
        self.tally.told(ticket.id, outcome.estimate)
        self._visitors.arrived(ticket.id, visitor)
        self._wake(self._serving[ticket.service_id], now)

    def _open(self, desk_id: str, now: int) -> None:
        operator = self._shifts[desk_id].operator_id
        self._apply(self.engine.open_desk(desk_id, now, operator_id=operator))
        self._idle[desk_id] = None
        self._call(desk_id, now)

    def _lunch(self, desk_id: str, length_ms: int, now: int) -> None:
        """Go on break now if free, else right after the visitor; the break keeps its length."""
        self._breaks_due[desk_id] = length_ms
        if desk_id in self._idle:
            self._pause(desk_id, now)

    def _pause(self, desk_id: str, now: int) -> None:
        length_ms = self._breaks_due.pop(desk_id)
        self._idle.pop(desk_id, None)
        self._apply(self.engine.pause_desk(desk_id, now))
        self._at(now + length_ms, partial(self._open, desk_id))

    def _wake(self, desk_ids: set[str], now: int) -> None:
        """Idle desks that serve a new ticket call until one of them gets it.

        Every idle desk found its queue empty when it became idle, so one new ticket
        is all there is for them to take.
        """
        for desk_id in [d for d in self._idle if d in desk_ids]:
            if self._call(desk_id, now):
                return

    def _call(self, desk_id: str, now: int) -> bool:
        outcome = self._apply(self.engine.call_next(desk_id, now))
        if outcome.ticket is None:
            if now >= self._shifts[desk_id].closes_ms:
                self._idle.pop(desk_id, None)
                self._apply(self.engine.close_desk(desk_id, now))
            return False
        self._idle.pop(desk_id, None)
        ticket_id = outcome.ticket.id
        steps = self._visitors.steps(ticket_id, self.engine.config.max_recalls)
        self._follow(desk_id, ticket_id, steps, now)
        return True

    def _follow(self, desk_id: str, ticket_id: str, steps: list[Step], now: int) -> None:
        """Take the visit's next step when it is due; the last one frees the desk."""
        step, rest = steps[0], steps[1:]

        def act(at: int) -> None:
            self._act(desk_id, ticket_id, step, at)
            if rest:
                self._follow(desk_id, ticket_id, rest, at)
            else:
                self._free(desk_id, at)

        self._at(now + int(step.after_s * 1000), act)

    def _act(self, desk_id: str, ticket_id: str, step: Step, now: int) -> None:
        engine = self.engine
        if step.act is Act.RECALL:
            self._apply(engine.recall(desk_id, now))
        elif step.act is Act.START:
            self._apply(engine.start(desk_id, now))
        elif step.act is Act.FINISH:
            self._apply(engine.finish(desk_id, now))
        elif step.act is Act.NO_SHOW:
            self._apply(engine.no_show(desk_id, now))
        else:
            self._apply(engine.transfer(desk_id, now, to_service_id=step.to_service_id))
            self._visitors.transferred(ticket_id)
            self._wake(self._serving[step.to_service_id], now)

    def _free(self, desk_id: str, now: int) -> None:
        self._idle[desk_id] = None
        if desk_id in self._breaks_due:
            self._pause(desk_id, now)
        else:
            self._call(desk_id, now)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
