"""The simulated information system's plan: what it sends, and in which phase."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from hub.ais.errors import BadPlan
from hub.ais.plan import Kind, plan
from protos.okno.v1 import applications_pb2

S = applications_pb2

NUMBERS = [f"261123-{place:03d}" for place in range(1, 101)]


def test_each_number_gets_one_new_change_and_a_share_is_resent() -> None:
    made = plan(NUMBERS, run="r", start_ms=1_000, resends=0.1, stale=5, seed=1)
    new = made.of(Kind.NEW)
    assert sorted(p.number for p in new) == NUMBERS
    assert len({p.change_id for p in new}) == 100
    resent = made.of(Kind.RESEND)
    assert len(resent) == 10
    by_id = {p.change_id: p for p in new}
    # A resend is the same change: same id, same status, same time.
    assert all(replace(by_id[r.change_id], kind=Kind.RESEND) == r for r in resent)
    # Half race their first copy in the burst; the rest, and every stale change, come after.
    assert Counter(p.kind for p in made.burst) == {Kind.NEW: 100, Kind.RESEND: 5}
    assert Counter(p.kind for p in made.late) == {Kind.RESEND: 5, Kind.STALE: 5}


@pytest.mark.parametrize(
    ("new", "stale"),
    [
        (S.APPLICATION_STATUS_IN_WORK, S.APPLICATION_STATUS_SUSPENDED),
        (S.APPLICATION_STATUS_READY, S.APPLICATION_STATUS_CANCELLED),
        (S.APPLICATION_STATUS_SUSPENDED, S.APPLICATION_STATUS_IN_WORK),
    ],
)
def test_a_stale_change_is_older_and_a_move_the_newer_status_allows(new: int, stale: int) -> None:
    made = plan(NUMBERS, run="r", start_ms=1_000, stale=100)
    pairs = [
        (n, s)
        for s in made.of(Kind.STALE)
        for n in made.of(Kind.NEW)
        if n.number == s.number and n.status == new
    ]
    assert pairs
    for newer, old in pairs:
        assert old.status == stale
        assert old.changed_at_ms == newer.changed_at_ms - 1
        assert old.change_id == f"{newer.change_id}-old"
        assert bool(old.reason) == (stale != S.APPLICATION_STATUS_IN_WORK)


def test_a_share_out_of_zero_to_one_is_refused() -> None:
    with pytest.raises(BadPlan, match="0 to 1"):
        plan(NUMBERS, run="r", start_ms=0, resends=1.5)
