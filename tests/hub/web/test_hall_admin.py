"""The hall administrator's page: a priority ticket for a visitor who cannot use the kiosk,
behind sign-in and CSRF like the other staff forms."""

from __future__ import annotations

import json
import sqlite3

import httpx

from tests.hub.conftest import ADMINISTRATOR
from tests.hub.web.conftest import PIN, Site
from tests.hub.web.test_pages import csrf, plain


async def sign_in(client: httpx.AsyncClient, operator_id: str) -> str:
    token = await csrf(client)
    signed = await client.post(
        "/operator/sign-in", data={"csrf": token, "operator": operator_id, "pin": PIN}
    )
    assert signed.status_code == 303
    return token


async def test_only_a_signed_in_administrator_reaches_the_hall_page(site: Site) -> None:
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    async with site.client() as visitor:
        token = await csrf(visitor)
        assert (await visitor.get("/operator/hall")).headers["location"] == "/operator/sign-in"
        posted = await visitor.post(
            "/operator/hall/issue",
            data={"csrf": token, "service": "passport", "priority": "disabled"},
        )
        assert posted.status_code == 403
    async with site.client() as operator:
        await sign_in(operator, "ivanova-a")
        page = await operator.get("/operator/hall")
        assert page.status_code == 403
        assert "для администратора зала" in plain(page)
        assert "/operator/hall" not in (await operator.get("/operator")).text
    assert site.hub.engine.snapshot(site.clock()).tickets == []


async def test_the_administrator_issues_a_confirmed_priority_ticket(site: Site) -> None:
    await site.hub.staff.set_pin(ADMINISTRATOR, PIN, by="test")
    async with site.client() as admin:
        token = await sign_in(admin, ADMINISTRATOR)
        page = await admin.get("/operator/hall")
        assert page.status_code == 200
        shown = plain(page)
        assert "Инвалиды I и II групп и сопровождающие" in shown
        assert "справка МСЭ об инвалидности" in shown
        assert 'value="appointment"' not in page.text
        form = {"service": "passport", "priority": "disabled", "request_id": "abc123"}

        forged = await admin.post("/operator/hall/issue", data=form)
        assert forged.status_code == 403
        issued = await admin.post("/operator/hall/issue", data={"csrf": token, **form})
        again = await admin.post("/operator/hall/issue", data={"csrf": token, **form})
        wrong = await admin.post(
            "/operator/hall/issue",
            data={"csrf": token, "service": "passport", "priority": "appointment"},
        )

    assert issued.status_code == 200
    assert 'data-number="А001"' in issued.text
    assert (
        "А001 Паспорт гражданина РФ · Инвалиды I и II групп и сопровождающие · льгота подтверждена"
        in plain(issued)
    )
    assert 'data-number="А001"' in again.text  # the same form sent twice: one ticket
    assert wrong.status_code == 400
    assert "Выберите льготную категорию" in plain(wrong)
    [ticket] = site.hub.engine.snapshot(site.clock()).tickets
    assert (ticket.priority, ticket.priority_claimed) == ("disabled", False)
    with sqlite3.connect(site.db) as db:
        [(payload,)] = db.execute("SELECT payload FROM events WHERE kind = 'priority_confirmed'")
    entry = json.loads(payload)["entry"]
    assert (entry["actor"], entry["door"]) == (f"staff:{ADMINISTRATOR}", "web")
