"""The pages in headless Debian Chromium: book and cancel, a ticket followed by its QR
code, the live queue, the call centre behind its sign-in. Screenshots (phone 390x844 and
desktop) go to var/screens/web for a person to look at.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect

from hub.domain.model import Outcome
from tests.hub.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    PIN,
    FakeSms,
    Site,
    chromium_missing,
    shot_path,
)
from tests.polling import eventually

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "ready"),
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


async def page_of(browser: Browser, size: ViewportSize, *, timeout_ms: int = 5_000) -> Page:
    context = await browser.new_context(viewport=size, locale="ru-RU")
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    return page


async def shoot(page: Page, name: str) -> None:
    await page.screenshot(path=shot_path(name), full_page=True)


async def test_a_visitor_books_sees_the_code_and_cancels(site: Site, browser: Browser) -> None:
    page = await page_of(browser, PHONE)
    await page.goto(f"{site.base}/")
    await shoot(page, "home-phone")
    await page.get_by_role("link", name="Записаться").first.click()
    await page.get_by_role("link", name="Паспорт гражданина РФ").click()
    await expect(page.get_by_role("heading", name="Паспорт гражданина РФ")).to_be_visible()
    await shoot(page, "book-phone")
    await page.locator("label.slot").first.click()
    await page.get_by_label("Телефон").fill("+7 916 123-45-67")
    await page.get_by_role("button", name="Записаться").click()
    await expect(page.get_by_role("heading", name="Вы записаны")).to_be_visible()
    code = await page.locator("[data-code]").get_attribute("data-code")
    assert code is not None and re.fullmatch(r"[2-9A-Z]{6}", code)
    await expect(page.get_by_text("с 10:05 до 10:30")).to_be_visible()
    await shoot(page, "booked-phone")

    await page.get_by_role("link", name="Перенести или отменить").click()
    await page.get_by_label("Код").fill(code.lower())
    await page.get_by_role("button", name="Показать").click()
    await expect(page.get_by_role("heading", name="Запись действует")).to_be_visible()
    await shoot(page, "booking-phone")
    await page.get_by_role("button", name="Отменить запись").click()
    await expect(page.get_by_role("heading", name="Запись отменена")).to_be_visible()
    with sqlite3.connect(site.db) as db:
        assert db.execute("SELECT state FROM appointments WHERE code = ?", (code,)).fetchall() == [
            ("cancelled",)
        ]

    desktop = await page_of(browser, DESKTOP)
    await desktop.goto(f"{site.base}/book/passport?lang=en")
    await expect(desktop.get_by_role("heading", name="Russian internal passport")).to_be_visible()
    await shoot(desktop, "book-desktop-en")


async def issue(site: Site, service: str = "passport") -> str:
    outcome = await site.hub.run(lambda engine, now: engine.issue(service, now))
    assert outcome.ticket is not None
    return outcome.ticket.id


async def open_desk(site: Site, desk: str) -> None:
    await site.hub.run(lambda engine, now: engine.open_desk(desk, now, operator_id="ivanova-a"))


async def call(site: Site, desk: str) -> Outcome:
    return await site.hub.run(lambda engine, now: engine.call_next(desk, now))


async def test_the_ticket_page_follows_a_real_ticket_until_it_is_called(
    notifying_site: Site, browser: Browser
) -> None:
    site = notifying_site
    await issue(site)
    mine = await issue(site)
    await open_desk(site, "desk-03")
    url = f"{site.base}/t/{quote(mine)}"
    page = await page_of(browser, PHONE)
    await page.goto(url)
    await expect(page.locator(".ticket .number")).to_have_text("А002")
    await expect(page.get_by_text("Перед вами: 1")).to_be_visible()
    await shoot(page, "ticket-waiting-phone")
    await page.get_by_label("Телефон").fill("8 916 123 45 67")
    await page.get_by_role("button", name="Сообщить мне").click()
    await expect(page.get_by_role("status")).to_contain_text("Готово")
    await shoot(page, "ticket-notify-phone")

    await call(site, "desk-03")
    await expect(page.get_by_text("Вы следующий")).to_be_visible()
    site.clock.advance(5)
    await site.hub.run(lambda engine, now: engine.start("desk-03", now))
    await site.hub.run(lambda engine, now: engine.finish("desk-03", now))
    await call(site, "desk-03")
    # The page was not reloaded: it polled and shows the call.
    await expect(page.get_by_text("Пройдите к окну 3")).to_be_visible()
    await shoot(page, "ticket-called-phone")
    assert site.web.notifier is not None
    sms = site.web.notifier.senders["sms"]
    assert isinstance(sms, FakeSms)

    async def told() -> bool:
        return [m.text.split(".")[0] for m in sms.sent] == [
            "Талон А002: перед вами 1 чел",
            "Талон А002: пройдите к окну 3",
        ]

    await eventually(told)

    desktop = await page_of(browser, DESKTOP)
    await desktop.goto(url + "?lang=en")
    await expect(desktop.get_by_text("Please go to desk 3")).to_be_visible()
    await shoot(desktop, "ticket-called-desktop-en")


async def test_the_live_status_page_shows_waiting_calls_and_updates(
    site: Site, browser: Browser
) -> None:
    for service in ("passport", "passport", "passport", "snils", "property"):
        await issue(site, service)
    await open_desk(site, "desk-01")
    await site.hub.run(lambda engine, now: engine.open_desk("desk-10", now, operator_id="petrov-s"))
    await call(site, "desk-01")
    page = await page_of(browser, PHONE)
    await page.goto(f"{site.base}/status")
    calls = page.locator(".call-list li")
    await expect(calls).to_have_count(1)
    await expect(calls.first).to_contain_text("А001")
    passport = page.locator("tr", has_text="Паспорт гражданина РФ")
    await expect(passport.locator("td.num")).to_have_text("2")
    await shoot(page, "status-phone")

    await call(site, "desk-10")
    await expect(calls).to_have_count(2)
    await expect(page.locator(".call-list")).to_contain_text("Г001")
    desktop = await page_of(browser, DESKTOP)
    await desktop.goto(f"{site.base}/status")
    await expect(desktop.locator(".call-list li")).to_have_count(2)
    await shoot(desktop, "status-desktop")


async def test_the_call_centre_page_needs_a_sign_in_then_books_for_a_caller(
    site: Site, browser: Browser
) -> None:
    page = await page_of(browser, DESKTOP)
    await page.goto(f"{site.base}/operator")
    await expect(page).to_have_url(re.compile(r"/operator/sign-in$"))
    await page.get_by_label("Табельный номер (id)").fill("ivanova-a")
    await page.get_by_label("PIN-код").fill(PIN)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("alert")).to_contain_text("PIN-код ещё не задан")

    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    await page.get_by_label("PIN-код").fill("000000")
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("alert")).to_contain_text("Неверный id или PIN-код")
    await page.get_by_label("PIN-код").fill(PIN)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", name="Запись по телефону")).to_be_visible()
    await page.locator("label.slot").first.click()
    await page.get_by_label("Телефон звонящего").fill("8 916 765 43 21")
    await page.get_by_label("Имя (необязательно)").fill("Пётр")
    await page.get_by_role("button", name="Записать").click()
    await expect(page.get_by_text("Запись создана. Продиктуйте код:")).to_be_visible()
    await shoot(page, "operator-desktop")
    with sqlite3.connect(site.db) as db:
        assert db.execute("SELECT channel, phone FROM appointments").fetchall() == [
            ("call_centre", "+79167654321")
        ]

    phone = await page_of(browser, PHONE)
    await phone.goto(f"{site.base}/operator/sign-in")
    await shoot(phone, "sign-in-phone")


async def test_a_form_sent_back_keeps_what_was_typed_and_says_what_is_wrong_at_the_field(
    site: Site, browser: Browser
) -> None:
    page = await page_of(browser, PHONE)
    await page.goto(f"{site.base}/book/passport")
    await page.locator("label.slot").first.click()
    phone = page.get_by_role("textbox", name="Телефон")
    await phone.fill("916 12")
    await page.get_by_role("button", name="Записаться").click()
    phone = page.get_by_role("textbox", name="Телефон")
    await expect(phone).to_have_value("916 12")
    said = "Телефон не подходит для SMS: введите его как +7 916 123-45-67."
    await expect(phone).to_have_accessible_description(said)
    await expect(phone).to_have_attribute("aria-invalid", "true")
    # Right under its field, on a phone's screen.
    field_box = await phone.bounding_box()
    error_box = await page.locator("#phone-error").bounding_box()
    assert field_box is not None and error_box is not None
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 24
    await shoot(page, "book-phone-rejected")
    await phone.fill("+7 916 123-45-67")
    await page.get_by_role("button", name="Записаться").click()
    await expect(page.get_by_role("heading", name="Вы записаны")).to_be_visible()
    code = await page.locator("[data-code]").get_attribute("data-code")
    assert code is not None

    await page.goto(f"{site.base}/booking")
    box = page.get_by_role("textbox", name="Код")
    await box.fill("ZZZZZZ")
    await page.get_by_role("button", name="Показать").click()
    box = page.get_by_role("textbox", name="Код")
    await expect(box).to_have_value("ZZZZZZ")
    await expect(box).to_have_accessible_description(re.compile("^Записи с таким кодом нет"))
    await shoot(page, "lookup-wrong-code")
    await box.fill(code)
    await page.get_by_role("button", name="Показать").click()
    await expect(page.get_by_role("heading", name="Запись действует")).to_be_visible()
