"""The live view of every branch: who waits, who is served where and for how long.

Read from the ``live_*`` tables the store keeps as events arrive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, select

from backoffice import schema
from backoffice.queries import natural


@dataclass(frozen=True)
class DeskLive:
    desk_id: str
    state: str  # open, paused, closed
    operator_id: str
    ticket_state: str  # "", called, serving
    service_id: str
    current_s: int  # seconds since called / since service started; 0 when free


@dataclass(frozen=True)
class BranchLive:
    branch_id: str
    waiting: int
    serving: int  # tickets called or being served
    desks: tuple[DeskLive, ...]
    last_event_ms: int  # 0 if the branch never sent an event


def live(engine: Engine, now_ms: int | None = None) -> list[BranchLive]:
    """Every registered branch's now, as its last stored event left it."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    b, t, d, lb = schema.branches, schema.live_ticket, schema.live_desk, schema.live_branch
    with engine.connect() as connection:
        known = list(
            connection.execute(
                select(b.c.id, lb.c.last_event_ms)
                .select_from(b.outerjoin(lb, lb.c.branch_id == b.c.id))
                .order_by(b.c.id)
            )
        )
        known.sort(key=lambda r: natural(r.id))
        tickets = list(connection.execute(select(t)))
        desks = list(connection.execute(select(d).order_by(d.c.branch_id, d.c.desk_id)))
    at_desk = {(r.branch_id, r.desk_id): r for r in tickets if r.desk_id and r.state != "waiting"}
    result = []
    for branch in known:
        mine = [r for r in tickets if r.branch_id == branch.id]
        desk_rows = []
        mine_desks = sorted(
            (r for r in desks if r.branch_id == branch.id), key=lambda r: natural(r.desk_id)
        )
        for desk in mine_desks:
            current = at_desk.get((branch.id, desk.desk_id))
            desk_rows.append(
                DeskLive(
                    desk.desk_id,
                    desk.state,
                    desk.operator_id,
                    current.state if current else "",
                    current.service_id if current else "",
                    max(0, (now_ms - current.since_ms) // 1000) if current else 0,
                )
            )
        result.append(
            BranchLive(
                branch.id,
                sum(1 for r in mine if r.state == "waiting"),
                sum(1 for r in mine if r.state != "waiting"),
                tuple(desk_rows),
                int(branch.last_event_ms or 0),
            )
        )
    return result
