"""From report tables to what the pages show: chart choice, labels, table cells. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from backoffice.reports import Report, ReportTable
from backoffice.web import charts, exports
from backoffice.web.words import shown

# Most bars one chart shows; the table below it has every row.
MAX_BARS = 25
# Short labels (hours, weekdays) stand under columns; longer ones beside horizontal bars.
SHORT_LABEL = 6


def labels(table: ReportTable, lang: str = "ru") -> list[str]:
    """Each row's name: its text cells joined ("b01 · passport"), or its first cell."""
    keys = [c.key for c in table.columns]
    names = []
    for row in table.rows:
        texts = [
            str(shown(cell, lang, key))
            for cell, key in zip(row, keys, strict=True)
            if isinstance(cell, str)
        ]
        names.append(" · ".join(texts) if texts else str(row[0]))
    return names


def num(cell: object) -> float:
    """A table cell as a number; text and empty cells count as 0."""
    return float(cell) if isinstance(cell, int | float) else 0.0


def keyed(table: ReportTable, key: str) -> dict[str, dict[str, object]]:
    """The rows by the value of column ``key``, each as column key -> value."""
    names = [c.key for c in table.columns]
    rows = [dict(zip(names, row, strict=True)) for row in table.rows]
    return {str(row[key]): row for row in rows}


def _index(table: ReportTable, key: str) -> int:
    return [c.key for c in table.columns].index(key)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: Markup
    shown: int
    total: int


def report_charts(
    report: Report,
    table: ReportTable,
    lang: str,
    target: charts.Target,
    *,
    keys: Sequence[str] = (),
    width: int = charts.WIDTH,
) -> list[Chart]:
    """One chart per measure (``keys``, else ``report.chart_columns``); none for no rows.

    ``target`` is drawn on the 15-minute indicator's charts (the over_15_pct measure).
    """
    if report.chart == "none" or not table.rows:
        return []
    names = labels(table, lang)
    result = []
    for key in keys or report.chart_columns:
        i = _index(table, key)
        column = table.columns[i]
        values = [num(row[i]) for row in table.rows]
        heading = exports.heading(column, lang)
        limit = target if key == "over_15_pct" else None
        unit = exports.unit(column, lang)
        # A scale ("1..5") is said in the title, not after every value.
        shown = "" if ".." in unit else unit
        result.append(
            _chart(
                report.chart,
                heading=heading,
                names=names,
                values=values,
                unit=shown,
                target=limit,
                width=width,
                lang=lang,
            )
        )
    return result


def _chart(
    kind: str,
    *,
    heading: str,
    names: Sequence[str],
    values: Sequence[float],
    unit: str,
    target: charts.Target | None,
    width: int,
    lang: str,
) -> Chart:
    total = len(values)
    if kind == "line":
        svg = charts.line(
            heading, [_day(n) for n in names], values, lang=lang, unit=unit, width=width
        )
        return Chart(heading, svg, total, total)
    short = max(len(n) for n in names) <= SHORT_LABEL
    if short and total <= 31:
        svg = charts.columns(
            heading, names, values, lang=lang, unit=unit, target=target, width=width
        )
        return Chart(heading, svg, total, total)
    # Ranked, largest first: a manager looks for the best and the worst.
    ranked = sorted(zip(names, values, strict=True), key=lambda p: p[1], reverse=True)
    kept = ranked[:MAX_BARS]
    svg = charts.horizontal_bars(
        heading,
        [n for n, _ in kept],
        [v for _, v in kept],
        lang=lang,
        unit=unit,
        target=target,
        width=width,
    )
    return Chart(heading, svg, len(kept), total)


def _day(label: str) -> str:
    """ "2026-11-23" as "23.11" under a line of days; other labels as they are."""
    if len(label) == 10 and label[4] == label[7] == "-":
        return f"{label[8:]}.{label[5:7]}"
    return label
