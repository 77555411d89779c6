"""The figures are exact: milliseconds kept until shown, one wait per ticket, sums first.

Each case is a short history whose figures are worked out here from the waits the
definition gives (docs/backoffice.md, "One wait"), not from the back office's code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine

from backoffice import reports
from backoffice.history import event
from backoffice.live import live
from backoffice.period import Period
from backoffice.store import Batch, add_branch, store
from backoffice.web import create_app
from backoffice.web.charts import number
from hub.domain.model import Desk, DeskState, Ticket, TicketState
from hub.sync.signing import sign
from tests.backoffice.hand import DAY, DESK_1, DESK_2, at, numbered, ticket
from tests.backoffice.web.signed import manager

B = "branch-exact"
MONDAY = Period(date(2026, 3, 2), date(2026, 3, 2))
S = 1000
MIN = 60 * S


def send(engine: Engine, branch: str, events: list[dict[str, Any]]) -> None:
    secret = add_branch(engine, branch)
    numbered_events = numbered(events)
    # One event a batch: a wait begun in one batch is ended in another.
    for one in (numbered_events[i : i + 1] for i in range(len(numbered_events))):
        store(engine, Batch(branch, one, sign(secret, branch, one)))


def called(t: Ticket, desk: Desk, at_ms: int) -> Ticket:
    return replace(t, state=TicketState.CALLED, desk_id=desk.id, called_at_ms=at_ms)


def served(
    t: Ticket, desk: Desk, start_ms: int, end_ms: int, day: str = DAY
) -> list[dict[str, Any]]:
    serving = replace(t, state=TicketState.SERVING, started_at_ms=start_ms)
    done = replace(serving, state=TicketState.DONE, finished_at_ms=end_ms)
    return [
        event("service_started", start_ms, day, serving, desk),
        event("service_finished", end_ms, day, done, desk),
    ]


def nearest_rank_p90(waits: list[int]) -> int:
    ordered = sorted(waits)
    rank = -(-9 * len(ordered) // 10)
    return ordered[rank - 1]


def figures(waits: list[int]) -> tuple[int, float, float, float, float]:
    """waits, average, p90, longest (min), share over 15 minutes (%), as a report shows."""
    return (
        len(waits),
        round(sum(waits) / len(waits) / MIN, 1),
        round(nearest_rank_p90(waits) / MIN, 1),
        round(max(waits) / MIN, 1),
        round(100 * sum(1 for w in waits if w > 15 * MIN) / len(waits), 1),
    )


def monday(engine: Engine) -> list[int]:
    """A day whose waits only the one definition, in milliseconds, gets right; its waits.

    1. issued 09:00, called 09:15:00.5: 900.5 s, over 15 minutes by half a second;
    2.-6. issued 09:01..09:05, called 09:16..09:20: 15:00 each, not over 15 minutes;
       each of 1-6 served 29.9 s at desk 1;
    7. issued 10:00, called 10:05 (5 min), transferred at 10:06, called again at 10:30,
       recalled at 10:31: still one wait of 5 minutes;
    8. issued 11:00, cancelled by the visitor at 11:20, never called: 20 minutes;
    9. issued 12:00 and still waiting at the branch's last event, 12:40: 40 minutes.
    """
    events = [
        event("desk_opened", at(8, 0), DAY, None, DESK_1),
        event("desk_opened", at(8, 0), DAY, None, DESK_2),
    ]
    first = ticket(1, "alpha", at(9, 0))
    events.append(event("ticket_issued", at(9, 0), DAY, first, None))
    others = [ticket(n, "alpha", at(9, n - 1)) for n in range(2, 7)]
    events += [event("ticket_issued", t.issued_at_ms, DAY, t, None) for t in others]
    calls = [(first, at(9, 15) + 500), *((t, at(9, 14 + n)) for n, t in enumerate(others, 2))]
    for t, call_ms in calls:
        events.append(event("ticket_called", call_ms, DAY, called(t, DESK_1, call_ms), DESK_1))
        events += served(called(t, DESK_1, call_ms), DESK_1, call_ms + 10 * S, call_ms + 39_900)
    moved = ticket(7, "beta", at(10, 0))
    first_call = called(moved, DESK_2, at(10, 5))
    back = replace(
        first_call, state=TicketState.WAITING, service_id="gamma", waiting_since_ms=at(10, 6)
    )
    second_call = called(back, DESK_2, at(10, 30))
    events += [
        event("ticket_issued", at(10, 0), DAY, moved, None),
        event("ticket_called", at(10, 5), DAY, first_call, DESK_2),
        event("ticket_transferred", at(10, 6), DAY, back, DESK_2),
        event("ticket_called", at(10, 30), DAY, second_call, DESK_2),
        event("ticket_recalled", at(10, 31), DAY, replace(second_call, recalls=1), DESK_2),
        *served(second_call, DESK_2, at(10, 32), at(10, 42)),
    ]
    left = ticket(8, "beta", at(11, 0))
    gone = replace(left, state=TicketState.CANCELLED, finished_at_ms=at(11, 20))
    waiting = ticket(9, "beta", at(12, 0))
    paused = replace(DESK_2, state=DeskState.PAUSED)
    events += [
        event("ticket_issued", at(11, 0), DAY, left, None),
        event("ticket_cancelled", at(11, 20), DAY, gone, None),
        event("ticket_issued", at(12, 0), DAY, waiting, None),
        event("desk_paused", at(12, 40), DAY, None, paused),
    ]
    send(engine, B, events)
    return [900_500, *[15 * MIN] * 5, 5 * MIN, 20 * MIN, 40 * MIN]


def run(engine: Engine, name: str, period: Period = MONDAY) -> list[tuple[object, ...]]:
    return reports.report(name).run(engine, period).rows


def test_one_wait_per_ticket_from_issue_to_first_call_in_milliseconds(engine: Engine) -> None:
    waits = monday(engine)
    assert run(engine, "waits_by_branch") == [(B, *figures(waits))]
    # 3 of 9 waited over 15 minutes: 900.5 s does, 900.0 s does not.
    assert run(engine, "waits_by_branch")[0][-1] == 33.3
    alpha, beta = waits[:6], waits[6:]
    assert run(engine, "waits") == [(B, "alpha", *figures(alpha)), (B, "beta", *figures(beta))]
    # The wait counts for the service the ticket was issued for, not the one it moved to.
    by_service = {row[0]: row[4:6] for row in run(engine, "by_service")}
    assert by_service == {
        "alpha": figures(alpha)[1:3],
        "beta": figures(beta)[1:3],
        "gamma": (0.0, 0.0),
    }
    # Tickets called at least once: six of alpha, one of beta (8 never, 9 not yet).
    assert run(engine, "no_shows") == [
        (B, "alpha", 6, 0, 0.0),
        (B, "beta", 1, 0, 0.0),
        (B, "gamma", 0, 0, 0.0),
    ]


def test_service_times_keep_milliseconds_until_shown(engine: Engine) -> None:
    monday(engine)
    # Six services of 29.9 s: 179.4 s serving, not 6 x 29 s = 174 s.
    (desk_1, desk_2) = run(engine, "desks_operators")
    assert desk_1 == (B, "desk-1", "op-1", 6, 0, round(179.4 / 60, 1), round(29.9 / 60, 1))
    assert desk_1[5] == 3.0
    assert desk_2[3:] == (1, 0, 10.0, 10.0)


def test_tickets_cancelled_when_the_day_ends_belong_to_their_own_day(engine: Engine) -> None:
    saturday, sunday = "2026-03-07", "2026-03-08"
    moscow = ZoneInfo("Europe/Moscow")
    issued_ms = int(datetime(2026, 3, 7, 19, 50, tzinfo=moscow).timestamp() * 1000)
    ended_ms = int(datetime(2026, 3, 8, 0, 0, 5, tzinfo=moscow).timestamp() * 1000)
    late = replace(ticket(1, "alpha", issued_ms), id=f"{saturday}/1", day=saturday)
    ended = replace(late, state=TicketState.CANCELLED, finished_at_ms=ended_ms)
    closed = replace(DESK_1, state=DeskState.CLOSED, operator_id="")
    # The hub ends the old day at the first moment of the new one: events of Sunday.
    send(
        engine,
        B,
        [
            event("ticket_issued", issued_ms, saturday, late, None),
            event("ticket_cancelled", ended_ms, sunday, ended, None),
            event("desk_closed", ended_ms, sunday, None, closed),
        ],
    )
    week = Period(date(2026, 3, 2), date(2026, 3, 8))
    assert run(engine, "attendance_by_day", week) == [(saturday, 1, 0, 0, 1)]
    assert [row[0] for row in run(engine, "attendance_by_weekday", week)] == ["Сб"]
    assert run(engine, "waits_by_branch", Period(date(2026, 3, 8), date(2026, 3, 8))) == []
    assert run(engine, "waits_by_branch", week) == [(B, *figures([ended_ms - issued_ms]))]


def region(engine: Engine) -> list[int]:
    """Three branches whose rounded averages and shares mislead when averaged again:
    two of three waits 20.04, 5.04, 5.04 minutes (10.04 on average), one of 10.34."""
    every: list[int] = []
    for branch, minutes in (
        ("b1", [20.04, 5.04, 5.04]),
        ("b2", [20.04, 5.04, 5.04]),
        ("b3", [10.34]),
    ):
        events = [event("desk_opened", at(8, 0), DAY, None, DESK_1)]
        for n, wait in enumerate(minutes, start=1):
            issued = ticket(n, "alpha", at(9, 0))
            call_ms = issued.issued_at_ms + round(wait * MIN)
            events.append(event("ticket_issued", issued.issued_at_ms, DAY, issued, None))
            events.append(
                event("ticket_called", call_ms, DAY, called(issued, DESK_1, call_ms), DESK_1)
            )
            every.append(round(wait * MIN))
        send(engine, branch, events)
    return every


async def test_the_overview_headline_is_computed_from_the_regions_sums(engine: Engine) -> None:
    waits = region(engine)
    count, average, p90, _longest, over_15 = figures(waits)
    assert (average, over_15) == (10.1, 28.6)  # averaged again from rounded: 10.0 and 28.5
    app = create_app(engine, hosts=["dashboard"], clock=lambda: at(18, 0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://dashboard", cookies=manager(engine)
    ) as client:
        page = await client.get(f"/?from={DAY}&to={DAY}")
    assert page.status_code == 200
    kpis = page.text[page.text.index('class="kpis"') : page.text.index("</section>")]
    for value in (average, p90, over_15):
        assert f'<span class="kpi-value">{number(value)} <small>' in kpis
    assert count == 7


def test_desks_are_listed_in_natural_order(engine: Engine) -> None:
    desks = [Desk(f"desk-{n}", n, f"Окно {n}", (), DeskState.OPEN, f"op-{n}") for n in (10, 2, 1)]
    events = [event("desk_opened", at(8, 0), DAY, None, desk) for desk in desks]
    for n, desk in enumerate(desks, start=1):
        issued = ticket(n, "alpha", at(9, n))
        call = called(issued, desk, at(9, 30 + n))
        events.append(event("ticket_issued", issued.issued_at_ms, DAY, issued, None))
        events.append(event("ticket_called", call.called_at_ms, DAY, call, desk))
        events += served(call, desk, at(10, n), at(10, 10 + n))
    send(engine, B, events)
    order = ["desk-1", "desk-2", "desk-10"]
    assert [row[1] for row in run(engine, "desks_operators")] == order
    [now] = live(engine, at(12, 0))
    assert [d.desk_id for d in now.desks] == order
