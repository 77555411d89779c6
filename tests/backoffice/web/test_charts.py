"""The SVG charts and the choice of chart: well-formed, readable, ranked, honest scales."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backoffice import reports as rp
from backoffice.web import charts, views

SVG = "{http://www.w3.org/2000/svg}"


def test_axes_end_on_round_numbers_and_figures_read_the_russian_way() -> None:
    assert [charts.nice_top(v) for v in (0, 4.4, 9.9, 17, 934, 1001)] == [1, 5, 10, 20, 1000, 2000]
    assert charts.ticks(5.0) == [0, 1, 2, 3, 4, 5]
    assert charts.ticks(20.0) == [0, 5, 10, 15, 20]
    assert charts.number(7448) == "7\u202f448" and charts.number(8.46) == "8,5"


def test_bars_past_the_target_are_coloured_and_the_chart_is_well_formed_svg() -> None:
    target = charts.Target(5.0, "цель 5 %")
    svg = charts.horizontal_bars(
        "15 минут", ["b-01", "b-02", "b-03"], [2.0, 7.0, 12.0], unit="%", target=target
    )
    root = ET.fromstring(str(svg))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills == [charts.BAR, charts.WARN, charts.BAD]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "7 %" in texts and "цель 5 %" in texts and root.get("aria-label") == "15 минут"


def test_the_chart_suits_the_labels_and_many_bars_are_cut_to_the_largest() -> None:
    target = charts.Target(5.0, "")
    hours = rp.ReportTable(
        rp.REPORTS["attendance_by_hour"].columns,
        [(f"{h:02d}:00", h, h, 1.0, 1.5, 2.0, 3.0) for h in range(8, 20)],
    )
    (issued, wait) = views.report_charts(rp.REPORTS["attendance_by_hour"], hours, "ru", target)
    assert issued.title == "Выдано талонов" and wait.title == "Среднее ожидание, мин"
    assert str(issued.svg).count("<rect") == 12
    rows: list[tuple[object, ...]] = [
        (f"branch-{n:02d}", f"service-{n}", n, 1.0, 1.5, 2.0, float(n)) for n in range(40)
    ]
    many = rp.ReportTable(rp.REPORTS["waits"].columns, rows)
    (chart,) = views.report_charts(rp.REPORTS["waits"], many, "en", target)
    assert (chart.shown, chart.total) == (25, 40)
    first = ET.fromstring(str(chart.svg)).find(f"{SVG}text[@text-anchor='end']")
    assert first is not None and first.text == "branch-39 · service-39"
