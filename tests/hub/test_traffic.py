"""The traffic model: a seeded day that stays inside the branch's hours and follows its mix."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from hub.config import load_branch
from hub.domain.branch import Branch
from hub.traffic import (
    APPOINTMENT,
    DEFAULT_MIX,
    MINUTE_MS,
    SLOT_MS,
    Act,
    Arrival,
    Visit,
    arrivals,
    day_start_ms,
    desk_steps,
    next_open_day,
    opening_ms,
    service_duration_s,
    staffed_for,
    staffing,
    sustainable_total,
)
from tests.hub.conftest import EXAMPLE

pytestmark = pytest.mark.clock

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def example() -> Branch:
    return load_branch(EXAMPLE).branch


def start_of(branch: Branch, day: date) -> int:
    return day_start_ms(day, branch.timezone)


def test_the_same_seed_gives_the_same_day(example: Branch) -> None:
    monday = start_of(example, MONDAY)
    first = arrivals(example, monday, 300, random.Random(7))
    again = arrivals(example, monday, 300, random.Random(7))
    other = arrivals(example, monday, 300, random.Random(8))
    assert first == again
    assert first != other


@pytest.mark.parametrize("day", [MONDAY, SATURDAY])
def test_everyone_arrives_while_their_service_issues_tickets(example: Branch, day: date) -> None:
    start = start_of(example, day)
    hours = opening_ms(example, start)
    assert hours is not None
    opens, closes = hours
    visitors = arrivals(example, start, 2000, random.Random(1))
    assert len(visitors) == 2000
    assert [v.at_ms for v in visitors] == sorted(v.at_ms for v in visitors)
    last_ms = {s.id: closes - s.last_ticket_before_close_min * MINUTE_MS for s in example.services}
    for visitor in visitors:
        assert opens <= visitor.at_ms < last_ms[visitor.service_id]


def test_saturday_is_shorter_and_sunday_closed(example: Branch) -> None:
    monday = opening_ms(example, start_of(example, MONDAY))
    saturday = opening_ms(example, start_of(example, SATURDAY))
    assert monday is not None and saturday is not None
    assert saturday[1] - saturday[0] < monday[1] - monday[0]
    sunday = start_of(example, SUNDAY)
    assert arrivals(example, sunday, 100, random.Random(1)) == []
    assert staffing(example, sunday) == []
    assert sustainable_total(example, sunday) == 0
    assert next_open_day(example, SUNDAY) == date(2026, 11, 30)


def test_the_day_peaks_late_morning_and_after_work_and_dips_at_lunch(example: Branch) -> None:
    start = start_of(example, MONDAY)
    visitors = arrivals(example, start, 5000, random.Random(3))
    per_hour = Counter((v.at_ms - start) // (60 * MINUTE_MS) for v in visitors)
    assert per_hour[11] > per_hour[13] < per_hour[17]
    assert per_hour[8] < per_hour[11]


def test_the_service_mix_follows_the_weights(example: Branch) -> None:
    visitors = arrivals(example, start_of(example, MONDAY), 10_000, random.Random(5))
    seen = Counter(v.service_id for v in visitors)
    total_weight = sum(DEFAULT_MIX[s.id] for s in example.services)
    for service in example.services:
        expected = DEFAULT_MIX[service.id] / total_weight
        assert seen[service.id] / len(visitors) == pytest.approx(expected, abs=0.015)
    assert seen.most_common(2)[0][0] == "ready-documents"


def test_a_few_have_priority_and_appointments_have_a_slot_soon_after(example: Branch) -> None:
    visitors = arrivals(example, start_of(example, MONDAY), 5000, random.Random(9))
    shares = Counter(v.priority for v in visitors)
    assert 0.09 < shares[APPOINTMENT] / len(visitors) < 0.15
    assert 0.01 < shares["disabled"] / len(visitors) < 0.05
    for visitor in visitors:
        if visitor.priority == APPOINTMENT:
            assert visitor.priority_from_ms % SLOT_MS == 0
            assert visitor.at_ms <= visitor.priority_from_ms < visitor.at_ms + 35 * MINUTE_MS
        else:
            assert visitor.priority_from_ms == 0
    assert 0.01 < sum(v.no_show for v in visitors) / len(visitors) < 0.05


def test_durations_average_the_configured_time_and_stay_plausible(example: Branch) -> None:
    service = next(s for s in example.services if s.id == "property")
    rng = random.Random(11)
    draws = [service_duration_s(service, rng) for _ in range(20_000)]
    mean_s = service.average_service_min * 60
    assert sum(draws) / len(draws) == pytest.approx(mean_s, rel=0.05)
    assert min(draws) >= 30
    assert max(draws) <= 6 * mean_s


def test_most_desks_work_all_day_a_few_start_at_ten_some_lunch(example: Branch) -> None:
    start = start_of(example, MONDAY)
    hours = opening_ms(example, start)
    assert hours is not None
    shifts = staffing(example, start)
    assert [s.desk_id for s in shifts] == [d.id for d in example.desks]
    from_opening = [s for s in shifts if s.opens_ms == hours[0]]
    from_ten = [s for s in shifts if s.opens_ms == start + 10 * 60 * MINUTE_MS]
    assert len(from_opening) > len(shifts) / 2
    assert 0 < len(from_ten) < len(shifts) / 3
    lunches = [b for s in shifts for b in s.breaks]
    assert 0 < len(lunches) < len(shifts) / 3
    assert len({begins for begins, _ in lunches}) == len(lunches), "breaks are staggered"
    for shift in shifts:
        assert shift.closes_ms == hours[1]
        for begins, ends in shift.breaks:
            assert shift.opens_ms <= begins < ends <= shift.closes_ms


def test_a_big_day_gets_more_desks_and_a_small_one_the_hall_as_it_is(example: Branch) -> None:
    start = start_of(example, MONDAY)
    assert staffed_for(example, 300, start) is example
    big = staffed_for(example, 5000, start)
    assert len(big.desks) > 4 * len(example.desks)
    assert {d.id for d in example.desks} <= {d.id for d in big.desks}
    assert len({d.number for d in big.desks}) == len(big.desks)
    copies = Counter(d.services["ready-documents"] for d in big.desks if d.id.startswith("desk-20"))
    assert copies[3.0] > 1, "the busiest single desk is repeated"
    assert sustainable_total(big, start) >= 5000


def visitor(**fields: object) -> Arrival:
    values: dict[str, object] = {"at_ms": 0, "visits": (Visit("consultation", 600.0),)}
    values.update(fields)
    return Arrival(**values)  # type: ignore[arg-type]


def test_a_visitor_who_never_comes_is_recalled_then_marked_a_no_show() -> None:
    acts = [s.act for s in desk_steps(visitor(no_show=True), 0, max_recalls=2)]
    assert acts == [Act.RECALL, Act.RECALL, Act.NO_SHOW]


def test_a_visitor_who_misses_a_call_comes_at_the_recall() -> None:
    steps = desk_steps(visitor(missed_calls=1), 0, max_recalls=2)
    assert [s.act for s in steps] == [Act.RECALL, Act.START, Act.FINISH]
    assert steps[-1].after_s == 600.0


def test_a_consultation_can_end_in_a_transfer_and_the_next_visit_starts_at_once() -> None:
    two = visitor(visits=(Visit("consultation", 300.0), Visit("passport", 900.0)), missed_calls=2)
    first = desk_steps(two, 0, max_recalls=2)
    assert [s.act for s in first] == [Act.RECALL, Act.RECALL, Act.START, Act.TRANSFER]
    assert first[-1].to_service_id == "passport"
    second = desk_steps(two, 1, max_recalls=2)
    assert [(s.act, s.after_s) for s in second][-1] == (Act.FINISH, 900.0)
    assert Act.RECALL not in [s.act for s in second]
