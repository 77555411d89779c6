"""Each page in its own language: figures, payment states, weekdays."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from backoffice.store import Batch, add_branch, open_store, store
from backoffice.web import create_app
from hub.sync.signing import sign
from tests.backoffice.hand import BRANCH, DAY, at, history
from tests.backoffice.web.signed import manager


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


async def pages(tmp_path: Path, *paths: str) -> list[str]:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    secret = add_branch(engine, BRANCH)
    events = history()
    store(engine, Batch(BRANCH, events, sign(secret, BRANCH, events)))
    transport = httpx.ASGITransport(
        app=create_app(engine, hosts=["dashboard"], clock=lambda: at(18, 0))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://dashboard", cookies=manager(engine)
    ) as client:
        found = [(await client.get(f"{p}&from={DAY}&to={DAY}")).text for p in paths]
    engine.dispose()
    return found


async def test_payments_read_in_the_pages_language(tmp_path: Path) -> None:
    russian, english = await pages(
        tmp_path, "/reports/payments?lang=ru", "/reports/payments?lang=en"
    )
    # 1500.00 roubles, one approved payment.
    assert cells(russian) == ["beta", "одобрен", "1", "1\u202f500"]
    assert cells(english) == ["beta", "approved", "1", "1,500"]


async def test_exports_say_payment_states_in_the_readers_language(tmp_path: Path) -> None:
    russian, english = await pages(
        tmp_path, "/export/payments.csv?lang=ru", "/export/payments.csv?lang=en"
    )
    assert "одобрен" in russian and "approved" not in russian
    assert "approved" in english


async def test_english_pages_write_decimals_with_a_point(tmp_path: Path) -> None:
    russian, english = await pages(
        tmp_path, "/reports/waits_by_branch?lang=ru", "/reports/waits_by_branch?lang=en"
    )
    # Three waits: 10, 20 and 0 minutes; a third of them over 15 minutes.
    assert cells(russian)[-1] == "33,3"
    assert cells(english)[-1] == "33.3"
    assert "33,3" not in english
