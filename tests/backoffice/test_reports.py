"""Every standard report against the hand-written history of hand.py, figures by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine

from backoffice import reports
from backoffice.errors import UnknownReport
from backoffice.history import event
from backoffice.live import live
from backoffice.period import Period
from backoffice.store import Batch, add_branch, set_authority, store
from hub.domain.model import TicketState
from hub.sync.signing import sign
from tests.backoffice.hand import BRANCH, DAY, DESK_1, at, history, numbered, ticket

B = BRANCH
MONDAY = Period(date(2026, 3, 2), date(2026, 3, 2))
EXPECTED: dict[str, list[tuple[object, ...]]] = {
    "attendance_by_day": [(DAY, 3, 2, 1, 0)],
    "attendance_by_weekday": [("Пн", 3, 2, 3.0)],
    # 9h: two issued, two called (waits 10 and 20 min); 10h: one issued, called at once.
    # (the p90 of two waits is the longer: the ceil(0.9 * 2) = 2nd)
    "attendance_by_hour": [
        ("09:00", 2, 2, 15.0, 20.0, 20.0, 50.0),
        ("10:00", 1, 1, 0.0, 0.0, 0.0, 0.0),
    ],
    "by_service": [("alpha", 2, 1, 1, 15.0, 20.0, 10.0), ("beta", 1, 1, 0, 0.0, 0.0, 30.0)],
    # alpha is the ministry's; beta has no authority set.
    "by_authority": [("Минтруд", 2, 1, 1, 15.0, 50.0), ("—", 1, 1, 0, 0.0, 0.0)],
    "waits": [(B, "alpha", 2, 15.0, 20.0, 20.0, 50.0), (B, "beta", 1, 0.0, 0.0, 0.0, 0.0)],
    "waits_by_branch": [(B, 3, 10.0, 20.0, 20.0, 33.3)],
    "service_times": [(B, "alpha", 1, 10.0, 10.0), (B, "beta", 1, 30.0, 30.0)],
    "no_shows": [(B, "alpha", 2, 1, 50.0), (B, "beta", 1, 0, 0.0)],
    "desks_operators": [
        (B, "desk-1", "op-1", 1, 1, 10.0, 10.0),
        (B, "desk-2", "op-2", 1, 0, 30.0, 30.0),
    ],
    "payments": [("beta", "approved", 1, 1500.0)],
    "ratings": [(B, "alpha", 1, 2.0, 100.0), (B, "beta", 1, 4.0, 0.0)],
    "ratings_by_desk": [(B, "desk-1", 1, 2.0, 100.0), (B, "desk-2", 1, 4.0, 0.0)],
    "ratings_by_operator": [(B, "op-1", 1, 2.0, 100.0), (B, "op-2", 1, 4.0, 0.0)],
    # The hand history journals nothing; tests/backoffice/test_journal.py fills it.
    "journal": [],
    # Nor any application; tests/backoffice/test_applications.py has them.
    "applications": [],
}


@pytest.fixture
def filled(engine: Engine) -> Engine:
    secret = add_branch(engine, BRANCH)
    set_authority(engine, "alpha", "Минтруд")
    set_authority(engine, "beta", "Росреестр")
    set_authority(engine, "beta", "")
    events = history()
    # In three batches, one of them sent twice: the figures must not change.
    for part in (events[:5], events[5:11], events[5:11], events[11:]):
        store(engine, Batch(BRANCH, part, sign(secret, BRANCH, part)))
    return engine


def test_every_standard_report_has_its_expected_figures(filled: Engine) -> None:
    assert set(EXPECTED) == set(reports.REPORTS)
    for name, expected in EXPECTED.items():
        table = reports.REPORTS[name].run(filled, MONDAY)
        assert table.rows == expected, name
        assert all(len(row) == len(table.columns) for row in table.rows), name


def test_periods_and_branches_filter(filled: Engine) -> None:
    by_day = reports.REPORTS["attendance_by_day"]
    assert by_day.run(filled, Period(date(2026, 3, 3), date(2026, 3, 9))).rows == []
    assert by_day.run(filled, Period(date(2026, 3, 1), date(2026, 3, 2), ("elsewhere",))).rows == []
    assert by_day.run(filled, Period(date(2026, 3, 1), date(2026, 3, 2), (BRANCH,))).rows == [
        (DAY, 3, 2, 1, 0)
    ]


def test_an_unknown_report_names_the_known_ones() -> None:
    with pytest.raises(UnknownReport, match="attendance_by_day"):
        reports.report("attendance")


def test_live_shows_who_waits_and_who_is_served_where(filled: Engine) -> None:
    secret = add_branch(filled, BRANCH)  # a new secret for the same branch
    t4, t5 = ticket(4, "alpha", at(11, 0)), ticket(5, "beta", at(11, 1))
    c4 = replace(t4, state=TicketState.CALLED, desk_id="desk-1", called_at_ms=at(11, 2))
    s4 = replace(c4, state=TicketState.SERVING, started_at_ms=at(11, 3))
    more = numbered(
        [
            event("ticket_issued", at(11, 0), DAY, t4, None),
            event("ticket_issued", at(11, 1), DAY, t5, None),
            event("ticket_called", at(11, 2), DAY, c4, DESK_1),
            event("service_started", at(11, 3), DAY, s4, DESK_1),
        ],
        first=17,
    )
    store(filled, Batch(BRANCH, more, sign(secret, BRANCH, more)))
    [branch] = live(filled, now_ms=at(11, 8))
    assert (branch.branch_id, branch.waiting, branch.serving) == (BRANCH, 1, 1)
    assert branch.last_event_ms == at(11, 3)
    desks = {d.desk_id: d for d in branch.desks}
    assert (desks["desk-1"].ticket_state, desks["desk-1"].current_s) == ("serving", 300)
    assert desks["desk-1"].operator_id == "op-1"
    assert (desks["desk-2"].ticket_state, desks["desk-2"].current_s) == ("", 0)
