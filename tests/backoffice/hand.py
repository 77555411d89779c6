"""A small history written by hand, whose report figures are worked out by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backoffice.history import event
from hub.domain.model import Desk, DeskState, Ticket, TicketState

DAY = "2026-03-02"  # a Monday
BRANCH = "branch-hand"
DESK_1 = Desk("desk-1", 1, "Окно 1", (), DeskState.OPEN, "op-1")
DESK_2 = Desk("desk-2", 2, "Окно 2", (), DeskState.OPEN, "op-2")


def at(hh: int, mm: int, ss: int = 0) -> int:
    """Milliseconds of DAY at a Moscow wall-clock time."""
    moment = datetime(2026, 3, 2, hh, mm, ss, tzinfo=ZoneInfo("Europe/Moscow"))
    return int(moment.timestamp() * 1000)


def ticket(n: int, service: str, issued: int) -> Ticket:
    return Ticket(
        f"{DAY}/{n}", f"A{n:03d}", "A", n, DAY, service, TicketState.WAITING, issued, issued
    )


def history() -> list[tuple[int, str]]:
    """Three visitors on DAY, two desks:

    1. "alpha", issued 09:00, called 09:10 (waited 10 min) at desk 1, served 09:10:30 to
       09:20:30 (10 min), rated 2.
    2. "alpha", issued 09:05, called 09:25 (waited 20 min) at desk 1, did not come.
    3. "beta", issued 10:00, called 10:00 (no wait) at desk 2, served 10:01 to 10:31
       (30 min), paid 1500.00 roubles, rated 4.
    """
    t1, t2, t3 = (
        ticket(1, "alpha", at(9, 0)),
        ticket(2, "alpha", at(9, 5)),
        ticket(3, "beta", at(10, 0)),
    )
    c1 = replace(t1, state=TicketState.CALLED, desk_id="desk-1", called_at_ms=at(9, 10))
    s1 = replace(c1, state=TicketState.SERVING, started_at_ms=at(9, 10, 30))
    f1 = replace(s1, state=TicketState.DONE, finished_at_ms=at(9, 20, 30))
    c2 = replace(t2, state=TicketState.CALLED, desk_id="desk-1", called_at_ms=at(9, 25))
    n2 = replace(c2, state=TicketState.NO_SHOW, finished_at_ms=at(9, 27))
    c3 = replace(t3, state=TicketState.CALLED, desk_id="desk-2", called_at_ms=at(10, 0))
    s3 = replace(c3, state=TicketState.SERVING, started_at_ms=at(10, 1))
    f3 = replace(s3, state=TicketState.DONE, finished_at_ms=at(10, 31))
    events: list[dict[str, Any]] = [
        event("desk_opened", at(8, 0), DAY, None, DESK_1),
        event("desk_opened", at(8, 0), DAY, None, DESK_2),
        event("ticket_issued", at(9, 0), DAY, t1, None),
        event("ticket_issued", at(9, 5), DAY, t2, None),
        event("ticket_called", at(9, 10), DAY, c1, DESK_1),
        event("service_started", at(9, 10, 30), DAY, s1, DESK_1),
        event("service_finished", at(9, 20, 30), DAY, f1, DESK_1),
        rated(at(9, 21), t1.id, "alpha", DESK_1, 2),
        event("ticket_called", at(9, 25), DAY, c2, DESK_1),
        event("ticket_no_show", at(9, 27), DAY, n2, DESK_1),
        event("ticket_issued", at(10, 0), DAY, t3, None),
        event("ticket_called", at(10, 0), DAY, c3, DESK_2),
        event("service_started", at(10, 1), DAY, s3, DESK_2),
        paid(at(10, 5), "beta", 150_000),
        event("service_finished", at(10, 31), DAY, f3, DESK_2),
        rated(at(10, 32), t3.id, "beta", DESK_2, 4),
    ]
    return numbered(events)


def numbered(events: list[dict[str, Any]], first: int = 1) -> list[tuple[int, str]]:
    out = []
    for seq, data in enumerate(events, start=first):
        data["seq"] = seq
        out.append((seq, json.dumps(data, ensure_ascii=False)))
    return out


def rated(at_ms: int, ticket_id: str, service: str, desk: Desk, score: int) -> dict[str, Any]:
    data = event("ticket_rated", at_ms, DAY, None, None)
    data["rating"] = {
        "ticket_id": ticket_id,
        "service_id": service,
        "desk_id": desk.id,
        "operator_id": desk.operator_id,
        "score": score,
        "channel": "kiosk",
    }
    return data


def paid(at_ms: int, service: str, kopecks: int) -> dict[str, Any]:
    data = event("payment_settled", at_ms, DAY, None, None)
    data["payment"] = {
        "payment_id": 1,
        "state": "approved",
        "amount_kopecks": kopecks,
        "service_id": service,
        "purpose": "госпошлина",
        "payer_identified": False,
        "terminal_id": "terminal-1",
        "terminal_serial": "T1",
        "terminal_trace": "1",
        "terminal_receipt": "1",
    }
    return data
