"""The dashboard's pages and exports over HTTP, on a small generated region."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from prometheus_client.parser import text_string_to_metric_families

from backoffice import reports as rp
from backoffice.live import live as live_state
from backoffice.names import load, named
from backoffice.period import Period
from backoffice.web.views import num
from tests.backoffice.web.conftest import TODAY, Dashboard


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_overview_shows_the_region_and_the_15_minute_indicator(
    dashboard: Dashboard,
) -> None:
    async with dashboard.client() as client:
        page = await client.get("/")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Ждали дольше 15 минут" in text and "Показатель 15 минут по отделениям" in text
    assert page.text.count("<svg") == 3
    for branch in ("МФЦ № 1", "МФЦ № 2", "МФЦ № 3"):
        assert branch in text
    async with dashboard.client() as client:
        english = await client.get("/?lang=en")
    assert ">Fri<" in english.text and ">Пт<" not in english.text
    table = rp.REPORTS["by_service"].run(
        dashboard.engine, Period(TODAY - timedelta(days=29), TODAY)
    )
    issued = int(sum(num(row[1]) for row in table.rows))
    assert f"{issued:,}".replace(",", "\u202f") in page.text
    assert 'class="target"' in page.text


async def test_every_report_has_its_page_chart_and_table(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        for name, report in rp.REPORTS.items():
            page = await client.get(f"/reports/{name}?lang=en")
            assert page.status_code == 200, name
            assert report.title_en in page.text
            charts = page.text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"')
            assert charts == (0 if report.chart == "none" else len(report.chart_columns)), name
            assert "<table" in page.text


async def test_filters_narrow_the_period_and_the_branch(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        one = await client.get("/reports/waits_by_branch?branch=branch-02")
        assert "МФЦ № 2" in plain(one.text) and "<td>МФЦ № 1</td>" not in one.text
        empty = await client.get("/reports/by_service?from=2020-01-01&to=2020-01-31")
        assert "За этот период данных нет." in plain(empty.text)
        bad = await client.get("/reports/by_service?from=2026-13-01")
        assert bad.status_code == 400 and "Период задан неверно" in plain(bad.text)
        missing = await client.get("/reports/nonsense")
        assert missing.status_code == 404


async def test_a_report_exports_to_csv_and_xlsx_as_the_table_shows(dashboard: Dashboard) -> None:
    period = "from=2026-11-02&to=2026-11-22"
    expected = rp.REPORTS["waits"].run(
        dashboard.engine, Period(TODAY - timedelta(days=21), TODAY - timedelta(days=1))
    )
    async with dashboard.client() as client:
        as_csv = await client.get(f"/export/waits.csv?{period}")
        as_xlsx = await client.get(f"/export/waits.xlsx?{period}&lang=en")
        missing = await client.get(f"/export/waits.pdf?{period}")
    assert missing.status_code == 404
    assert as_csv.headers["content-disposition"].endswith("waits_2026-11-02_2026-11-22.csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Отделение", "Услуга", "Ожидали"]
    assert rows[0][-1] == "Ждали дольше 15 минут, %"
    russian = named(expected, load(dashboard.engine), "ru").rows
    assert [r[:3] for r in rows[1:]] == [[str(c) for c in r[:3]] for r in russian]
    assert rows[1][:2] == ["МФЦ № 1", "Водительское удостоверение"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "Waited over 15 minutes, %"
    english = named(expected, load(dashboard.engine), "en").rows
    assert [tuple(v) for v in values[1:]] == [tuple(r) for r in english]
    assert values[1][:2] == ("МФЦ № 1", "Benefits and allowances")


async def test_the_ratings_export_for_the_federal_monitoring(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        answer = await client.get("/ratings/vashkontrol.csv?branch=branch-01")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows and {r["office_id"] for r in rows} == {"branch-01"}
    assert {r["criterion"] for r in rows} == {"overall"}
    assert {int(r["score"]) for r in rows} <= {1, 2, 3, 4, 5}
    assert "operator" not in ",".join(rows[0])
    total = rp.REPORTS["ratings"].run(
        dashboard.engine, Period(TODAY - timedelta(days=29), TODAY, ("branch-01",))
    )
    assert len(rows) == sum(num(r[2]) for r in total.rows)


async def test_live_and_metrics(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        live = await client.get("/live")
        one = await client.get("/live/branch-03")
        nobody = await client.get("/live/branch-99")
        metrics = await client.get("/metrics")
    assert 'http-equiv="refresh"' in live.text
    found = live_state(dashboard.engine, 0)
    three = next(b for b in found if b.branch_id == "branch-03")
    assert f"{three.waiting} Ждут сейчас" in plain(one.text)
    assert nobody.status_code == 404
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(metrics.text)
        for s in family.samples
    }
    for branch in found:
        key = ("okno_backoffice_events_stored_total", (("branch", branch.branch_id),))
        assert samples[key] > 0
