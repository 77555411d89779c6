"""The application pages over HTTP: a visitor's look-up by number and phone, and the
call centre's look-up, ready list and status change, against a real hub on loopback."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import httpx
import pytest

from hub.applications import Accepting
from hub.domain.applications import Application, ApplicationStatus, Change
from hub.service import Hub
from tests.hub.applications.helpers import OPERATOR, PHONE, served_ticket
from tests.hub.conftest import EXAMPLE, SteppedClock
from tests.hub.web.conftest import PIN, Site, serve_site
from tests.hub.web.test_pages import csrf, plain

OTHER_PHONE = "+79031112233"
SAME_ANSWER = "Заявления с таким номером и телефоном нет."


async def accept(hub: Hub, phone: str = PHONE, service: str = "passport") -> Application:
    """A visitor served at a desk and their application recorded with their phone."""
    ticket_id = await served_ticket(hub, service)
    asked = Accepting(ticket_id=ticket_id, phone=phone, notify_sms=bool(phone), consent=bool(phone))
    return await hub.applications.accept(asked, operator=OPERATOR)


async def set_status(hub: Hub, number: str, status: ApplicationStatus, reason: str = "") -> None:
    await hub.applications.change(number, Change(status=status, by="system:ais-mfc", reason=reason))


async def look_up(client: httpx.AsyncClient, number: str, phone: str) -> httpx.Response:
    return await client.post(
        "/application", data={"csrf": await csrf(client), "number": number, "phone": phone}
    )


async def test_the_number_and_phone_show_the_application_and_nothing_of_the_applicant(
    site: Site,
) -> None:
    app = await accept(site.hub)
    async with site.client() as client:
        form = await client.get("/application")
        assert form.status_code == 200
        assert 'name="number"' in form.text and 'type="tel"' in form.text
        # Typed as people type them: no dash, the phone with 8 and spaces.
        shown = await look_up(client, app.number.replace("-", ""), "8 916 123-45-67")
        english = await client.post(
            "/application?lang=en",
            data={"csrf": await csrf(client), "number": app.number, "phone": PHONE},
        )
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    text = plain(shown)
    assert f"Заявление {app.number}" in text
    assert "Статус Принято" in text
    assert "Паспорт гражданина РФ" in text
    assert "ГУ по вопросам миграции МВД" in text
    # Ten working days from Monday 23 November 2026.
    assert "пн 7 декабря 2026" in text
    for private in ("916", "4567", "+7", app.ticket_id):
        assert private not in shown.text
    assert "Status Accepted" in plain(english)
    assert "Mon 7 Dec 2026" in plain(english)


async def test_each_wrong_half_gets_the_same_answer_and_another_phone_opens_nothing(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    first = await accept(site.hub)
    second = await accept(site.hub, OTHER_PHONE)
    caplog.set_level(logging.INFO)
    async with site.client() as client:
        answers = [
            await look_up(client, first.number, OTHER_PHONE),
            await look_up(client, second.number, PHONE),
            await look_up(client, first.number, "+79160000000"),
            await look_up(client, first.number[:-1] + "9", PHONE),
        ]
        own = await look_up(client, second.number, OTHER_PHONE)
    assert {a.status_code for a in answers} == {404}
    said = {plain(a).split("Статус заявления")[-1] for a in answers}
    assert len(said) == 1
    assert SAME_ANSWER in said.pop()
    assert own.status_code == 200
    assert f"Заявление {second.number}" in plain(own)
    assert first.number not in own.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "application look-up refused caller=web:127.0.0.1" in logged
    for private in (PHONE, OTHER_PHONE, "9160000000"):
        assert private not in logged


async def test_a_number_or_phone_that_cannot_be_one_is_told_at_its_field(site: Site) -> None:
    app = await accept(site.hub)
    async with site.client() as client:
        bad_number = await look_up(client, "12-34", PHONE)
        bad_phone = await look_up(client, app.number, "12345")
        # Shapes tell nothing and are not counted: the right pair still opens it.
        for _ in range(12):
            await look_up(client, "abc", PHONE)
        right = await look_up(client, app.number, PHONE)
    assert bad_number.status_code == 400
    assert 'id="number-error"' in bad_number.text
    assert "9 или 10 цифр" in plain(bad_number)
    assert bad_phone.status_code == 400
    assert 'id="phone-error"' in bad_phone.text
    assert right.status_code == 200


async def test_wrong_pairs_are_limited_per_address_and_told_politely(
    site: Site, tmp_path: Path
) -> None:
    app = await accept(site.hub)
    async with site.client() as client:
        statuses = [(await look_up(client, app.number, OTHER_PHONE)).status_code for _ in range(10)]
        limited = await look_up(client, app.number, PHONE)
    assert statuses == [404] * 10
    # The eleventh try from this address is refused, the right pair too: guessing stops.
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Слишком много попыток. Подождите 15 мин и попробуйте снова." in plain(limited)
    assert 'href="/application"' in limited.text
    # Another address is not held up by this one.
    other = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(transport=other, base_url=site.base, timeout=10) as elsewhere:
        assert (await look_up(elsewhere, app.number, PHONE)).status_code == 200


async def test_ready_documents_say_until_when_and_link_to_booking_a_collection(site: Site) -> None:
    app = await accept(site.hub)
    await set_status(site.hub, app.number, ApplicationStatus.READY)
    async with site.client() as client:
        shown = await look_up(client, app.number, PHONE)
        assert shown.status_code == 200
        booking = await client.get("/book/ready-documents")
    text = plain(shown)
    assert "Статус Готово к выдаче" in text
    assert "Документы готовы: их можно забрать в МФЦ. Это раньше плановой даты." in text
    # Ready on Monday 23 November; [applications] collect_within_days = 30.
    assert "Заберите документы до ср 23 декабря 2026 включительно" in text
    assert 'href="/book/ready-documents"' in shown.text
    assert booking.status_code == 200
    assert "Выдача готовых документов" in plain(booking)


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (ApplicationStatus.SUSPENDED, "Статус Приостановлено"),
        (ApplicationStatus.REFUSED, "Статус Отказано"),
    ],
)
async def test_the_reason_of_a_suspension_or_refusal_is_shown(
    site: Site, status: ApplicationStatus, says: str
) -> None:
    app = await accept(site.hub)
    await set_status(site.hub, app.number, status, "нужна справка о составе семьи")
    async with site.client() as client:
        shown = await look_up(client, app.number, PHONE)
    assert says in plain(shown)
    assert "нужна справка о составе семьи" in plain(shown)
    assert "/book/ready-documents" not in shown.text


async def sign_in(site: Site, client: httpx.AsyncClient, operator: str) -> str:
    await site.hub.staff.set_pin(operator, PIN, by="test")
    token = await csrf(client)
    signed = await client.post(
        "/operator/sign-in", data={"csrf": token, "operator": operator, "pin": PIN}
    )
    assert signed.status_code == 303, signed.text
    return token


async def test_the_call_centre_pages_need_a_signed_in_member_of_the_call_centre(
    site: Site,
) -> None:
    app = await accept(site.hub)
    async with site.client() as visitor:
        token = await csrf(visitor)
        page = await visitor.get(f"/operator/applications?number={app.number}")
        changed = await visitor.post(
            "/operator/applications/status",
            data={"csrf": token, "number": app.number, "status": "ready"},
        )
        visitor.cookies.set("okno_staff", "made-up-token", path="/operator")
        made_up = await visitor.get("/operator/applications")
    for refused in (page, changed, made_up):
        assert refused.status_code == 403
        assert "только для сотрудников" in plain(refused)
        assert "916" not in refused.text
    assert (await site.hub.applications.get(app.number)).status is ApplicationStatus.ACCEPTED


async def test_an_operator_finds_an_application_with_the_phone_to_call_and_the_ready_list(
    site: Site,
) -> None:
    older = await accept(site.hub)
    newer = await accept(site.hub, OTHER_PHONE, "residence")
    waiting = await accept(site.hub, "+79050000001")
    await set_status(site.hub, older.number, ApplicationStatus.READY)
    site.clock.advance(90)
    await set_status(site.hub, newer.number, ApplicationStatus.READY)
    async with site.client() as operator:
        await sign_in(site, operator, "ivanova-a")
        listed = await operator.get("/operator/applications")
        found = await operator.get(f"/operator/applications?number={waiting.number}")
        unknown = await operator.get("/operator/applications?number=261123-999")
    assert listed.status_code == 200
    assert listed.headers["cache-control"] == "no-store"
    rows = plain(listed).split("Забрать до")[-1]
    # Oldest first, each with the phone to call, the service and the days.
    assert rows.index(older.number) < rows.index(newer.number)
    assert "+7 916 123-45-67 Паспорт гражданина РФ пн 23 ноября 2026 ср 23 декабря 2026" in rows
    assert "+7 903 111-22-33" in rows
    assert waiting.number not in rows
    text = plain(found)
    assert f"Заявление {waiting.number}" in text
    assert "Статус Принято Телефон заявителя +7 905 000-00-01" in text
    assert 'href="tel:+79050000001"' in found.text
    assert "Михаил Андреев (andreev-m)" in text
    assert unknown.status_code == 404
    assert "Заявления с таким номером в этом МФЦ нет" in plain(unknown)


async def test_a_status_set_on_the_page_is_logged_with_the_operator_and_refusals_say_why(
    site: Site,
) -> None:
    app = await accept(site.hub)
    async with site.client() as operator, site.client() as visitor:
        token = await sign_in(site, operator, "ivanova-a")

        async def post(number: str = app.number, **fields: str) -> httpx.Response:
            data = {"csrf": token, "number": number, **fields}
            return await operator.post("/operator/applications/status", data=data)

        no_reason = await post(status="suspended")
        suspended = await post(status="suspended", reason="нужна выписка из ЕГРН")
        seen = await look_up(visitor, app.number, PHONE)
        issued = await post(status="issued")
        past = await post(planned_ready="2026-11-20")
        cancelled = await post(status="cancelled")
        ended = await post(status="in_work")
        unknown = await post("261123-999", status="ready")
    assert no_reason.status_code == 400
    assert "Напишите, что нужно или почему отказано" in plain(no_reason)
    assert suspended.status_code == 200
    assert "Сохранено: «Приостановлено»." in plain(suspended)
    # The applicant reads what the operator wrote.
    assert "Что нужно нужна выписка из ЕГРН" in plain(seen)
    assert issued.status_code == 409
    assert (
        "Заявление сейчас «Приостановлено»: поставить «Выдано» нельзя. Можно: В работе, "
        "Готово к выдаче, Отказано, Отменено. Ничего не изменилось."
    ) in plain(issued)
    assert past.status_code == 400
    assert "Плановая дата — сегодня или позже" in plain(past)
    assert cancelled.status_code == 200
    assert ended.status_code == 409
    assert "Можно: ничего, заявление завершено." in plain(ended)
    assert unknown.status_code == 404
    assert "Заявления с таким номером в этом МФЦ нет" in plain(unknown)
    with sqlite3.connect(site.db) as db:
        rows = db.execute(
            "SELECT payload FROM events WHERE kind = 'application_changed' ORDER BY seq"
        ).fetchall()
    logged = [json.loads(payload)["application"] for (payload,) in rows]
    # The refusals changed nothing; each change says who made it; no reason in the log.
    assert [(a["status"], a["changed_by"]) for a in logged] == [
        ("suspended", "operator:ivanova-a"),
        ("cancelled", "operator:ivanova-a"),
    ]
    assert "выписка" not in rows[0][0]


async def test_the_call_centre_role_reads_but_only_operators_set_a_status(tmp_path: Path) -> None:
    config = tmp_path / "branch.toml"
    config.write_text(
        EXAMPLE.read_text()
        + '\n[[operators]]\nid = "belova-k"\nname = "Ксения Белова"\nroles = ["call_centre"]\n'
    )
    async with serve_site(tmp_path / "okno.db", SteppedClock(), config=config) as site:
        app = await accept(site.hub)
        async with site.client() as member:
            token = await sign_in(site, member, "belova-k")
            found = await member.get(f"/operator/applications?number={app.number}")
            changed = await member.post(
                "/operator/applications/status",
                data={"csrf": token, "number": app.number, "status": "in_work"},
            )
        assert found.status_code == 200
        assert "+7 916 123-45-67" in plain(found)
        assert "Статус меняют операторы и администраторы." in plain(found)
        assert 'action="/operator/applications/status"' not in found.text
        assert changed.status_code == 403
        assert (await site.hub.applications.get(app.number)).status is ApplicationStatus.ACCEPTED
