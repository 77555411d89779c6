"""The applications summary (docs/applications.md, "Reports"): per branch, service and
authority, the applications received in the period and what each has become by now.

One query over the ``applications`` table (each application's latest version), never
over the raw log. "Today", against which an application is overdue, is each branch's own
day: the report's clock read in the branch's time zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select

from backoffice import schema
from backoffice.period import Period
from backoffice.queries import NO_AUTHORITY, natural
from hub.domain.applications import ApplicationStatus

# Not ready yet: what is overdue once its planned ready date has passed. A ready
# application met its date (or is counted "ready late"), whether collected or not.
NOT_READY = (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_WORK, ApplicationStatus.SUSPENDED)


def todays(engine: Engine, period: Period) -> dict[str, str]:
    """Each branch's today (ISO): ``period.now_ms`` in its time zone, or without a clock
    the day of its last event ("" for a branch that sent none)."""
    branches, live = schema.branches, schema.live_branch
    query = select(branches.c.id, branches.c.timezone, live.c.day).outerjoin(
        live, live.c.branch_id == branches.c.id
    )
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    now = period.now_ms
    if now is None:
        return {str(r.id): str(r.day or "") for r in rows}
    return {
        str(r.id): datetime.fromtimestamp(now / 1000, ZoneInfo(r.timezone)).date().isoformat()
        for r in rows
    }


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def summary(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    """branch, service, authority, received, one count per status, overdue, ready late."""
    table = schema.applications
    days = todays(engine, period)
    if not days:
        return []
    today = case(
        *((table.c.branch_id == branch, day) for branch, day in days.items()),
        else_=literal(""),
    )
    by = [table.c.branch_id, table.c.service_id, table.c.authority]
    late = and_(table.c.ready_day != "", table.c.ready_day > table.c.planned_ready)
    overdue = and_(table.c.status.in_([s.value for s in NOT_READY]), table.c.planned_ready < today)
    query = (
        select(
            *by,
            func.count(),
            *(_count(table.c.status == s.value) for s in ApplicationStatus),
            _count(overdue),
            _count(late),
        )
        .where(
            table.c.accepted_day >= period.start.isoformat(),
            table.c.accepted_day <= period.end.isoformat(),
        )
        .group_by(*by)
    )
    if period.branches:
        query = query.where(table.c.branch_id.in_(period.branches))
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    found = [
        (str(r[0]), str(r[1]), str(r[2]) or NO_AUTHORITY, *(int(v or 0) for v in r[3:]))
        for r in rows
    ]
    return sorted(found, key=lambda row: [natural(str(cell)) for cell in row[:3]])
