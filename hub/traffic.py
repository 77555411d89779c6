"""A seeded model of a big centre's day: who comes when, for what, for how long, and who works.

Pure and seeded: the same branch, day and generator give the same day, so a replay can be
compared run to run, and the demo's visitors behave like those of the replay. The shapes
(a late-morning peak, a lunch dip, an after-work peak; ready documents and passports most
asked for; a few percent of no-shows) are those МФЦ halls describe; the numbers are ours.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from hub.domain.branch import Branch, Service

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
MORNING_MS = 9 * HOUR_MS

# Relative arrivals per local hour. Hours a branch opens that are not listed (a
# round-the-clock branch at night) get NIGHT.
WEEKDAY_PROFILE: Mapping[int, float] = {
    8: 0.5,
    9: 0.85,
    10: 1.15,
    11: 1.3,
    12: 1.15,
    13: 0.75,
    14: 0.85,
    15: 0.95,
    16: 1.0,
    17: 1.25,
    18: 1.2,
    19: 0.7,
}
WEEKEND_PROFILE: Mapping[int, float] = {
    9: 0.6,
    10: 1.0,
    11: 1.3,
    12: 1.3,
    13: 1.1,
    14: 0.9,
    15: 0.75,
    16: 0.5,
}
NIGHT = 0.1

# Share of visitors per service id; a service not listed gets OTHER_SERVICE.
DEFAULT_MIX: Mapping[str, float] = {
    "ready-documents": 0.22,
    "passport": 0.14,
    "foreign-passport": 0.10,
    "residence": 0.07,
    "snils": 0.05,
    "child-benefits": 0.07,
    "maternity-capital": 0.04,
    "property": 0.08,
    "egrn": 0.06,
    "inn": 0.04,
    "oms": 0.05,
    "consultation": 0.08,
    # Paid at the kiosk's card terminal; 0 keeps every seeded day as it was before it.
    "state-duty": 0.0,
}
OTHER_SERVICE = 0.05

# Share of visitors per priority category, for the categories a branch defines.
APPOINTMENT = "appointment"
PRIORITY_SHARES: Mapping[str, float] = {APPOINTMENT: 0.12, "disabled": 0.03, "veteran": 0.02}
SLOT_MS = 20 * MINUTE_MS
# Appointment holders come up to this long before their slot.
EARLY_MS = 15 * MINUTE_MS

# Service ids after which a visitor is sometimes sent on to another service.
TRANSFERS: Mapping[str, float] = {"consultation": 0.2}
NO_SHOW = 0.03
# Visitors who miss the first call; some of them miss the first recall too.
MISSES_FIRST_CALL = 0.08
MISSES_TWO_CALLS = 0.02
DURATION_SIGMA = 0.5

# What an operator and a visitor take between the steps of a visit.
RECALL_AFTER_S = 60.0
WALK_S = 40.0

# Staffing: every LATE_EVERY-th desk opens at LATE_OPENING; every LUNCH_EVERY-th, offset
# by LUNCH_OFFSET, takes a break of LUNCH_MS, the breaks staggered from LUNCH_FROM.
LATE_EVERY = 5
LATE_OPENING = time(10, 0)
LUNCH_EVERY = 5
LUNCH_OFFSET = 2
LUNCH_FROM = time(12, 0)
LUNCH_MS = 45 * MINUTE_MS
LUNCH_SLOTS = 4
# Square-root staffing (Halfin and Whitt): a hall whose visitors keep R desks busy on
# average needs R + SPARE * sqrt(R) desks for queues at the peaks to clear in time.
SPARE = 1.5


@dataclass(frozen=True, slots=True)
class Visit:
    """One stretch at a desk: the service asked for and how long the operator takes."""

    service_id: str
    duration_s: float


@dataclass(frozen=True, slots=True)
class Arrival:
    """One visitor: when they take a ticket and how their time in the hall goes.

    ``visits[0]`` is what the ticket is for; any later visit is a transfer by the operator.
    """

    at_ms: int
    visits: tuple[Visit, ...]
    priority: str = ""
    priority_from_ms: int = 0
    no_show: bool = False
    # Calls the visitor misses before coming to the desk (not hearing the first one...).
    missed_calls: int = 0

    @property
    def service_id(self) -> str:
        return self.visits[0].service_id


class Act(enum.Enum):
    RECALL = "recall"
    NO_SHOW = "no_show"
    START = "start"
    FINISH = "finish"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class Step:
    """What the desk does ``after_s`` seconds after the step before (or the call)."""

    act: Act
    after_s: float
    to_service_id: str = ""


@dataclass(frozen=True, slots=True)
class Shift:
    """When a desk is staffed; the operator stays past ``closes_ms`` until its queue is empty."""

    desk_id: str
    operator_id: str
    opens_ms: int
    closes_ms: int
    breaks: tuple[tuple[int, int], ...] = ()

    @property
    def staffed_s(self) -> float:
        lunch = sum(end - start for start, end in self.breaks)
        return (self.closes_ms - self.opens_ms - lunch) / 1000


class Visitors:
    """Who holds which ticket, and which of their visits they are at, for desks to act on."""

    def __init__(self) -> None:
        self._arrivals: dict[str, Arrival] = {}
        self._visit: dict[str, int] = {}

    def arrived(self, ticket_id: str, arrival: Arrival) -> None:
        self._arrivals[ticket_id] = arrival
        self._visit[ticket_id] = 0

    def knows(self, ticket_id: str) -> bool:
        return ticket_id in self._arrivals

    def steps(self, ticket_id: str, max_recalls: int) -> list[Step]:
        """What follows a call of the ticket, for the visit its holder is at now."""
        return desk_steps(self._arrivals[ticket_id], self._visit[ticket_id], max_recalls)

    def transferred(self, ticket_id: str) -> None:
        self._visit[ticket_id] += 1


def day_start_ms(day: date, timezone: str) -> int:
    """The branch's local midnight of ``day``, from which a day's times are counted."""
    midnight = datetime.combine(day, time(0, 0), ZoneInfo(timezone))
    return int(midnight.timestamp() * 1000)


def opening_ms(branch: Branch, day_start: int) -> tuple[int, int] | None:
    """When the branch opens and closes on the day starting at ``day_start``, or None."""
    day = datetime.fromtimestamp(day_start / 1000, ZoneInfo(branch.timezone)).date()
    hours = branch.hours_on(day)
    if hours is None:
        return None
    opens = day_start + hours.opens_minute * MINUTE_MS
    return opens, day_start + hours.closes_minute * MINUTE_MS


def next_open_day(branch: Branch, day: date, *, within: int = 14) -> date:
    """``day`` itself if the branch opens then, else the next day it does."""
    for offset in range(within):
        candidate = day + timedelta(days=offset)
        if branch.hours_on(candidate) is not None:
            return candidate
    raise ValueError(f"the branch opens on none of the {within} days from {day}")


def morning_ms(branch: Branch, now_ms: int) -> int:
    """09:00 of the branch's day at ``now_ms``, or of the next day it opens; its opening if later.

    The demo and the benchmarks start their hall here, so it is the same at any hour: a
    hall that opens at 10:00 on Saturdays would otherwise show an empty board for an hour.
    """
    today = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(branch.timezone)).date()
    start = day_start_ms(next_open_day(branch, today), branch.timezone)
    hours = opening_ms(branch, start)
    assert hours is not None, "next_open_day returns a day the branch opens"
    return max(start + MORNING_MS, hours[0])


def service_duration_s(service: Service, rng: random.Random) -> float:
    """A lognormal duration whose mean is the service's configured average.

    Lognormal because service times are skewed: most visits are quick, a few take long;
    clipped so that no draw is absurd (under half a minute, or six times the mean).
    """
    mean_s = service.average_service_min * 60
    mu = math.log(mean_s) - DURATION_SIGMA**2 / 2
    return min(max(rng.lognormvariate(mu, DURATION_SIGMA), 30.0), 6 * mean_s)


def arrivals(
    branch: Branch,
    day_start: int,
    total: int,
    rng: random.Random,
    *,
    mix: Mapping[str, float] = DEFAULT_MIX,
) -> list[Arrival]:
    """``total`` visitors of the day starting at ``day_start`` (local midnight), in order.

    Everyone arrives while their service issues tickets; a closed day has nobody.
    """
    hours = opening_ms(branch, day_start)
    if hours is None or total <= 0:
        return []
    opens, closes = hours
    segments = _segments(opens, closes, _profile(_weekday(branch, day_start)), day_start)
    bounds = [segment[0] for segment in segments] + [segments[-1][1]]
    weights = [(end - start) * weight for start, end, weight in segments]
    starts = rng.choices(range(len(segments)), cum_weights=list(accumulate(weights)), k=total)
    moments = sorted(rng.randrange(bounds[i], bounds[i + 1]) for i in starts)
    chooser = _ServiceChooser(branch, closes, mix)
    return [_visitor(branch, at, chooser, rng) for at in moments]


def walk_in(service: Service, at_ms: int, rng: random.Random) -> Arrival:
    """A regular visitor with a single visit, for a ticket the model did not hand out."""
    return Arrival(at_ms, (Visit(service.id, service_duration_s(service, rng)),))


def desk_steps(arrival: Arrival, visit_index: int, max_recalls: int) -> list[Step]:
    """What follows a call of this visitor for ``visits[visit_index]``, step by step.

    Someone called again after a transfer is already at the desks and comes at once.
    """
    recall = Step(Act.RECALL, RECALL_AFTER_S)
    if visit_index == 0 and arrival.no_show:
        return [*[recall] * max_recalls, Step(Act.NO_SHOW, RECALL_AFTER_S)]
    missed = min(arrival.missed_calls, max_recalls) if visit_index == 0 else 0
    steps = [*[recall] * missed, Step(Act.START, WALK_S)]
    visit = arrival.visits[visit_index]
    if visit_index + 1 < len(arrival.visits):
        onward = arrival.visits[visit_index + 1].service_id
        steps.append(Step(Act.TRANSFER, visit.duration_s, onward))
    else:
        steps.append(Step(Act.FINISH, visit.duration_s))
    return steps


def staffing(branch: Branch, day_start: int) -> list[Shift]:
    """Who works at which desk and when, on the day starting at ``day_start``.

    Most desks are staffed from opening to closing; every fifth opens at 10:00, and some
    take a staggered lunch break, so the hall thins out when visitors do.
    """
    hours = opening_ms(branch, day_start)
    if hours is None:
        return []
    opens, closes = hours
    operators = [o.id for o in branch.operators if "operator" in o.roles]
    late = max(opens, day_start + _minute(LATE_OPENING) * MINUTE_MS)
    shifts = []
    for index, desk in enumerate(branch.desks):
        start = late if index % LATE_EVERY == LATE_EVERY - 1 else opens
        breaks: tuple[tuple[int, int], ...] = ()
        if index % LUNCH_EVERY == LUNCH_OFFSET:
            slot = (index // LUNCH_EVERY) % LUNCH_SLOTS
            lunch = day_start + _minute(LUNCH_FROM) * MINUTE_MS + slot * LUNCH_MS
            if start <= lunch and lunch + LUNCH_MS <= closes:
                breaks = ((lunch, lunch + LUNCH_MS),)
        operator = operators[index] if index < len(operators) else ""
        shifts.append(Shift(desk.id, operator, start, closes, breaks))
    return shifts


def sustainable_total(
    branch: Branch, day_start: int, *, mix: Mapping[str, float] = DEFAULT_MIX
) -> int:
    """How many visitors the staffed hall serves in a day, busy but mostly in time."""
    shifts = staffing(branch, day_start)
    if not shifts:
        return 0
    spare = SPARE / 2
    busy = (math.sqrt(spare**2 + len(shifts)) - spare) ** 2
    return int(busy * _desk_s(shifts) / _visit_s(branch, mix))


def staffed_for(
    branch: Branch, total: int, day_start: int, *, mix: Mapping[str, float] = DEFAULT_MIX
) -> Branch:
    """The branch with desks repeated where ``total`` visitors a day need more of them.

    The hall gets the desks square-root staffing asks for; each desk is repeated in
    proportion to the work coming to it (each service's work shared among its desks by
    their weights). Copies keep services and weights and are numbered after the last.
    """
    shifts = staffing(branch, day_start)
    busy = total * _visit_s(branch, mix) / _desk_s(shifts)
    wanted = math.ceil(busy + SPARE * math.sqrt(busy))
    if wanted <= len(branch.desks):
        return branch
    copies = _apportion(_work_per_desk_s(branch, mix), wanted)
    data = branch.model_dump()
    extra = [
        {**desk, "id": f"{desk['id']}-{copy}"}
        for desk in data["desks"]
        for copy in range(2, copies[desk["id"]] + 1)
    ]
    last = max(desk.number for desk in branch.desks)
    data["desks"] += tuple({**desk, "number": last + n} for n, desk in enumerate(extra, start=1))
    return Branch.model_validate(data)


# -- helpers -------------------------------------------------------------------------


class _ServiceChooser:
    """Draws a service among those still issuing tickets at a moment, by the mix."""

    def __init__(self, branch: Branch, closes: int, mix: Mapping[str, float]) -> None:
        self._services = branch.services
        self._weights = [mix.get(s.id, OTHER_SERVICE) for s in branch.services]
        self._last = [closes - s.last_ticket_before_close_min * MINUTE_MS for s in branch.services]

    def choose(self, at_ms: int, rng: random.Random, *, besides: str = "") -> Service:
        """A service issuing at ``at_ms`` (other than ``besides``), by weight."""
        services: list[Service] = []
        weights: list[float] = []
        for service, weight, last in zip(self._services, self._weights, self._last, strict=True):
            if at_ms < last and service.id != besides:
                services.append(service)
                weights.append(weight)
        return rng.choices(services, weights)[0]


def _visitor(branch: Branch, at: int, chooser: _ServiceChooser, rng: random.Random) -> Arrival:
    service = chooser.choose(at, rng)
    visits = [Visit(service.id, service_duration_s(service, rng))]
    if rng.random() < TRANSFERS.get(service.id, 0.0):
        onward = chooser.choose(at, rng, besides=service.id)
        visits.append(Visit(onward.id, service_duration_s(onward, rng)))
    priority = _priority(branch, rng)
    priority_from = 0
    if priority == APPOINTMENT:
        slot = at + rng.randrange(EARLY_MS)
        priority_from = -(-slot // SLOT_MS) * SLOT_MS
    roll = rng.random()
    return Arrival(
        at_ms=at,
        visits=tuple(visits),
        priority=priority,
        priority_from_ms=priority_from,
        no_show=rng.random() < NO_SHOW,
        missed_calls=2 if roll < MISSES_TWO_CALLS else int(roll < MISSES_FIRST_CALL),
    )


def _priority(branch: Branch, rng: random.Random) -> str:
    roll = rng.random()
    for category in branch.priorities:
        share = PRIORITY_SHARES.get(category.id, 0.0)
        if roll < share:
            return category.id
        roll -= share
    return ""


def _visit_s(branch: Branch, mix: Mapping[str, float]) -> float:
    """Desk time an average visitor takes: service, the walk up, and any transfer."""
    return sum(_work_per_service_s(branch, mix).values())


def _desk_s(shifts: list[Shift]) -> float:
    """Seconds an average desk is staffed in the day."""
    return sum(shift.staffed_s for shift in shifts) / len(shifts)


def _apportion(shares: Mapping[str, float], seats: int) -> dict[str, int]:
    """``seats`` split in proportion to ``shares`` (largest remainder), at least one each."""
    total = sum(shares.values())
    exact = {key: max(1.0, seats * share / total) for key, share in shares.items()}
    given = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - given[key], reverse=True)
    for key in by_remainder[: max(0, seats - sum(given.values()))]:
        given[key] += 1
    return given


def _work_per_service_s(branch: Branch, mix: Mapping[str, float]) -> dict[str, float]:
    """Desk seconds each service takes per visitor of the day, transfers spread evenly."""
    weights = {s.id: mix.get(s.id, OTHER_SERVICE) for s in branch.services}
    total = sum(weights.values())
    onward = sum(weights[sid] * TRANSFERS.get(sid, 0.0) for sid in weights) / total
    return {
        s.id: weights[s.id] / total * (s.average_service_min * 60 + WALK_S) * (1 + onward)
        for s in branch.services
    }


def _work_per_desk_s(branch: Branch, mix: Mapping[str, float]) -> dict[str, float]:
    """Desk seconds per visitor coming to each desk, a service's shared by the desks' weights."""
    work = dict.fromkeys((desk.id for desk in branch.desks), 0.0)
    for service_id, seconds in _work_per_service_s(branch, mix).items():
        serving = {d.id: d.services[service_id] for d in branch.desks if service_id in d.services}
        weight = sum(serving.values())
        for desk_id, desk_weight in serving.items():
            work[desk_id] += seconds * desk_weight / weight
    return work


def _segments(
    opens: int, closes: int, profile: Mapping[int, float], day_start: int
) -> list[tuple[int, int, float]]:
    """The opening hours cut at each full hour, each piece with its hour's weight."""
    segments = []
    start = opens
    while start < closes:
        end = min(closes, day_start + ((start - day_start) // HOUR_MS + 1) * HOUR_MS)
        segments.append((start, end, profile.get((start - day_start) // HOUR_MS, NIGHT)))
        start = end
    return segments


def _profile(weekday: int) -> Mapping[int, float]:
    return WEEKDAY_PROFILE if weekday < 5 else WEEKEND_PROFILE


def _weekday(branch: Branch, day_start: int) -> int:
    return datetime.fromtimestamp(day_start / 1000, ZoneInfo(branch.timezone)).weekday()


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute
