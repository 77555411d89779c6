"""The dashboard in headless Debian Chromium, desktop and phone; screenshots are kept in
var/screens/backoffice for a person to look at. The report tables on a phone are compared
with reviewed references in reference/ (after a deliberate change, look at the new PNGs,
then run with OKNO_UPDATE_SCREENS=1 to make them the references)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from hall_display.screen import difference
from tests.backoffice.web.conftest import Dashboard, screens_dir
from tests.backoffice.web.signed import MANAGER, PASSWORD
from tests.hub.web.conftest import DESKTOP, PHONE, chromium_missing
from tests.hub.web.test_browser import browser, page_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "ready"),
]
WIDE: ViewportSize = {"width": 1440, "height": 1000}
__all__ = ["browser"]


async def signed_page(dashboard: Dashboard, browser: Browser, size: ViewportSize) -> Page:
    """A new browser that signed in as the regional manager on the sign-in page."""
    page = await page_of(browser, size, timeout_ms=10_000)
    await page.goto(dashboard.base + "/")
    await expect(page).to_have_url(dashboard.base + "/signin?next=%2F")
    await page.get_by_label("Имя").fill(MANAGER)
    await page.get_by_label("Пароль").fill(PASSWORD)
    await page.get_by_role("button", name="Войти").click()
    await expect(page).to_have_url(dashboard.base + "/")
    return page


async def shoot(page: Page, name: str) -> None:
    await page.screenshot(path=screens_dir() / f"{name}.png", full_page=True)


async def test_a_manager_reads_the_overview_and_opens_a_report(
    dashboard: Dashboard, browser: Browser
) -> None:
    page = await signed_page(dashboard, browser, WIDE)
    await page.goto(dashboard.base + "/")
    await expect(
        page.get_by_role("heading", name="Показатель 15 минут по отделениям")
    ).to_be_visible()
    await expect(page.locator("svg.chart")).to_have_count(3)
    await shoot(page, "overview")
    await page.get_by_role("link", name="Обращения по услугам").first.click()
    await expect(page.get_by_role("heading", name="Обращения по услугам", level=1)).to_be_visible()
    await page.get_by_label("Отделение").select_option("branch-02")
    await page.get_by_role("button", name="Показать").click()
    await expect(page).to_have_url(
        dashboard.base + "/reports/by_service?from=2026-10-25&to=2026-11-23&branch=branch-02"
    )
    await shoot(page, "report_by_service_branch_02")
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="XLSX").click()
    download = await waiting.value
    assert download.suggested_filename == "by_service_2026-10-25_2026-11-23.xlsx"
    for name in (
        "attendance_by_day",
        "attendance_by_hour",
        "waits_by_branch",
        "ratings_by_operator",
    ):
        await page.goto(f"{dashboard.base}/reports/{name}")
        await expect(page.locator("svg.chart").first).to_be_visible()
        await shoot(page, f"report_{name}")


async def test_the_live_view_and_english(dashboard: Dashboard, browser: Browser) -> None:
    page = await signed_page(dashboard, browser, DESKTOP)
    await page.goto(dashboard.base + "/live")
    await expect(page.get_by_role("heading", name="МФЦ № 3")).to_be_visible()
    await shoot(page, "live")
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("link", name="Русский")).to_be_visible()
    await page.goto(dashboard.base + "/")
    await expect(
        page.get_by_role("heading", name="The 15-minute indicator by branch")
    ).to_be_visible()
    await shoot(page, "overview_en")
    phone = await signed_page(dashboard, browser, PHONE)
    await phone.goto(dashboard.base + "/")
    await expect(phone.locator("svg.chart")).to_have_count(3)
    await shoot(phone, "overview_phone")


# Words a cell shows that do not fit in it: what a browser breaks letter by letter.
BROKEN_WORDS = """() => {
  const pen = document.createElement('canvas').getContext('2d');
  const broken = [];
  for (const cell of document.querySelectorAll('table.data th, table.data td')) {
    const style = getComputedStyle(cell);
    pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/)) {
      if (word && pen.measureText(word).width > room + 1) broken.push(word);
    }
  }
  return broken;
}"""

# Pairs of labels under the columns of a chart that overlap on the screen.
TOUCHING_LABELS = """() => {
  const touching = [];
  for (const chart of document.querySelectorAll('svg.chart')) {
    const labels = [...chart.querySelectorAll('text[text-anchor="middle"]:not([class])')]
      .map(t => [t.textContent, t.getBoundingClientRect()])
      .sort((a, b) => a[1].left - b[1].left);
    for (let i = 1; i < labels.length; i++) {
      if (labels[i][1].left < labels[i - 1][1].right + 2) {
        touching.push(labels[i - 1][0] + '|' + labels[i][0]);
      }
    }
  }
  return touching;
}"""
REFERENCE = Path(__file__).resolve().parent / "reference"
TOLERANCE = 15.0


async def test_tables_and_charts_read_on_a_phone(dashboard: Dashboard, browser: Browser) -> None:
    """Report tables on a phone keep their words whole (the table scrolls sideways) and
    match the reviewed references; the overview's column labels never touch."""
    phone = await signed_page(dashboard, browser, PHONE)
    await phone.goto(dashboard.base + "/")
    await expect(phone.locator("svg.chart")).to_have_count(3)
    assert await phone.evaluate(TOUCHING_LABELS) == []
    update = os.environ.get("OKNO_UPDATE_SCREENS") == "1"
    for name in ("attendance_by_hour", "by_service", "desks_operators", "payments"):
        await phone.goto(f"{dashboard.base}/reports/{name}")
        table = phone.locator("table.data")
        await expect(table).to_be_visible()
        assert await phone.evaluate(BROKEN_WORDS) == [], name
        # The table scrolls inside its box; the page itself fits the phone.
        assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        png = screens_dir() / f"phone_table_{name}.png"
        await phone.locator("div.scroll").screenshot(path=png)
        reference = REFERENCE / png.name
        if update:
            shutil.copyfile(png, reference)
        assert reference.exists(), f"no reference for {png.name}: review {png}, then update"
        assert difference(png, reference) <= TOLERANCE, f"{png} differs from {reference}"
