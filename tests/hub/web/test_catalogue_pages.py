"""The catalogue's pages: browse, search, a service in full, its forms as PDF, escaping of
what the file says, and the call centre's copy behind the sign-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.hub.catalogue_files import CATALOGUE, EXAMPLES, branch_with_catalogue
from tests.hub.conftest import SteppedClock
from tests.hub.web.conftest import PIN, Site, serve_site
from tests.hub.web.test_pages import csrf, plain

HOSTILE = '<script>alert("x")</script> & <b>жирный</b>'


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    text = CATALOGUE.read_text(encoding="utf-8").replace(
        'result = "Свидетельство ИНН"', f"result = '{HOSTILE}'"
    )
    config = branch_with_catalogue(tmp_path / "etc", text)
    async with serve_site(tmp_path / "okno.db", SteppedClock(), config=config) as served:
        yield served


async def test_the_catalogue_is_browsed_by_life_situation_and_group(site: Site) -> None:
    async with site.client() as visitor:
        page = await visitor.get("/services")
        assert page.status_code == 200
        text = plain(page)
        assert "Жизненные ситуации" in text and "Рождение ребёнка" in text
        assert "Социальные услуги и пособия" in text
        assert 'href="/services/maternity-capital"' in page.text
        assert 'href="?situation=birth"' in page.text
        one = await visitor.get("/services?situation=buying-home")
        assert "Покупка жилья" in plain(one) and "Рождение ребёнка" not in plain(one)
        assert 'href="/services/egrn"' in one.text and 'href="/services/snils"' not in one.text
        english = await visitor.get("/services?lang=en")
        assert "Birth of a child" in plain(english)


async def test_the_search_finds_services_by_the_words_people_use(site: Site) -> None:
    async with site.client() as visitor:
        found = await visitor.get("/services", params={"q": "загран"})
        assert "Найдено услуг: 1" in plain(found)
        assert 'href="/services/foreign-passport"' in found.text
        by_keyword = await visitor.get("/services", params={"q": "Прописка"})
        assert "Найдено услуг: 1" in plain(by_keyword)
        assert 'href="/services/residence"' in by_keyword.text
        nothing = await visitor.get("/services", params={"q": "лицензия на оружие"})
        assert "Ничего не найдено" in plain(nothing)


async def test_a_service_page_says_everything_and_links_its_forms(site: Site) -> None:
    async with site.client() as visitor:
        page = await visitor.get("/services/passport")
        assert page.status_code == 200
        text = plain(page)
        for said in (
            "Паспорт гражданина РФ",
            "Граждане РФ с 14 лет",
            "Две личные фотографии 35×45 мм — оригинал",
            "черно-белые или цветные, без головного убора",
            "10 раб. дн.",
            "300 ₽",
            "Через Госуслуги со скидкой 30 %",
            "ГУ по вопросам миграции МВД",
        ):
            assert said in text, said
        assert 'href="/forms/passport-1p-sample.pdf"' in page.text
        assert 'href="/book/passport"' in page.text
        form = await visitor.get("/forms/passport-1p-sample.pdf")
        assert form.status_code == 200
        assert form.headers["content-type"] == "application/pdf"
        assert form.content == (EXAMPLES / "forms" / "passport-1p-sample.pdf").read_bytes()
        assert (await visitor.get("/forms/nothing.pdf")).status_code == 404
        assert (await visitor.get("/services/no-such-service")).status_code == 404
        copies = await visitor.get("/services/residence")
        assert "оригинал и копия" in plain(copies)


async def test_what_the_file_says_is_escaped(site: Site) -> None:
    async with site.client() as visitor:
        page = await visitor.get("/services/inn")
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<b>жирный" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in page.text
        found = await visitor.get("/services", params={"q": '<script>"'})
        assert "<script>&#34;" not in found.text and "&lt;script&gt;" in found.text


async def test_the_call_centre_consults_the_catalogue_signed_in(site: Site) -> None:
    await site.hub.staff.set_pin("ivanova-a", PIN, by="test")
    async with site.client() as stranger:
        assert (await stranger.get("/operator/catalogue")).status_code == 403
    async with site.client() as operator:
        token = await csrf(operator)
        signed = await operator.post(
            "/operator/sign-in", data={"csrf": token, "operator": "ivanova-a", "pin": PIN}
        )
        assert signed.status_code == 303
        listing = await operator.get("/operator/catalogue", params={"q": "маткапитал"})
        assert listing.status_code == 200
        assert 'href="/operator/catalogue?service=maternity-capital"' in listing.text
        page = await operator.get("/operator/catalogue", params={"service": "maternity-capital"})
        assert "Сертификат на материнский капитал" in plain(page)
        assert "Договор купли-продажи или кредитный договор — оригинал и копия" in plain(page)
        assert 'aria-current="page">Справочник услуг' in page.text
