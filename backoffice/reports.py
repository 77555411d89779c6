"""The back office's reports: each a query over the aggregates (the journal over its own
table), never over the raw log.

The contract the dashboard, the exports and ``okno backoffice report`` share: a ``Report``
has a name, Russian and English titles, a chart hint and ``run(engine, period)`` giving a
``ReportTable`` (columns with titles and units, rows of plain values). Each branch's
now (who waits, who is served at which desk) is ``backoffice.live``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from backoffice import applications, queries
from backoffice.errors import UnknownReport
from backoffice.period import Period
from hub.domain.applications import ApplicationStatus


@dataclass(frozen=True)
class Column:
    key: str
    title_ru: str
    title_en: str
    unit: str = ""


@dataclass(frozen=True)
class ReportTable:
    columns: tuple[Column, ...]
    rows: list[tuple[object, ...]]


@dataclass(frozen=True)
class Report:
    """One standard report. ``chart``: "bar", "line" or "none"; x is the first column,
    y the ``chart_columns`` (keys of columns)."""

    name: str
    title_ru: str
    title_en: str
    chart: str
    chart_columns: tuple[str, ...]
    columns: tuple[Column, ...]
    query: queries.Query

    def run(self, engine: Engine, period: Period) -> ReportTable:
        return ReportTable(self.columns, self.query(engine, period))


def _col(key: str, ru: str, en: str, unit: str = "") -> Column:
    return Column(key, ru, en, unit)


_AVG_WAIT = _col("avg_wait_min", "Среднее ожидание", "Average wait", "min")
_P90_WAIT = _col("p90_wait_min", "90 % ждали не дольше", "90th percentile wait", "min")
_OVER_15 = _col("over_15_pct", "Ждали дольше 15 минут", "Waited over 15 minutes", "%")
_WAIT_COLUMNS = (
    _col("waits", "Ожидали", "Waited"),
    _AVG_WAIT,
    _P90_WAIT,
    _col("max_wait_min", "Наибольшее ожидание", "Longest wait", "min"),
    _OVER_15,
)


# As the centres' information systems name them, in the order they come.
_STATUS_TITLES = {
    ApplicationStatus.ACCEPTED: ("Принято", "Accepted"),
    ApplicationStatus.IN_WORK: ("В работе", "In work"),
    ApplicationStatus.SUSPENDED: ("Приостановлено", "Suspended"),
    ApplicationStatus.READY: ("Готово к выдаче", "Ready"),
    ApplicationStatus.ISSUED: ("Выдано", "Issued"),
    ApplicationStatus.REFUSED: ("Отказано", "Refused"),
    ApplicationStatus.CANCELLED: ("Отменено", "Cancelled"),
}
_BRANCH = _col("branch_id", "Отделение", "Branch")
_SERVICE = _col("service_id", "Услуга", "Service")
_DESK = _col("desk_id", "Окно", "Desk")
_OPERATOR = _col("operator_id", "Оператор", "Operator")


def _rating_report(name: str, by: Column, ru: str, en: str) -> Report:
    return Report(
        name,
        f"Оценки посетителей {ru}",
        f"Visitor ratings {en}",
        "bar",
        ("avg_score",),
        (
            _BRANCH,
            by,
            _col("ratings", "Оценок", "Ratings"),
            _col("avg_score", "Средняя оценка", "Average score", "1..5"),
            _col("low_pct", "Оценки 1–2", "Scores 1-2", "%"),
        ),
        queries.ratings(by.key),
    )


_LIST = (
    Report(
        "attendance_by_day",
        "Посещаемость по дням",
        "Attendance by day",
        "line",
        ("issued",),
        (
            _col("day", "День", "Day"),
            _col("issued", "Выдано талонов", "Tickets issued"),
            _col("served", "Обслужено", "Served"),
            _col("no_shows", "Неявки", "No-shows"),
            _col("cancelled", "Отменено", "Cancelled"),
        ),
        queries.by_day,
    ),
    Report(
        "attendance_by_weekday",
        "Посещаемость по дням недели",
        "Attendance by weekday",
        "bar",
        ("avg_per_day",),
        (
            _col("weekday", "День недели", "Weekday"),
            _col("issued", "Выдано талонов", "Tickets issued"),
            _col("served", "Обслужено", "Served"),
            _col("avg_per_day", "В среднем за день", "Average per day"),
        ),
        queries.by_weekday,
    ),
    Report(
        "attendance_by_hour",
        "Посещаемость и ожидание по часам",
        "Attendance and waits by hour",
        "bar",
        ("issued", "avg_wait_min"),
        (
            _col("hour", "Час", "Hour"),
            _col("issued", "Выдано талонов", "Tickets issued"),
            *_WAIT_COLUMNS,
        ),
        queries.by_hour,
    ),
    Report(
        "by_service",
        "Обращения по услугам",
        "Requests by service",
        "bar",
        ("issued",),
        (
            _SERVICE,
            _col("issued", "Выдано талонов", "Tickets issued"),
            _col("served", "Обслужено", "Served"),
            _col("no_shows", "Неявки", "No-shows"),
            _AVG_WAIT,
            _P90_WAIT,
            _col("avg_service_min", "Среднее обслуживание", "Average service", "min"),
        ),
        queries.by_service,
    ),
    Report(
        "by_authority",
        "Обращения по ведомствам",
        "Requests by authority",
        "bar",
        ("issued",),
        (
            _col("authority", "Ведомство", "Authority"),
            _col("issued", "Выдано талонов", "Tickets issued"),
            _col("served", "Обслужено", "Served"),
            _col("no_shows", "Неявки", "No-shows"),
            _AVG_WAIT,
            _OVER_15,
        ),
        queries.by_authority,
    ),
    Report(
        "waits",
        "Ожидание по отделениям и услугам",
        "Waits by branch and service",
        "bar",
        ("over_15_pct",),
        (_BRANCH, _SERVICE, *_WAIT_COLUMNS),
        queries.waits(["branch_id", "service_id"]),
    ),
    Report(
        "waits_by_branch",
        "Ожидание по отделениям",
        "Waits by branch",
        "bar",
        ("avg_wait_min", "over_15_pct"),
        (_BRANCH, *_WAIT_COLUMNS),
        queries.waits(["branch_id"]),
    ),
    Report(
        "service_times",
        "Время обслуживания",
        "Service times",
        "bar",
        ("avg_service_min",),
        (
            _BRANCH,
            _SERVICE,
            _col("services", "Обслужено", "Served"),
            _col("avg_service_min", "Среднее обслуживание", "Average service", "min"),
            _col("max_service_min", "Наибольшее обслуживание", "Longest service", "min"),
        ),
        queries.service_times,
    ),
    Report(
        "no_shows",
        "Неявки",
        "No-shows",
        "bar",
        ("no_show_pct",),
        (
            _BRANCH,
            _SERVICE,
            _col("called", "Вызвано", "Called"),
            _col("no_shows", "Неявки", "No-shows"),
            _col("no_show_pct", "Доля неявок", "No-show share", "%"),
        ),
        queries.no_shows,
    ),
    Report(
        "desks_operators",
        "Окна и операторы",
        "Desks and operators",
        "none",
        (),
        (
            _BRANCH,
            _DESK,
            _OPERATOR,
            _col("served", "Обслужено", "Served"),
            _col("no_shows", "Неявки", "No-shows"),
            _col("service_min", "Время обслуживания", "Time serving", "min"),
            _col("avg_service_min", "Среднее обслуживание", "Average service", "min"),
        ),
        queries.staff,
    ),
    Report(
        "payments",
        "Платежи",
        "Payments",
        "bar",
        ("amount_rub",),
        (
            _SERVICE,
            _col("state", "Состояние", "State"),
            _col("payments", "Платежей", "Payments"),
            _col("amount_rub", "Сумма", "Amount", "₽"),
        ),
        queries.payments,
    ),
    _rating_report("ratings", _SERVICE, "по услугам", "by service"),
    _rating_report("ratings_by_desk", _DESK, "по окнам", "by desk"),
    _rating_report("ratings_by_operator", _OPERATOR, "по операторам", "by operator"),
    Report(
        "applications",
        "Заявления: сводная таблица",
        "Applications: summary",
        "bar",
        ("received", "overdue"),
        (
            _BRANCH,
            _SERVICE,
            _col("authority", "Ведомство", "Authority"),
            _col("received", "Поступило за период", "Received in the period"),
            *(_col(s.value, *_STATUS_TITLES[s]) for s in ApplicationStatus),
            _col("overdue", "Просрочено", "Overdue"),
            _col("ready_late", "Готово позже срока", "Ready late"),
        ),
        applications.summary,
    ),
    Report(
        "journal",
        "Журнал событий",
        "Event journal",
        "none",
        (),
        (
            _BRANCH,
            _col("day", "День", "Day"),
            _col("time", "Время", "Time"),
            _col("action", "Событие", "Event"),
            _col("actor", "Кто", "Who"),
            _col("subject", "Что", "What"),
            _col("outcome", "Итог", "Outcome"),
            _col("door", "Вход", "Door"),
        ),
        queries.journal,
    ),
)

REPORTS: dict[str, Report] = {r.name: r for r in _LIST}


def report(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise UnknownReport(f"no report {name!r}; the reports are: {', '.join(REPORTS)}") from None
