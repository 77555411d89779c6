"""The SMS rating link's page: a signed link, five buttons, one rating per visit."""

from __future__ import annotations

import json
import re
import sqlite3

from tests.hub.test_ratings import serve_one
from tests.hub.web.conftest import FakeSms, Site
from tests.hub.web.test_pages import csrf, plain
from tests.polling import eventually


async def test_a_visitor_rates_by_the_link_once(site: Site) -> None:
    ticket_id = await serve_one(site.hub)
    token = await site.hub.ratings.token(ticket_id)
    async with site.client() as client:
        page = await client.get(f"/rate/{token}")
        assert page.status_code == 200
        text = plain(page)
        assert "Оцените обслуживание" in text and "Паспорт гражданина РФ" in text
        assert "окно 1" in text and "Отлично" in text and "Очень плохо" in text
        assert page.headers["cache-control"] == "no-store"
        data = {"csrf": await csrf(client), "score": "5"}
        thanks = await client.post(f"/rate/{token}", data=data)
        assert thanks.status_code == 200
        assert "Спасибо! Ваша оценка: 5 из 5." in plain(thanks)
        again = await client.post(f"/rate/{token}", data=data)
        assert again.status_code == 409
        assert "уже получена" in plain(again)
        later = await client.get(f"/rate/{token}?lang=en")
        assert later.status_code == 200
        assert "has been rated already" in plain(later) and "<button" not in later.text
    with sqlite3.connect(site.db) as db:
        rows = db.execute("SELECT payload FROM events WHERE kind = 'ticket_rated'").fetchall()
    assert [json.loads(r[0])["rating"]["channel"] for r in rows] == ["sms"]


async def test_a_forged_link_or_a_bad_score_is_refused(site: Site) -> None:
    ticket_id = await serve_one(site.hub)
    token = await site.hub.ratings.token(ticket_id)
    async with site.client() as client:
        forged = await client.get(f"/rate/{token[:-3]}abc")
        assert forged.status_code == 404
        bad = await client.post(f"/rate/{token}", data={"csrf": await csrf(client), "score": "7"})
        assert bad.status_code == 400 and "число от 1 до 5" in plain(bad)
        foreign = await client.post(f"/rate/{token}", data={"csrf": "x", "score": "5"})
        assert foreign.status_code == 403


async def test_a_watched_visitor_gets_the_rating_link_after_the_service(
    notifying_site: Site,
) -> None:
    site = notifying_site
    hub = site.hub
    issued = await hub.run(lambda e, now: e.issue("passport", now))
    assert issued.ticket is not None and site.web.notifier is not None
    await site.web.notifier.watch(issued.ticket.id, "+7 916 000 07 01", "", "ru")
    ticket_id = await serve_one(hub)
    assert ticket_id == issued.ticket.id
    sms = site.web.notifier.senders["sms"]
    assert isinstance(sms, FakeSms)

    async def invited() -> bool:
        return any("оцените обслуживание" in m.text for m in sms.sent)

    await eventually(invited)
    (text,) = [m.text for m in sms.sent if "оцените" in m.text]
    link = re.search(r"http://okno-hub\.local:8080(/rate/\S+)", text)
    assert link is not None, text
    assert text.startswith(f"Талон {issued.ticket.number}: оцените обслуживание от 1 до 5:")
    async with site.client() as client:
        page = await client.get(link.group(1))
        assert "Как вас обслужили?" in plain(page)
        thanks = await client.post(link.group(1), data={"csrf": await csrf(client), "score": "3"})
    assert "Ваша оценка: 3 из 5" in plain(thanks)
