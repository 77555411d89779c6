"""The dashboard's pages: the region at a glance, each branch now, each report, exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from backoffice import queries
from backoffice import reports as rp
from backoffice.live import live as live_state
from backoffice.names import Names, named
from backoffice.period import Period
from backoffice.web import charts, exports, i18n, vashkontrol, views
from backoffice.web.app import STALE_MS, Dashboard

Handler = Callable[[Request], Awaitable[Response]]
# The overview's charts stand two abreast: drawn at the width they are shown at.
PAIRED = 560
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


def _report(name: str) -> rp.Report:
    found = rp.REPORTS.get(name)
    if found is None:
        raise HTTPException(404)
    return found


async def _run(dashboard: Dashboard, report: rp.Report, period: Period) -> rp.ReportTable:
    return await dashboard.read(lambda: report.run(dashboard.engine, period))


async def _filters(
    dashboard: Dashboard, request: Request, names: Names
) -> tuple[Period, dict[str, Any]]:
    """The period asked for, and what the filter form shows."""
    period = dashboard.period(request)
    shown = {
        "period": period,
        "branch_ids": await dashboard.branch_ids(request),
        "today": dashboard.today(),
        "names": names,
    }
    return period, shown


async def overview(request: Request) -> Response:
    dashboard = _dashboard(request)
    lang = dashboard.lang(request)
    names = await dashboard.names()
    period, context = await _filters(dashboard, request, names)
    tables = {n: await _run(dashboard, rp.REPORTS[n], period) for n in _OVERVIEW}
    now = dashboard.clock()
    branches = await dashboard.read(lambda: live_state(dashboard.engine, now))
    if period.branches:
        branches = [b for b in branches if b.branch_id in period.branches]
    target = _target(dashboard, lang)

    def chart(name: str, key: str, width: int = PAIRED) -> list[views.Chart]:
        table = named(tables[name], names, lang)
        return views.report_charts(rp.REPORTS[name], table, lang, target, keys=(key,), width=width)

    waits = tables["waits_by_branch"]
    return dashboard.render(
        request,
        "overview.html",
        headline=await dashboard.read(lambda: queries.headline(dashboard.engine, period)),
        waiting_now=sum(b.waiting for b in branches),
        serving_now=sum(b.serving for b in branches),
        indicator=chart("waits_by_branch", "over_15_pct", charts.WIDTH),
        hourly=chart("attendance_by_hour", "avg_wait_min"),
        weekly=chart("attendance_by_weekday", "avg_per_day"),
        live=branches,
        by_branch=views.keyed(waits, "branch_id"),
        now_ms=now,
        stale_ms=STALE_MS,
        target=dashboard.target_pct,
        reports=rp.REPORTS,
        **context,
    )


_OVERVIEW = (
    "waits_by_branch",
    "attendance_by_hour",
    "attendance_by_weekday",
)


def _target(dashboard: Dashboard, lang: str) -> charts.Target:
    value = dashboard.target_pct
    return charts.Target(value, i18n.text(lang, "target", target=charts.number(value, lang)))


async def live(request: Request) -> Response:
    dashboard = _dashboard(request)
    branch = request.path_params.get("branch", "")
    shown = dashboard.scope(request, (branch,) if branch else ())
    found = await dashboard.read(lambda: live_state(dashboard.engine, dashboard.clock()))
    if shown:
        found = [b for b in found if b.branch_id in shown]
    if branch and not found:
        raise HTTPException(404)
    return dashboard.render(
        request,
        "live.html",
        names=await dashboard.names(),
        branches=found,
        one=bool(branch),
        now_ms=dashboard.clock(),
        stale_ms=STALE_MS,
        refresh_s=dashboard.refresh_s,
    )


async def report(request: Request) -> Response:
    dashboard = _dashboard(request)
    lang = dashboard.lang(request)
    chosen = _report(request.path_params["name"])
    names = await dashboard.names()
    period, context = await _filters(dashboard, request, names)
    table = named(await _run(dashboard, chosen, period), names, lang)
    found = views.report_charts(chosen, table, lang, _target(dashboard, lang))
    return dashboard.render(
        request,
        "report.html",
        report=chosen,
        table=table,
        charts=found,
        title=chosen.title_en if lang == "en" else chosen.title_ru,
        headings=[exports.heading(c, lang) for c in table.columns],
        reports=rp.REPORTS,
        **context,
    )


async def export(request: Request) -> Response:
    dashboard = _dashboard(request)
    lang = dashboard.lang(request)
    chosen = _report(request.path_params["name"])
    fmt = request.path_params["fmt"]
    period = dashboard.period(request)
    table = named(await _run(dashboard, chosen, period), await dashboard.names(), lang)
    stem = f"{chosen.name}_{period.start}_{period.end}"
    if fmt == "csv":
        return _download(exports.report_csv(table, lang), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        title = chosen.title_en if lang == "en" else chosen.title_ru
        return _download(exports.report_xlsx(table, lang, title), f"{stem}.xlsx", XLSX)
    raise HTTPException(404)


async def ratings_export(request: Request) -> Response:
    """Every rating of the period, one per row, for the federal monitoring (CSV), streamed:
    Starlette reads the synchronous generator on a worker thread, a chunk at a time."""
    dashboard = _dashboard(request)
    period = dashboard.period(request)
    name = f"vashkontrol_{period.start}_{period.end}.csv"
    body = vashkontrol.csv_chunks(dashboard.engine, period)
    return StreamingResponse(
        body, media_type="text/csv; charset=utf-8", headers=_download_headers(name)
    )


def _download(body: bytes, name: str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers=_download_headers(name))


def _download_headers(name: str) -> dict[str, str]:
    return {
        "content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
    }
