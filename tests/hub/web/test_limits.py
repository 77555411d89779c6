"""Booking limits on the pages: the visitor's booking and move, and the call centre's.

The example branch allows one passport booking (of either kind) a week per person.
"""

from __future__ import annotations

import re

import httpx

from hub.domain.model import Channel
from tests.hub.conftest import MINUTE
from tests.hub.web.conftest import PIN, Site
from tests.hub.web.test_pages import AT_10_20, book, code_in, csrf, plain

DAY = 24 * 60 * MINUTE
PHONE = "+79161234567"
HELD = (
    "Не более 1 записи на услуги «Паспорт гражданина РФ», «Заграничный паспорт» в неделю: "
    "у вас уже есть запись на 23 ноября, 10:20 («Паспорт гражданина РФ»); отмените или "
    "перенесите её"
)


async def test_the_visitor_is_told_the_limit_and_the_booking_that_fills_it(site: Site) -> None:
    async with site.client() as client:
        first = await book(client, phone=PHONE)
        code = code_in(first)
        refused = await book(
            client, AT_10_20 + 2 * DAY, service="foreign-passport", phone="8 916 123-45-67"
        )
        assert refused.status_code == 409
        shown = plain(refused)
        assert f"{HELD} (код записи — в сообщении и на квитанции)." in shown
        # Whoever typed the number must not learn the code that cancels the booking.
        assert code not in refused.text
        assert 'name="slot"' in refused.text
        other = await book(
            client, AT_10_20 + 2 * DAY, service="foreign-passport", phone="9160000000"
        )
        assert other.status_code == 200


async def test_a_move_into_a_full_week_is_refused_and_within_its_own_is_not(site: Site) -> None:
    async with site.client() as client:
        this_week = code_in(await book(client, phone=PHONE))
        # Monday 30 November starts the next week: a second booking is allowed there.
        next_week = code_in(await book(client, AT_10_20 + 7 * DAY, phone=PHONE))
        token = await csrf(client)

        async def move(code: str, slot_ms: int) -> httpx.Response:
            return await client.post(
                "/booking/move", data={"csrf": token, "code": code, "slot": str(slot_ms)}
            )

        within = await move(this_week, AT_10_20 + DAY)
        assert within.status_code == 200
        # Saturday 28 November, in the week of the first booking (now on Tuesday the 24th).
        saturday = AT_10_20 + 5 * DAY + 100 * MINUTE
        refused = await move(next_week, saturday)
    assert refused.status_code == 409
    assert (
        "Не более 1 записи на услуги «Паспорт гражданина РФ», «Заграничный паспорт» в "
        "неделю: у вас уже есть запись на 24 ноября, 10:20 («Паспорт гражданина РФ»)"
        in plain(refused)
    )
    assert this_week not in refused.text


async def test_the_call_centre_is_refused_and_reads_the_caller_the_code(site: Site) -> None:
    made = await site.hub.bookings.book("passport", AT_10_20, Channel.KIOSK, phone=PHONE)
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    async with site.client() as operator:
        token = await csrf(operator)
        await operator.post(
            "/operator/sign-in", data={"csrf": token, "operator": "ivanova-a", "pin": PIN}
        )
        refused = await operator.post(
            "/operator/book",
            data={
                "csrf": token,
                "service": "passport",
                "slot": str(AT_10_20 + 3 * DAY),
                "phone": "8 (916) 123-45-67",
            },
        )
    assert refused.status_code == 409
    shown = f"{made.code[:3]}-{made.code[3:]}"
    assert (
        "Не более 1 записи на услуги «Паспорт гражданина РФ», «Заграничный паспорт» в неделю: "
        "у вас уже есть запись на 23 ноября, 10:20 («Паспорт гражданина РФ»), код "
        f"{shown}; отмените или перенесите её." in plain(refused)
    )
    assert not re.search(r"class=\"code-box\"", refused.text)
