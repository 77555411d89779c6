"""A replayed day: everyone accounted for, nobody called twice, figures that agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from hub.config import load_branch
from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.domain.model import Event
from hub.replay import DayReport, DayTally, replay_day
from tests.hub.conftest import EXAMPLE, MINUTE, MONDAY_10_00

SMALL_DAY = 500


@pytest.fixture(scope="module")
def example() -> Branch:
    return load_branch(EXAMPLE).branch


@pytest.fixture(scope="module")
def report(example: Branch) -> DayReport:
    return replay_day(example, total=SMALL_DAY, seed=1)


def test_everyone_issued_is_accounted_for(report: DayReport) -> None:
    assert report.issued == SMALL_DAY
    assert report.served + report.no_shows + report.cancelled + report.still_in_hall == SMALL_DAY
    assert report.still_in_hall == 0
    assert report.called == SMALL_DAY
    assert 0 < report.no_shows < SMALL_DAY * 0.1
    assert report.transfers > 0


def test_no_ticket_is_called_twice_and_no_number_issued_twice(report: DayReport) -> None:
    assert report.double_calls == 0
    assert report.duplicate_numbers == 0


def test_the_figures_agree_with_each_other(report: DayReport, example: Branch) -> None:
    assert 0 <= report.average_wait_min <= report.max_wait_min
    assert 0 <= report.p90_wait_min <= report.max_wait_min
    assert 0 <= report.share_over_15_min <= 1
    assert 0 <= report.share_over_target <= 1
    assert set(report.wait_by_service_min) <= {s.id for s in example.services}
    for wait in report.wait_by_service_min.values():
        assert 0 <= wait <= report.max_wait_min
    if report.max_wait_min <= 15:
        assert report.share_over_15_min == 0
    assert report.desks == len(example.desks), "the example hall is enough for a small day"
    assert report.events > 4 * SMALL_DAY


def test_a_seed_gives_the_same_day_every_time(example: Branch, report: DayReport) -> None:
    assert replay_day(example, total=SMALL_DAY, seed=1) == report
    assert replay_day(example, total=SMALL_DAY, seed=2) != report


def test_a_closed_day_cannot_be_replayed(example: Branch) -> None:
    with pytest.raises(ValueError, match="closed"):
        replay_day(example, total=10, day=date(2026, 11, 29))


def visit_events(engine: QueueEngine) -> list[Event]:
    """A ticket issued and called once, at desk d1 of the engine tests' branch."""
    events = engine.open_desk("d1", MONDAY_10_00).events
    events += engine.issue("passport", MONDAY_10_00).events
    events += engine.call_next("d1", MONDAY_10_00 + 20 * MINUTE).events
    return events


def test_the_tally_would_see_a_double_call_and_a_reused_number(engine: QueueEngine) -> None:
    events = visit_events(engine)
    issued, called = events[1], events[2]
    tally = DayTally(engine.config)
    tally.add_all([*events, replace(called, seq=4), replace(issued, seq=5)])
    report = tally.report()
    assert report.double_calls == 1
    assert report.duplicate_numbers == 1
    assert report.max_wait_min == 20
    assert report.share_over_15_min == 1


def test_a_visitor_never_called_counts_with_the_wait_so_far(engine: QueueEngine) -> None:
    events = visit_events(engine)
    events += engine.issue("passport", MONDAY_10_00 + 5 * MINUTE).events
    events += engine.issue("passport", MONDAY_10_00 + 6 * MINUTE).events
    cancelling = engine.issue("passport", MONDAY_10_00 + 10 * MINUTE)
    assert cancelling.ticket is not None
    left = cancelling.ticket
    events += cancelling.events
    events += engine.cancel(left.id, MONDAY_10_00 + 12 * MINUTE).events
    events += engine.open_desk("d2", MONDAY_10_00 + 45 * MINUTE).events
    tally = DayTally(engine.config)
    tally.add_all(events)
    report = tally.report()
    # 20 min to the first call; 40 and 39 min still waiting at 10:45; 2 min until cancelled.
    assert (report.issued, report.called) == (4, 1)
    assert report.max_wait_min == 40
    assert report.average_wait_min == round((20 + 40 + 39 + 2) / 4, 2)
    assert report.share_over_15_min == 0.75


def test_the_wait_told_at_issue_is_measured_against_the_wait_had(report: DayReport) -> None:
    assert report.told_unknown is not None and report.told_unknown < SMALL_DAY
    assert report.told_error_p50_min is not None and report.told_error_p90_min is not None
    assert 0 <= report.told_error_p50_min <= report.told_error_p90_min
    assert report.told_error_p90_min <= 5, "the estimate a visitor is told is close to true"
