"""The SMS rating link on a phone in headless Chromium; screenshots in var/screens/web."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.hub.test_ratings import serve_one
from tests.hub.web.conftest import PHONE, Site, chromium_missing
from tests.hub.web.test_browser import browser, page_of, shoot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "ready"),
]
__all__ = ["browser"]


async def test_a_visitor_rates_from_the_sms_link_on_a_phone(site: Site, browser: Browser) -> None:
    ticket_id = await serve_one(site.hub)
    token = await site.hub.ratings.token(ticket_id)
    page = await page_of(browser, PHONE)
    await page.goto(f"{site.base}/rate/{token}")
    await expect(page.get_by_role("heading", name="Оцените обслуживание")).to_be_visible()
    buttons = page.get_by_role("button")
    await expect(buttons).to_have_count(5)
    box = await buttons.first.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 300
    await shoot(page, "rate_phone")
    await page.get_by_role("button", name="Хорошо", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("Спасибо! Ваша оценка: 4 из 5.")
    await shoot(page, "rate_thanks_phone")
    await page.goto(f"{site.base}/rate/{token}?lang=en")
    await expect(page.get_by_role("status")).to_contain_text("rated already")
    await shoot(page, "rate_again_phone")
