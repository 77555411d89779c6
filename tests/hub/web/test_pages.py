"""The pages over HTTP: the right status and a clear page for every mistake, CSRF, limits,
staff only where it must be, and reads that wait for the commit like the gRPC ones.
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import quote

import httpx
import pytest

from hub.errors import StoreUnavailable
from hub.staff import store as staff_store
from hub.staff.pins import hash_pin
from tests.hub.conftest import MINUTE
from tests.hub.web.conftest import PIN, Site

AT_10_20 = 1_795_418_400_000


async def csrf(client: httpx.AsyncClient) -> str:
    await client.get("/")
    token = client.cookies.get("okno_csrf")
    assert token
    return token


async def book(client: httpx.AsyncClient, slot_ms: int = AT_10_20, **fields: str) -> httpx.Response:
    service = fields.pop("service", "passport")
    data = {"csrf": await csrf(client), "slot": str(slot_ms), **fields}
    return await client.post(f"/book/{service}", data=data)


def code_in(response: httpx.Response) -> str:
    found = re.search(r'data-code="(\w+)"', response.text)
    assert found, response.text
    return found.group(1)


def plain(response: httpx.Response) -> str:
    """The page's visible text, roughly: for checking what a visitor reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


async def test_a_booking_form_sent_twice_books_once(site: Site) -> None:
    async with site.client() as client:
        first = await book(client, request_id="a1b2c3", phone="8 916 123 45 67")
        again = await book(client, request_id="a1b2c3", phone="8 916 123 45 67")
    assert first.status_code == again.status_code == 200
    assert code_in(first) == code_in(again)
    assert first.headers["cache-control"] == "no-store"
    assert "+7********67" in first.text
    with sqlite3.connect(site.db) as db:
        assert db.execute("SELECT count(*), phone FROM appointments").fetchone() == (
            1,
            "+79161234567",
        )


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/nowhere", 404, "Такой страницы нет"),
        ("/t/2026-11-23/А999", 404, "Такого талона нет"),
        ("/t/yesterday/А001", 404, "Такого талона нет"),
        ("/t/2026-11-23/%3Cscript%3E", 404, "Такого талона нет"),
        ("/book/pasport", 404, "Такой услуги нет"),
        ("/book/inn", 409, "На эту услугу записи нет"),
    ],
)
async def test_a_bad_address_gets_a_clear_page(
    site: Site, path: str, status: int, says: str
) -> None:
    async with site.client() as client:
        response = await client.get(path)
    assert response.status_code == status
    assert says in plain(response)
    assert "Traceback" not in response.text


async def test_wrong_full_and_past_slots_say_what_to_do(site: Site) -> None:
    async with site.client() as client:
        taken = await book(client, service="residence")
        assert taken.status_code == 200
        full = await book(client, service="residence")
        assert full.status_code == 409
        assert "Это время уже заняли. Выберите другое." in plain(full)
        # The form is there again, to choose another time.
        assert 'name="slot"' in full.text
        site.clock.advance(30)
        past = await book(client)
        assert past.status_code == 409
        assert "Это время недоступно" in plain(past)
        bad_phone = await book(client, slot_ms=AT_10_20 + 40 * MINUTE, phone="12345")
        assert bad_phone.status_code == 400
        assert "+7 916 123-45-67" in plain(bad_phone)


async def test_codes_typed_badly_or_guessed_are_refused_then_limited(site: Site) -> None:
    async with site.client() as client:
        token = await csrf(client)
        bad = await client.post("/booking", data={"csrf": token, "code": "12"})
        assert bad.status_code == 400
        assert "6 знаков" in plain(bad)
        statuses = []
        for _ in range(11):
            wrong = await client.post("/booking", data={"csrf": token, "code": "ZZZZZZ"})
            statuses.append(wrong.status_code)
    assert statuses == [404] * 10 + [429]
    assert int(wrong.headers["retry-after"]) > 0
    assert "Слишком много попыток" in plain(wrong)


async def test_a_form_from_elsewhere_is_refused(site: Site) -> None:
    async with site.client() as client:
        made = await book(client)
        code = code_in(made)
        forged = await client.post("/booking/cancel", data={"code": code})
        assert forged.status_code == 403
        other = httpx.AsyncClient(base_url=site.base)
        async with other:
            stolen = await other.post(
                "/booking/cancel", data={"code": code, "csrf": client.cookies["okno_csrf"]}
            )
        assert stolen.status_code == 403
    with sqlite3.connect(site.db) as db:
        assert db.execute("SELECT state FROM appointments").fetchone() == ("booked",)


async def test_a_visitor_moves_and_cancels_by_code(site: Site) -> None:
    async with site.client() as client:
        code = code_in(await book(client))
        token = await csrf(client)
        shown = await client.post("/booking", data={"csrf": token, "code": code.lower()})
        assert shown.status_code == 200
        assert "10:40" in shown.text
        moved = await client.post(
            "/booking/move",
            data={"csrf": token, "code": code, "slot": str(AT_10_20 + 20 * MINUTE)},
        )
        assert moved.status_code == 200
        assert code_in(moved) == code
        assert "Запись перенесена" in plain(moved)
        cancelled = await client.post("/booking/cancel", data={"csrf": token, "code": code})
        assert cancelled.status_code == 200
        again = await client.post("/booking/move", data={"csrf": token, "code": code, "slot": "1"})
        assert again.status_code == 409
        assert "код больше не действует" in plain(again)


async def test_the_call_centre_is_for_signed_in_staff_only(site: Site) -> None:
    await site.hub.staff.set_pin("zakharov-r", PIN, by="test")
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    async with site.client() as visitor:
        token = await csrf(visitor)
        assert (await visitor.get("/operator")).headers["location"] == "/operator/sign-in"
        booked = await visitor.post(
            "/operator/book",
            data={
                "csrf": token,
                "service": "passport",
                "slot": str(AT_10_20),
                "phone": "+79161234567",
            },
        )
        assert booked.status_code == 403
        assert "только для сотрудников" in plain(booked)
        found = await visitor.post("/operator/find", data={"csrf": token, "phone": "+79161234567"})
        assert found.status_code == 403
        visitor.cookies.set("okno_staff", "made-up-token", path="/operator")
        assert (await visitor.get("/operator")).status_code == 303
        technician = await visitor.post(
            "/operator/sign-in", data={"csrf": token, "operator": "zakharov-r", "pin": PIN}
        )
        assert technician.status_code == 403
    async with site.client() as operator:
        token = await csrf(operator)
        signed = await operator.post(
            "/operator/sign-in", data={"csrf": token, "operator": "ivanova-a", "pin": PIN}
        )
        assert signed.status_code == 303
        assert "httponly" in signed.headers["set-cookie"].lower()
        page = await operator.get("/operator")
        assert page.status_code == 200
        assert "Анна Иванова" in page.text
        made = await operator.post(
            "/operator/book",
            data={
                "csrf": token,
                "service": "passport",
                "slot": str(AT_10_20),
                "phone": "+79161234567",
            },
        )
        assert made.status_code == 200
        found = await operator.post(
            "/operator/find", data={"csrf": token, "phone": "8 916 123-45-67"}
        )
        assert "Паспорт гражданина РФ" in plain(found)
        await operator.post("/operator/sign-out", data={"csrf": token})
        assert (await operator.get("/operator")).status_code == 303


async def test_a_pin_set_under_the_old_four_digit_rule_is_told_to_be_replaced(
    site: Site,
) -> None:
    old = hash_pin("4829")
    await site.hub.read_store(lambda r: staff_store.save_pin(r, "ivanova-a", old, 0, "local"))
    async with site.client() as operator:
        token = await csrf(operator)
        refused = await operator.post(
            "/operator/sign-in", data={"csrf": token, "operator": "ivanova-a", "pin": "4829"}
        )
        assert refused.status_code == 409
        assert "короче 6 цифр больше не подходит" in plain(refused)


async def test_the_status_page_is_cached_per_change_and_answers_304(site: Site) -> None:
    async with site.client() as client:
        first = await client.get("/status", headers={"x-partial": "1"})
        assert first.status_code == 200
        assert "<html" not in first.text
        etag = first.headers["etag"]
        same = await client.get("/status", headers={"x-partial": "1", "if-none-match": etag})
        assert same.status_code == 304
        await site.hub.run(lambda engine, now: engine.issue("passport", now))
        changed = await client.get("/status", headers={"x-partial": "1", "if-none-match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        full = await client.get("/status?lang=en")
        assert "Russian internal passport" in full.text
        assert full.headers["content-security-policy"].startswith("default-src 'self'")


async def test_the_ticket_page_of_a_finished_day_is_read_from_the_database(site: Site) -> None:
    issued = await site.hub.run(lambda engine, now: engine.issue("passport", now))
    assert issued.ticket is not None
    site.clock.advance(24 * 60)
    await site.hub.run(lambda engine, now: engine.roll_day(now))
    async with site.client() as client:
        page = await client.get(f"/t/{quote(issued.ticket.id)}")
    assert page.status_code == 200
    assert "Талон отменён" in plain(page)


async def test_failures_show_a_page_without_a_trace(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> None:
        raise RuntimeError("secret internals")

    async def unavailable() -> None:
        raise StoreUnavailable("the database could not commit")

    async with site.client() as client:
        monkeypatch.setattr(site.hub, "snapshot", broken)
        failed = await client.get("/status")
        assert failed.status_code == 500
        assert "secret internals" not in failed.text
        assert "Что-то пошло не так" in plain(failed)
        monkeypatch.setattr(site.hub, "snapshot", unavailable)
        down = await client.get("/status?lang=en")
        assert down.status_code == 503
        assert "nothing was changed" in plain(down)


def field_of(response: httpx.Response, name: str) -> str:
    """The input named ``name`` as the page has it (its whole tag)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.text)
    assert found, f"no {name} input on the page"
    return found.group(0)


def error_beside(response: httpx.Response, name: str) -> str:
    """The error the input ``name`` points at with aria-describedby, as the visitor reads it."""
    tag = field_of(response, name)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([\w-]+)"', tag)
    assert described, tag
    found = re.search(rf'<[^>]+id="{described.group(1)}"[^>]*>([^<]*)<', response.text)
    assert found, f"nothing on the page has the id {described.group(1)}"
    return found.group(1)


async def test_a_rejected_phone_is_kept_as_typed_with_the_error_at_its_field(site: Site) -> None:
    async with site.client() as client:
        rejected = await book(client, phone="916 12", email="a@mail.ru")
    assert rejected.status_code == 400
    assert 'value="916 12"' in field_of(rejected, "phone")
    assert 'value="a@mail.ru"' in field_of(rejected, "email")
    assert error_beside(rejected, "phone") == (
        "Телефон не подходит для SMS: введите его как +7 916 123-45-67."
    )
    assert 'aria-invalid="true"' not in field_of(rejected, "email")
    # Beside its field only: not also at the top of the page, far from it.
    assert rejected.text.count("Телефон не подходит для SMS") == 1
    # The error follows the phone input directly (outside its label, which names it).
    after = rejected.text.split(field_of(rejected, "phone"), 1)[1]
    assert after.lstrip().startswith('</label><p class="field-error" id="phone-error"')


async def test_a_wrong_code_shows_the_form_again_with_the_code_and_the_error_at_it(
    site: Site,
) -> None:
    async with site.client() as client:
        token = await csrf(client)
        unknown = await client.post("/booking", data={"csrf": token, "code": "ZZZZZZ"})
        bad = await client.post("/booking", data={"csrf": token, "code": "K7M"})
        made = code_in(await book(client))
        again = await client.post("/booking", data={"csrf": token, "code": made})
    assert unknown.status_code == 404
    assert 'value="ZZZZZZ"' in field_of(unknown, "code")
    assert error_beside(unknown, "code").startswith("Записи с таким кодом нет")
    assert 'action="/booking"' in unknown.text, "the form to try again"
    assert bad.status_code == 400
    assert error_beside(bad, "code").startswith("Код — это 6 знаков")
    assert again.status_code == 200 and made in again.text


async def test_a_rejected_phone_for_notifications_is_kept_with_the_error_at_its_field(
    notifying_site: Site,
) -> None:
    site = notifying_site
    outcome = await site.hub.run(lambda engine, now: engine.issue("passport", now))
    assert outcome.ticket is not None
    url = f"/t/{quote(outcome.ticket.id)}"
    async with site.client() as client:
        token = await csrf(client)
        rejected = await client.post(f"{url}/notify", data={"csrf": token, "phone": "12-34"})
        empty = await client.post(f"{url}/notify", data={"csrf": token, "phone": ""})
        taken = await client.post(
            f"{url}/notify", data={"csrf": token, "phone": "+7 916 123-45-67"}
        )
    assert rejected.status_code == 400
    assert 'value="12-34"' in field_of(rejected, "phone")
    assert error_beside(rejected, "phone").startswith("Телефон не подходит для SMS")
    assert empty.status_code == 400
    assert error_beside(empty, "phone") == "Введите телефон или адрес почты: туда придёт сообщение."
    assert taken.status_code == 200 and "aria-invalid" not in taken.text
