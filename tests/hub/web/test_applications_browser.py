"""The application pages in headless Chromium: a visitor on a phone finds their ready
documents and books their collection; an operator at a desktop phones the ready ones and
sets a status. Screenshots in var/screens/web."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from hub.domain.applications import ApplicationStatus
from tests.hub.web.conftest import DESKTOP, PHONE, PIN, Site, chromium_missing
from tests.hub.web.test_applications import OTHER_PHONE, accept, set_status
from tests.hub.web.test_browser import browser, page_of, shoot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "ready"),
]
__all__ = ["browser"]


async def test_a_visitor_finds_ready_documents_and_books_their_collection(
    site: Site, browser: Browser
) -> None:
    app = await accept(site.hub)
    await set_status(site.hub, app.number, ApplicationStatus.READY)
    page = await page_of(browser, PHONE)
    await page.goto(f"{site.base}/")
    await page.get_by_role("link", name="Моё заявление").first.click()
    await expect(page.get_by_role("heading", name="Статус заявления")).to_be_visible()
    await shoot(page, "application-lookup-phone")
    number = page.get_by_label("Номер заявления")
    await number.fill(app.number.replace("-", ""))
    await page.get_by_label("Телефон").fill("8 903 111 22 33")
    await page.get_by_role("button", name="Показать").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Заявления с таким номером и телефоном нет"
    )
    # What was typed stays, so that one half is corrected, not both typed again.
    await expect(page.get_by_label("Номер заявления")).to_have_value(app.number.replace("-", ""))
    await shoot(page, "application-refused-phone")
    await page.get_by_label("Телефон").fill("+7 916 123-45-67")
    await page.get_by_role("button", name="Показать").click()
    await expect(page.get_by_role("heading", name=f"Заявление {app.number}")).to_be_visible()
    await expect(page.locator(".app-status")).to_contain_text("Готово к выдаче")
    link = page.get_by_role("link", name="Записаться на выдачу документов")
    box = await link.bounding_box()
    assert box is not None and box["height"] >= 48
    await shoot(page, "application-ready-phone")
    await link.click()
    await expect(page.get_by_role("heading", name="Выдача готовых документов")).to_be_visible()

    other = await accept(site.hub, OTHER_PHONE, "residence")
    await set_status(site.hub, other.number, ApplicationStatus.SUSPENDED, "нужна справка с работы")
    desktop = await page_of(browser, DESKTOP)
    await desktop.goto(f"{site.base}/application?lang=en")
    await desktop.get_by_label("Application number").fill(other.number)
    await desktop.get_by_label("Phone").fill(OTHER_PHONE)
    await desktop.get_by_role("button", name="Show").click()
    await expect(desktop.locator(".app-status")).to_contain_text("Suspended")
    await expect(desktop.get_by_text("нужна справка с работы")).to_be_visible()
    await shoot(desktop, "application-suspended-desktop-en")


async def test_an_operator_phones_the_ready_ones_and_sets_a_status(
    site: Site, browser: Browser
) -> None:
    first = await accept(site.hub)
    second = await accept(site.hub, OTHER_PHONE, "residence")
    for app in (first, second):
        await set_status(site.hub, app.number, ApplicationStatus.READY)
        site.clock.advance(60)
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    page = await page_of(browser, DESKTOP)
    await page.goto(f"{site.base}/operator/sign-in")
    await page.get_by_label("Табельный номер (id)").fill("ivanova-a")
    await page.get_by_label("PIN-код").fill(PIN)
    await page.get_by_role("button", name="Войти").click()
    await page.get_by_role("link", name="Заявления", exact=True).click()
    rows = page.locator("table.apps tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("+7 916 123-45-67")
    await shoot(page, "call-centre-applications-desktop")
    await rows.first.get_by_role("link", name=first.number).click()
    await expect(page.get_by_role("heading", name=f"Заявление {first.number}")).to_be_visible()
    await shoot(page, "call-centre-application-desktop")
    await page.get_by_label("Новый статус").select_option(label="Выдано")
    await page.get_by_role("button", name="Сохранить").click()
    await expect(page.get_by_role("status")).to_have_text("Сохранено: «Выдано».")
    await expect(page.get_by_text("Заявление завершено")).to_be_visible()
    await expect(rows).to_have_count(1)
    await shoot(page, "call-centre-application-issued-desktop")
    assert (await site.hub.applications.get(first.number)).changed_by == "operator:ivanova-a"
