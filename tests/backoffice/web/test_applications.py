"""The applications summary in the dashboard: its page, CSV and XLSX with the figures
worked out by hand, read as of the dashboard's clock, for signed-in managers only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

import httpx
from openpyxl import load_workbook

from backoffice.web import create_app
from tests.backoffice.hand_applications import MOSCOW
from tests.backoffice.web.conftest import APPLIED, Dashboard
from tests.backoffice.web.signed import branch_head

WEEK = f"from={APPLIED}&to=2026-11-08"
HEADINGS = [
    "Branch",
    "Service",
    "Authority",
    "Received in the period",
    "Accepted",
    "In work",
    "Suspended",
    "Ready",
    "Issued",
    "Refused",
    "Cancelled",
    "Overdue",
    "Ready late",
]


def figures(overdue: int) -> list[list[object]]:
    """Received, the seven statuses, overdue, ready late: egrn, inn, passport
    (tests/backoffice/hand_applications.py, from Monday 11-02; the passports planned 11-16)."""
    return [
        [2, 0, 0, 0, 1, 1, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 0, 1, 0, 0, 0],
        [3, 0, 1, 1, 0, 0, 0, 1, overdue, 0],
    ]


async def test_the_page_and_both_exports_show_the_same_hand_counted_figures(
    dashboard: Dashboard,
) -> None:
    async with dashboard.client() as client:
        page = await client.get(f"/reports/applications?{WEEK}&lang=en")
        as_csv = await client.get(f"/export/applications.csv?{WEEK}&lang=en")
        as_xlsx = await client.get(f"/export/applications.xlsx?{WEEK}&lang=en")
        in_russian = await client.get(f"/export/applications.csv?{WEEK}&lang=ru")
    assert page.status_code == 200
    assert "Applications: summary" in page.text and "Ready late" in page.text
    assert page.text.count('class="chart"') == 2
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == HEADINGS
    # Passports, named by the hub, come last: "Паспорт" after the ids egrn and inn.
    assert [[int(c) for c in row[3:]] for row in rows[1:]] == figures(overdue=2)
    assert [row[2] for row in rows[1:]] == ["Росреестр", "—", "ГУ по вопросам миграции МВД"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == HEADINGS
    assert [row[:3] for row in cells[1:]] == [row[:3] for row in rows[1:]]
    assert [row[3:] for row in cells[1:]] == figures(overdue=2)
    russian = list(csv.reader(io.StringIO(in_russian.content.decode("utf-8-sig"))))
    assert russian[0][3:5] == ["Поступило за период", "Принято"]
    assert russian[0][-2:] == ["Просрочено", "Готово позже срока"]


def stopped(now_ms: int) -> Callable[[], int]:
    """A clock that always reads ``now_ms``."""
    return lambda: now_ms


async def test_overdue_is_counted_by_the_dashboards_clock_in_the_branchs_time(
    dashboard: Dashboard,
) -> None:
    """On 11-16, the passports' planned day, nothing is overdue yet; from 11-17 in Moscow
    (11-16 21:30 in UTC) the two not ready are."""
    for moment, overdue in ((datetime(2026, 11, 16, 23, 0), 0), (datetime(2026, 11, 17, 0, 30), 2)):
        now_ms = int(moment.replace(tzinfo=MOSCOW).timestamp() * 1000)
        app = create_app(dashboard.engine, hosts=["dashboard"], clock=stopped(now_ms))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://dashboard",
            cookies=dashboard.cookies,
        ) as client:
            answer = await client.get(f"/export/applications.csv?{WEEK}")
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert [int(c) for c in rows[3][3:]] == figures(overdue)[2], moment


async def test_a_stranger_is_sent_to_sign_in_and_a_branch_head_sees_only_theirs(
    dashboard: Dashboard,
) -> None:
    paths = (
        f"/reports/applications?{WEEK}",
        f"/export/applications.csv?{WEEK}",
        f"/export/applications.xlsx?{WEEK}",
    )
    async with dashboard.client(cookies={}) as stranger:
        for path in paths:
            answer = await stranger.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/signin?next="), path
    head = branch_head(dashboard.engine, "branch-02", "head-applications")
    async with dashboard.client(cookies=head) as client:
        theirs = await client.get(f"/export/applications.csv?{WEEK}&lang=en")
        another = await client.get(f"/export/applications.csv?{WEEK}&branch=branch-01")
    lines = theirs.content.decode("utf-8-sig").splitlines()
    assert lines == [",".join(HEADINGS)]
    assert another.status_code == 403
