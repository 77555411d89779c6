"""The queries behind the standard reports: sums over the aggregate tables, in SQL.

Each takes the engine and the period and gives the rows of its report (reports.py holds
the columns and titles). None reads ``raw_events``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, func, select

from hub.backoffice import schema

if TYPE_CHECKING:
    from hub.backoffice.reports import Period, Query


def _sums(
    engine: Engine, table: Table, period: Period, by: list[str], values: list[str]
) -> list[Any]:
    """SUM (MAX for the *_max_s columns) of ``values`` over the period grouped by ``by``."""
    aggregates = [
        (func.max if v.endswith("_max_s") else func.sum)(table.c[v]).label(v) for v in values
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


def _avg(total: Any, count: Any, scale: float = 1.0) -> float:
    return round(float(total or 0) / float(count) / scale, 1) if count else 0.0


def _share(part: Any, whole: Any) -> float:
    return round(100.0 * float(part or 0) / float(whole), 1) if whole else 0.0


def _minutes(seconds: Any) -> float:
    return round(float(seconds or 0) / 60, 1)


_WAIT_VALUES = ["waits", "wait_sum_s", "wait_max_s", "waits_over_15"]


def _wait_cells(r: Any) -> tuple[object, ...]:
    return (
        int(r.waits or 0),
        _avg(r.wait_sum_s, r.waits, 60),
        _minutes(r.wait_max_s),
        _share(r.waits_over_15, r.waits),
    )


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
    rows = _sums(engine, schema.agg_hour, period, ["hour"], ["issued", *_WAIT_VALUES])
    return [(f"{int(r.hour):02d}:00", int(r.issued or 0), *_wait_cells(r)) for r in rows]


def by_service(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["issued", "served", "no_shows", "waits", "wait_sum_s", "services", "service_sum_s"]
    rows = _sums(engine, schema.agg_service_day, period, ["service_id"], values)
    return [
        (
            r.service_id,
            int(r.issued),
            int(r.served),
            int(r.no_shows),
            _avg(r.wait_sum_s, r.waits, 60),
            _avg(r.service_sum_s, r.services, 60),
        )
        for r in rows
    ]


NO_AUTHORITY = "—"


def by_authority(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["issued", "served", "no_shows", "waits", "wait_sum_s", "waits_over_15"]
    rows = _sums(engine, schema.agg_service_day, period, ["service_id"], values)
    table = schema.service_authorities
    with engine.connect() as connection:
        pairs = connection.execute(select(table.c.service_id, table.c.authority))
        authority: dict[str, str] = {r.service_id: r.authority for r in pairs}
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        found = sums[authority.get(r.service_id, NO_AUTHORITY)]
        for name in values:
            found[name] += int(getattr(r, name) or 0)
    return [
        (
            name,
            s["issued"],
            s["served"],
            s["no_shows"],
            _avg(s["wait_sum_s"], s["waits"], 60),
            _share(s["waits_over_15"], s["waits"]),
        )
        for name, s in sorted(sums.items())
    ]


def waits(by: list[str]) -> Query:
    def query(engine: Engine, period: Period) -> list[tuple[object, ...]]:
        rows = _sums(engine, schema.agg_service_day, period, by, _WAIT_VALUES)
        return [(*(getattr(r, b) for b in by), *_wait_cells(r)) for r in rows]

    return query


def service_times(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["services", "service_sum_s", "service_max_s"]
    rows = _sums(engine, schema.agg_service_day, period, ["branch_id", "service_id"], values)
    return [
        (
            r.branch_id,
            r.service_id,
            int(r.services),
            _avg(r.service_sum_s, r.services, 60),
            _minutes(r.service_max_s),
        )
        for r in rows
    ]


def no_shows(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    values = ["waits", "no_shows"]
    rows = _sums(engine, schema.agg_service_day, period, ["branch_id", "service_id"], values)
    return [
        (r.branch_id, r.service_id, int(r.waits), int(r.no_shows), _share(r.no_shows, r.waits))
        for r in rows
    ]


def staff(engine: Engine, period: Period) -> list[tuple[object, ...]]:
    by = ["branch_id", "desk_id", "operator_id"]
    rows = _sums(engine, schema.agg_staff_day, period, by, ["served", "service_sum_s", "no_shows"])
    return [
        (
            r.branch_id,
            r.desk_id,
            r.operator_id,
            int(r.served),
            int(r.no_shows),
            _minutes(r.service_sum_s),
            _avg(r.service_sum_s, r.served, 60),
        )
        for r in rows
    ]


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
        return [
            (
                r.branch_id,
                getattr(r, by),
                int(r.ratings),
                _avg(r.score_sum, r.ratings),
                _share(r.low_scores, r.ratings),
            )
            for r in rows
        ]

    return query
