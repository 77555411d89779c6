"""The dashboard in headless Debian Chromium, desktop and phone; screenshots are kept in
var/screens/backoffice for a person to look at."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.hub.backoffice.web.conftest import Dashboard, screens_dir
from tests.hub.web.conftest import DESKTOP, PHONE, chromium_missing
from tests.hub.web.test_browser import browser, page_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "ready"),
]
WIDE: ViewportSize = {"width": 1440, "height": 1000}
__all__ = ["browser"]


async def shoot(page: Page, name: str) -> None:
    await page.screenshot(path=screens_dir() / f"{name}.png", full_page=True)


async def test_a_manager_reads_the_overview_and_opens_a_report(
    dashboard: Dashboard, browser: Browser
) -> None:
    page = await page_of(browser, WIDE, timeout_ms=10_000)
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
    page = await page_of(browser, DESKTOP, timeout_ms=10_000)
    await page.goto(dashboard.base + "/live")
    await expect(page.get_by_role("heading", name="branch-03")).to_be_visible()
    await shoot(page, "live")
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("link", name="Русский")).to_be_visible()
    await page.goto(dashboard.base + "/")
    await expect(
        page.get_by_role("heading", name="The 15-minute indicator by branch")
    ).to_be_visible()
    await shoot(page, "overview_en")
    phone = await page_of(browser, PHONE, timeout_ms=10_000)
    await phone.goto(dashboard.base + "/")
    await expect(phone.locator("svg.chart")).to_have_count(3)
    await shoot(phone, "overview_phone")
