"""What a hostile visitor's browser sees when its form or address is meant to break the
pages: a page that says what was wrong, and a log it cannot write lines into."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest

from hub.errors import StoreUnavailable
from tests.hub.web.conftest import PIN, Site
from tests.hub.web.test_pages import csrf, plain

# Not "\n": the URL parser drops newlines from a path. U+2028 is a line break to every
# reader that splits lines as Python does, and reached the log as it came.
FORGED = "\u20282026-12-07 05:00:00,000 INFO hub forged"


async def test_a_newline_in_a_posted_address_cannot_forge_a_log_line(
    notifying_site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def unavailable(token: str) -> bool:
        raise StoreUnavailable("the database could not commit")

    assert notifying_site.web.notifier is not None
    monkeypatch.setattr(notifying_site.web.notifier, "stop_by_token", unavailable)
    caplog.set_level(logging.INFO, logger="hub")
    async with notifying_site.client() as client:
        token = await csrf(client)
        answer = await client.post(f"/stop/x{quote(FORGED)}", data={"csrf": token})
    assert answer.status_code == 503
    (record,) = [r for r in caplog.records if "forged" in r.getMessage()]
    (line,) = caplog.handler.format(record).splitlines()
    assert "web request failed path=/stop/x\\u20282026-12-07 05:00:00,000 INFO hub forged" in line


@pytest.mark.parametrize("after", ["0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00"])
async def test_a_free_slot_search_after_an_impossible_date_gets_a_page_that_says_so(
    site: Site, after: str
) -> None:
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    async with site.client() as operator:
        token = await csrf(operator)
        await operator.post(
            "/operator/sign-in", data={"csrf": token, "operator": "ivanova-a", "pin": PIN}
        )
        page = await operator.get("/operator", params={"after": after})
    assert page.status_code == 400
    assert "Такой даты в записи нет: выберите дату от сегодня до 2099 года." in plain(page)
