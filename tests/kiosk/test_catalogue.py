"""The service catalogue at the kiosk: search with typos, life situations, a service's page,
its checklist printed and its link sent (no hub: the flow's requests are answered here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from typer.testing import CliRunner

from kiosk.catalogue_search import deletes, edits
from kiosk.core import Screen
from kiosk.states import PrintState
from kiosk.steps.catalogue import Block, paged
from okno.cli import app
from tests.kiosk.catalogue_scenes import (
    guided,
    link_phone,
    passport_info,
    situations,
    with_guide,
)
from tests.kiosk.scenes import PRINTER, Scene, catalogue, scene


def info(s: Scene) -> dict[str, Any]:
    """The service page as QML reads it (``view.info``)."""
    value = s.view.value("info")
    assert isinstance(value, dict)
    return value


def screen(s: Scene) -> Screen:
    """The screen shown (a call, so each step's check stands on its own)."""
    return s.flow.screen


TYPED = [
    ("паспорт", "passport"),
    ("пасспорт", "passport"),
    ("ПАСПОРТ", "passport"),
    ("пасп", "passport"),
    ("паспрот", "passport"),
    ("загрн паспорт", "foreign-passport"),
    ("паспорт загран", "foreign-passport"),
    ("загран", "foreign-passport"),
    ("снилс", "snils"),
    ("СНИЛС", "snils"),
    ("сниолс", "snils"),
    ("страховой номер", "snils"),
    ("матреинский капитал", "maternity-capital"),
    ("маткапитал", "maternity-capital"),
    ("прописка", "residence"),
    ("прописк", "residence"),
    ("военный билет", "foreign-passport"),
    ("справка о доходах", "child-benefits"),
    ("детские выплаты", "child-benefits"),
    ("passprot", "passport"),
    ("international pasport", "foreign-passport"),
    ("рождение ребёнка", "snils"),
]


@pytest.mark.parametrize(("typed", "first"), TYPED)
def test_search_forgives_typos_and_finds_the_service_first(typed: str, first: str) -> None:
    found = with_guide(catalogue()).search(typed)
    assert found, f"nothing found for {typed!r}"
    assert found[0].id == first


def test_a_name_ranks_above_a_document_to_bring() -> None:
    """ "паспорт" is the name of two services and a document of others: names first."""
    found = [s.id for s in with_guide(catalogue()).search("паспорт")]
    assert found[:2] == ["passport", "foreign-passport"]
    assert "residence" in found[2:]


@pytest.mark.parametrize("typed", ["щщщщщ", "паспорт щщщщщ", "  ", ""])
def test_nothing_is_found_for_words_of_no_service(typed: str) -> None:
    assert with_guide(catalogue()).search(typed) == []


def test_typos_are_counted_as_people_make_them() -> None:
    assert edits("паспорт", "паспрот", 2) == 1  # two neighbours swapped
    assert edits("паспорт", "пасспорт", 2) == 1
    assert edits("паспорт", "спорт", 1) == 2  # above the limit: limit + 1
    assert "паспрт" in deletes("паспорт", 1)


def test_life_situations_list_the_services_of_this_branch() -> None:
    s = scene()
    guided(s)
    assert info(s)["hasSituations"] is True
    situations(s)
    assert screen(s) is Screen.SITUATIONS
    assert s.view.value("heading") == "Выберите жизненную ситуацию"
    rows = [(row[1], row[2]) for row in s.view.groups.rows]
    # A situation with no service of this branch is not offered; unknown services dropped.
    assert rows == [("Рождение ребёнка", "3 услуги"), ("Переезд", "2 услуги")]
    s.view.openGroup("life:birth")
    assert screen(s) is Screen.GROUP
    assert s.view.value("heading") == "Рождение ребёнка"
    assert [row[1] for row in s.view.services.rows] == [
        "СНИЛС",
        "Пособия на детей",
        "Материнский капитал",
    ]
    s.view.back()
    assert screen(s) is Screen.SITUATIONS
    s.view.back()
    assert screen(s) is Screen.HOME


def test_no_situations_are_offered_without_the_catalogue() -> None:
    s = scene()
    assert info(s)["hasSituations"] is False
    s.view.guide.situations()
    assert screen(s) is Screen.HOME


def test_the_service_page_shows_the_documents_to_bring_without_a_ticket() -> None:
    s = scene()
    passport_info(s)
    shown = info(s)
    assert screen(s) is Screen.INFO
    assert shown["title"] == "Что взять с собой"
    assert shown["service"] == "Паспорт гражданина РФ"
    blocks = dict(shown["blocks"])
    assert blocks["Документы"].splitlines() == [
        "• Паспорт гражданина РФ — оригинал",
        "• Свидетельство о рождении — оригинал и копия",
        "• Свидетельство о браке — оригинал (при смене фамилии)",
        "• Фотография 35×45 мм — оригинал",
        "• Квитанция об уплате госпошлины — копия",
    ]
    assert blocks["Кто может обратиться"] == "Граждане РФ с 14 лет, лично"
    assert blocks["Что вы получите"] == "Паспорт гражданина РФ · срок: 10 раб. дн."
    assert s.requests.sent == []  # no ticket, nothing asked of the hub
    s.view.nextPage()
    rest = dict(info(s)["blocks"])
    assert rest["Бланки и образцы (по ссылке)"] == "Заявление по форме 1П (бланк)"
    s.view.back()
    assert screen(s) is Screen.GROUP
    assert s.view.value("heading") == "Паспорта и документы"


def test_the_page_is_found_from_search_results_and_back_leads_there() -> None:
    s = scene()
    guided(s)
    s.view.openSearch()
    for key in "загрн":
        s.view.typeKey(key)
    assert s.view.services.rows[0][0] == "foreign-passport"
    assert s.view.services.rows[0][5] is True  # "Что взять" offered on the row
    s.view.guide.open("foreign-passport")
    assert "Военный билет — оригинал (для мужчин 18–27 лет)" in dict(info(s)["blocks"])["Документы"]
    s.view.back()
    assert (screen(s), s.flow.lists.query) == (Screen.SEARCH, "загрн")


def test_the_page_is_spoken_whole_with_voice_guidance() -> None:
    s = scene()
    s.view.toggleVoice()
    passport_info(s)
    said = s.speaker.texts[-1]
    assert said.startswith("Паспорт гражданина РФ. Выдача и замена паспорта")
    assert "Документы: Паспорт гражданина РФ — оригинал; Свидетельство о рождении" in said
    assert "Бланки и образцы (по ссылке): Заявление по форме 1П (бланк)." in said


def test_each_press_prints_with_a_fresh_request_and_says_what_became_of_it() -> None:
    s = scene()
    passport_info(s)
    s.view.guide.printChecklist()
    first = s.requests.sent[-1]
    assert first == ("checklist", first[1], "passport", f"{PRINTER}/ru")
    assert s.view.value("busy") is True
    s.view.guide.checklist_printed(first[1], 51, PrintState.SENDING, "")
    assert info(s)["note"] == "Печатаем список…"
    s.view.print_update(51, PrintState.PRINTED, "")
    assert info(s)["note"] == "Возьмите список из принтера"
    assert info(s)["level"] == "ok"
    s.view.guide.printChecklist()
    second = s.requests.sent[-1]
    assert second[0] == "checklist" and second[1] != first[1]
    s.view.guide.checklist_printed(second[1], 52, PrintState.FAILED, "paper out")
    assert info(s)["note"] == (
        "Список не напечатан (закончилась бумага). Отправьте ссылку на телефон"
    )


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("no printer ticket_printer-P-1", "принтер недоступен"),
        ("cannot print the slip: paper out", "закончилась бумага"),
    ],
)
def test_a_refused_checklist_is_shown_on_the_page(message: str, said: str) -> None:
    s = scene()
    passport_info(s)
    s.view.guide.printChecklist()
    s.view.refused(s.requests.last_id, "refused", {"message": message})
    shown = info(s)
    assert screen(s) is Screen.INFO
    assert shown["note"] == f"Список не напечатан: {said}. Отправьте ссылку на телефон"
    assert shown["level"] == "bad"
    assert s.view.value("busy") is False


def test_a_kiosk_without_a_printer_offers_only_the_link() -> None:
    s = scene(printer="")
    passport_info(s)
    assert info(s)["canPrint"] is False
    s.view.guide.printChecklist()
    assert s.requests.sent == []


def test_the_phone_for_the_link_is_checked_as_it_is_typed() -> None:
    s = scene()
    passport_info(s)
    s.view.guide.askPhone()
    s.view.guide.key("8")
    shown = info(s)
    assert shown["note"] == "+7 уже набрано: наберите номер без 8, с цифры 9"
    assert shown["entry"] == "+7 ___ ___-__-__"
    s.view.guide.key("4")
    assert info(s)["note"] == "Номер мобильного начинается с 9: +7 9XX XXX-XX-XX"
    for digit in "916123456":
        s.view.guide.key(digit)
    assert info(s)["ready"] is False
    s.view.guide.sendLink()
    assert s.requests.sent == []  # nine digits: not sent
    s.view.guide.key("7")
    s.view.guide.key("1")  # the eleventh: ignored
    assert info(s)["entry"] == "+7 916 123-45-67"
    s.view.guide.sendLink()
    assert s.requests.sent[-1][2:] == ("passport", "+79161234567")


def test_the_link_sent_shows_the_hint_and_forgets_the_phone() -> None:
    s = scene()
    link_phone(s)
    for digit in "4567":
        s.view.guide.key(digit)
    s.view.guide.sendLink()
    s.view.guide.link_sent(s.requests.last_id, "+7 916 ***-**-67")
    shown = info(s)
    assert shown["step"] == "info"
    assert shown["note"] == "Ссылка отправлена на +7 916 ***-**-67"
    assert s.flow.link_phone == ""


def test_a_refused_link_keeps_the_phone_to_correct() -> None:
    s = scene()
    link_phone(s)
    for digit in "4567":
        s.view.guide.key(digit)
    s.view.guide.sendLink()
    s.view.refused(s.requests.last_id, "bad_phone", {"message": "not a mobile number"})
    shown = info(s)
    assert shown["note"] == "Ссылка не отправлена: проверьте номер"
    assert shown["entry"] == "+7 916 123-45-67"


@pytest.mark.parametrize("leave", ["home", "back", "idle"])
def test_the_phone_typed_is_dropped_when_the_visitor_leaves(leave: str) -> None:
    s = scene()
    link_phone(s)
    if leave == "home":
        s.view.home()
    elif leave == "back":
        s.view.back()
        assert info(s)["step"] == "info"
    else:
        s.clock.advance(s.flow.settings.idle_s + 1)
        s.view.tick()
    assert s.flow.link_phone == ""


def test_the_catalogue_bench_quick_writes_its_figures(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "catalogue.json"
    result = CliRunner().invoke(app, ["kiosk", "bench", "catalogue", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())["figures"]
    assert figures["services"]["value"] == 500
    assert figures["document_entries"]["value"] == 5000
    assert figures["keystrokes"]["value"] == len("пасспорт") + len("загрн паспорт")
    painted = figures["keystroke_to_results_painted_p99_ms"]
    assert (painted["target"], painted["compare"]) == (50.0, "<=")
    assert 0 < figures["keystroke_to_results_painted_p50_ms"]["value"] <= painted["value"]
    assert 0 < figures["search_p99_ms"]["value"] < 1000


@pytest.mark.parametrize("large", [False, True])
def test_a_long_list_of_documents_goes_on_over_pages_with_nothing_lost(large: bool) -> None:
    documents = tuple(f"Документ номер {n} с длинным названием для переноса" for n in range(30))
    parts = [Block("", ("Описание",)), Block("Документы", documents), Block("Госпошлина", ("0",))]
    pages = paged(parts, large)
    assert len(pages) > 2
    continued = [b for page in pages for b in page if b.label == "Документы"]
    # Over several pages, the label repeated on each, one block a page.
    on = [page for page in pages if any(b.label == "Документы" for b in page)]
    assert len(on) == len(continued) > 2
    assert tuple(line for b in continued for line in b.lines) == documents
    assert pages[-1][-1] == Block("Госпошлина", ("0",))
