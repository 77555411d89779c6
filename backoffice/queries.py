"""The queries behind the standard reports: sums over the aggregate tables, in SQL, and
the journal's entries from its table.

Each takes the engine and the period and gives the rows of its report (reports.py holds
the columns and titles). None reads ``raw_events``. Times are summed in milliseconds and
rounded only here, where a figure is made for showing; every average and share is one
sum divided by one count, never an average of averages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, case, func, select

from backoffice import schema
from backoffice.aggregate import LONG_WAIT_MS
from backoffice.period import Period

Query = Callable[[Engine, Period], list[tuple[object, ...]]]


def _sums(
    engine: Engine, table: Table, period: Period, by: list[str], values: list[str]
) -> list[Any]:
    """SUM (MAX for the *_max_ms columns) of ``values`` over the period grouped by ``by``."""
    aggregates = [
        (func.max if v.endswith("_max_ms") else func.sum)(table.c[v]).label(v) for v in values
    ]
    groups = [table.c[b] for b in by]
    query = (
        select(*groups, *aggregates)
        .where(table.c.day >= period.start.isoformat(), table.c.day <= period.end.isoformat())
        .group_by(*groups)
        .order_by(*groups)
    )
    if period.branches:
        query = query.where(table.c.branch_id.in_(period.branches))
    with engine.connect() as connection:
        return list(connection.execute(query))


def natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that orders numbers inside ids by value: desk-2 before desk-10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def _by_ids(rows: list[tuple[object, ...]], ids: int) -> list[tuple[object, ...]]:
    """The rows in the natural order of their first ``ids`` cells (branch, desk...)."""
    return sorted(rows, key=lambda row: tuple(natural(str(cell)) for cell in row[:ids]))


def _avg(total: Any, count: Any, scale: float = 1.0) -> float:
    return round(float(total or 0) / float(count) / scale, 1) if count else 0.0


def _share(part: Any, whole: Any) -> float:
    return round(100.0 * float(part or 0) / float(whole), 1) if whole else 0.0


def _minutes(ms: Any) -> float:
    return round(float(ms or 0) / 60_000, 1)


@dataclass(frozen=True, slots=True)
class Waits:
    """The waits of a group (docs/backoffice.md, "One wait"), in milliseconds.

    ``p90_tenths``: the nearest-rank 90th percentile (the ceil(0.9 n)-th shortest wait)
    in tenths of a minute, rounded half up, as it is shown.
    """

    count: int = 0
    sum_ms: int = 0
    max_ms: int = 0
    over_15: int = 0
    p90_tenths: int = 0
    called: int = 0

    @property
    def p90_min(self) -> float:
        return self.p90_tenths / 10

    def cells(self) -> tuple[object, ...]:
        """waits, average, p90, longest (minutes), share over 15 minutes (%)."""
        return (
            self.count,
            _avg(self.sum_ms, self.count, 60_000),
            self.p90_min,
            _minutes(self.max_ms),
            _share(self.over_15, self.count),
        )


# A wait in tenths of a minute, rounded half up: 6 s a tenth, the half at 3 s.
_TENTH_MS = 6_000


def wait_figures(engine: Engine, period: Period, by: list[str]) -> dict[tuple[Any, ...], Waits]:
    """Every ticket's wait of the period, summed per group of ``by`` (ticket_waits columns).

    A ticket still waiting uncalled counts with its wait up to its branch's last event,
    the latest moment the back office knows it waited. One pass in SQL groups the waits
    by group and by the tenth of a minute they show as; the p90 is then found by counting
    up those tenths, so it is exactly the shown value of the ceil(0.9 n)-th wait without
    the database sorting every wait of a year.
    """
    tw, lb = schema.ticket_waits, schema.live_branch
    so_far = lb.c.last_event_ms - tw.c.start_ms
    wait = func.coalesce(tw.c.wait_ms, case((so_far > 0, so_far), else_=0))
    tenth = ((wait + _TENTH_MS // 2) // _TENTH_MS).label("tenth")
    groups = [tw.c[b] for b in by]
    query = (
        select(
            *groups,
            tenth,
            func.count().label("waits"),
            func.sum(wait).label("sum_ms"),
            func.max(wait).label("max_ms"),
            func.sum(case((wait > LONG_WAIT_MS, 1), else_=0)).label("over_15"),
            func.sum(tw.c.called).label("called"),
        )
        .select_from(tw.outerjoin(lb, lb.c.branch_id == tw.c.branch_id))
        .where(tw.c.day >= period.start.isoformat(), tw.c.day <= period.end.isoformat())
        .group_by(*groups, tenth)
    )
    if period.branches:
        query = query.where(tw.c.branch_id.in_(period.branches))
    with engine.connect() as connection:
        found = connection.execute(query).all()
    width = len(by)
    parts: dict[tuple[Any, ...], list[tuple[int, ...]]] = defaultdict(list)
    for row in found:
        parts[tuple(row[:width])].append(tuple(int(v or 0) for v in row[width:]))
    return {key: _waits(rows) for key, rows in sorted(parts.items(), key=lambda p: p[0])}


def _waits(rows: list[tuple[int, ...]]) -> Waits:
    """One group's figures from its rows per tenth of a minute: (tenth, waits, sum, max,
    over 15, called)."""
    rows.sort()
    count = sum(r[1] for r in rows)
    rank = (9 * count + 9) // 10
    seen = 0
    p90 = 0
    for tenth, waits, *_ in rows:
        seen += waits
        if seen >= rank:
            p90 = tenth
            break
    return Waits(
        count,
        sum(r[2] for r in rows),
        max(r[3] for r in rows),
        sum(r[4] for r in rows),
        p90,
        sum(r[5] for r in rows),
    )


def _one(waits: dict[tuple[Any, ...], Waits], *key: Any) -> Waits:
    return waits.get(tuple(key), Waits())


def by_day(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["issued", "served", "no_shows", "cancelled"]
    rows = _sums(engine, schema.agg_service_day, period, ["day"], values)
    return [(r.day, int(r.issued), int(r.served), int(r.no_shows), int(r.cancelled)) for r in rows]


WEEKDAYS_RU = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


def by_weekday(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    rows = _sums(engine, schema.agg_service_day, period, ["day"], ["issued", "served"])
    issued: dict[int, int] = defaultdict(int)
    served: dict[int, int] = defaultdict(int)
    days: dict[int, int] = defaultdict(int)
    for r in rows:
        weekday = date.fromisoformat(r.day).weekday()
        issued[weekday] += int(r.issued)
        served[weekday] += int(r.served)
        days[weekday] += 1
    return [
        (WEEKDAYS_RU[w], issued[w], served[w], _avg(issued[w], days[w]))
        for w in range(7)
        if days[w]
    ]


def by_hour(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    """Per local hour of issue: tickets issued and the waits of those tickets."""
    issued = {
        int(r.hour): int(r.issued or 0)
        for r in _sums(engine, schema.agg_hour, period, ["hour"], ["issued"])
    }
    waits = wait_figures(engine, period, ["hour"])
    hours = sorted(set(issued) | {int(h) for (h,) in waits})
    return [(f"{h:02d}:00", issued.get(h, 0), *_one(waits, h).cells()) for h in hours]


def by_service(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["issued", "served", "no_shows", "services", "service_sum_ms"]
    rows = _sums(engine, schema.agg_service_day, period, ["service_id"], values)
    waits = wait_figures(engine, period, ["service_id"])
    result: list[tuple[object, ...]] = []
    for r in rows:
        wait = _one(waits, r.service_id)
        result.append(
            (
                r.service_id,
                int(r.issued),
                int(r.served),
                int(r.no_shows),
                _avg(wait.sum_ms, wait.count, 60_000),
                wait.p90_min,
                _avg(r.service_sum_ms, r.services, 60_000),
            )
        )
    return result


NO_AUTHORITY = "—"


def by_authority(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["issued", "served", "no_shows"]
    rows = _sums(engine, schema.agg_service_day, period, ["service_id"], values)
    waits = wait_figures(engine, period, ["service_id"])
    table = schema.service_authorities
    with engine.connect() as connection:
        pairs = connection.execute(select(table.c.service_id, table.c.authority))
        authority: dict[str, str] = {r.service_id: r.authority for r in pairs}
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        found = sums[authority.get(r.service_id, NO_AUTHORITY)]
        for name in values:
            found[name] += int(getattr(r, name) or 0)
        wait = _one(waits, r.service_id)
        found["waits"] += wait.count
        found["wait_sum_ms"] += wait.sum_ms
        found["over_15"] += wait.over_15
    return [
        (
            name,
            s["issued"],
            s["served"],
            s["no_shows"],
            _avg(s["wait_sum_ms"], s["waits"], 60_000),
            _share(s["over_15"], s["waits"]),
        )
        for name, s in sorted(sums.items())
    ]


def waits(by: list[str]) -> Query:
    def query(engine: Engine, period: Period) -> list[tuple[object, ...]]:
        found = wait_figures(engine, period, by)
        return _by_ids([(*key, *w.cells()) for key, w in found.items()], len(by))

    return query


def service_times(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["services", "service_sum_ms", "service_max_ms"]
    rows = _sums(engine, schema.agg_service_day, period, ["branch_id", "service_id"], values)
    return _by_ids(
        [
            (
                r.branch_id,
                r.service_id,
                int(r.services),
                _avg(r.service_sum_ms, r.services, 60_000),
                _minutes(r.service_max_ms),
            )
            for r in rows
        ],
        2,
    )


def no_shows(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    """Per branch and service: tickets called (at least once), no-shows, their share."""
    by = ["branch_id", "service_id"]
    rows = _sums(engine, schema.agg_service_day, period, by, ["no_shows"])
    waits = wait_figures(engine, period, by)
    result: list[tuple[object, ...]] = []
    for r in rows:
        called = _one(waits, r.branch_id, r.service_id).called
        result.append(
            (r.branch_id, r.service_id, called, int(r.no_shows), _share(r.no_shows, called))
        )
    return _by_ids(result, 2)


def staff(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    by = ["branch_id", "desk_id", "operator_id"]
    rows = _sums(engine, schema.agg_staff_day, period, by, ["served", "service_sum_ms", "no_shows"])
    return _by_ids(
        [
            (
                r.branch_id,
                r.desk_id,
                r.operator_id,
                int(r.served),
                int(r.no_shows),
                _minutes(r.service_sum_ms),
                _avg(r.service_sum_ms, r.served, 60_000),
            )
            for r in rows
        ],
        3,
    )


def payments(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    by = ["service_id", "state"]
    rows = _sums(engine, schema.agg_payment_day, period, by, ["payments", "amount_kopecks"])
    return [
        (r.service_id, r.state, int(r.payments), round(int(r.amount_kopecks) / 100, 2))
        for r in rows
    ]


def ratings(by: str) -> Query:
    def query(engine: Engine, period: Period) -> list[tuple[object, ...]]:
        values = ["ratings", "score_sum", "low_scores"]
        rows = _sums(engine, schema.agg_rating_day, period, ["branch_id", by], values)
        found: list[tuple[object, ...]] = [
            (
                r.branch_id,
                getattr(r, by),
                int(r.ratings),
                _avg(r.score_sum, r.ratings),
                _share(r.low_scores, r.ratings),
            )
            for r in rows
        ]
        return _by_ids(found, 2)

    return query


@dataclass(frozen=True, slots=True)
class Headline:
    """The region's (or the chosen branches') figures of a period, for the overview."""

    issued: int
    served: int
    avg_wait_min: float
    p90_wait_min: float
    over_15_pct: float
    ratings: int
    avg_score: float


def journal(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    """Every journal entry of the period, each branch's in order, at its branch's time."""
    table, branches = schema.journal, schema.branches
    query = (
        select(
            table.c.branch_id,
            table.c.day,
            table.c.at_ms,
            branches.c.timezone,
            table.c.action,
            table.c.actor,
            table.c.subject,
            table.c.outcome,
            table.c.door,
        )
        .join(branches, branches.c.id == table.c.branch_id)
        .where(table.c.day >= period.start.isoformat(), table.c.day <= period.end.isoformat())
        .order_by(table.c.branch_id, table.c.seq)
    )
    if period.branches:
        query = query.where(table.c.branch_id.in_(period.branches))
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    return [
        (
            r.branch_id,
            r.day,
            datetime.fromtimestamp(r.at_ms / 1000, ZoneInfo(r.timezone)).strftime("%H:%M:%S"),
            r.action,
            r.actor,
            r.subject,
            r.outcome,
            r.door,
        )
        for r in rows
    ]


def headline(engine: Engine, period: Period) -> Headline:
    """Each figure from the period's sums over every branch, rounded once, at the end."""
    [visits] = _sums(engine, schema.agg_service_day, period, [], ["issued", "served"])
    [scores] = _sums(engine, schema.agg_rating_day, period, [], ["ratings", "score_sum"])
    wait = _one(wait_figures(engine, period, []))
    return Headline(
        issued=int(visits.issued or 0),
        served=int(visits.served or 0),
        avg_wait_min=_avg(wait.sum_ms, wait.count, 60_000),
        p90_wait_min=wait.p90_min,
        over_15_pct=_share(wait.over_15, wait.count),
        ratings=int(scores.ratings or 0),
        avg_score=_avg(scores.score_sum, scores.ratings),
    )
