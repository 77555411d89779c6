"""The service catalogue at the kiosk end to end: a real hub on loopback with the example
catalogue (examples/catalogue.toml), the kiosk offscreen with its agent thread reading
Catalogue/GetCatalogue with its own certificate, printing a checklist and sending a link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from kiosk.core import Screen
from kiosk.program import KioskApp
from tests.hub.catalogue_files import branch_with_catalogue
from tests.hub.conftest import Served
from tests.kiosk.test_program import options, running, screen, until


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The example branch with the example catalogue (served by tests/conftest.py)."""
    return branch_with_catalogue(tmp_path / "etc")


def info(kiosk: KioskApp) -> dict[str, Any]:
    value = kiosk.view.value("info")
    assert isinstance(value, dict)
    return value


def guided(kiosk: KioskApp) -> bool:
    catalogue = kiosk.flow.catalogue
    return catalogue is not None and bool(catalogue.guide.entries)


async def test_the_kiosk_reads_the_hubs_catalogue_and_finds_services_by_typos(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME and guided(kiosk))
        assert info(kiosk)["hasSituations"] is True
        view.openSearch()
        for key in "загрн пасспорт":
            view.typeKey(key)
        assert view.services.rows[0][:2] == ("foreign-passport", "Заграничный паспорт")
        view.guide.open("foreign-passport")
        documents = dict(info(kiosk)["blocks"])["Документы"]
        assert "Паспорт гражданина РФ — оригинал" in documents
        view.home()
        view.guide.situations()
        assert [row[1] for row in view.groups.rows][:2] == ["Рождение ребёнка", "Переезд"]
        view.openGroup("life:moving")
        assert [row[0] for row in view.services.rows] == ["residence", "oms", "passport"]


async def test_the_hubs_refusals_of_the_checklist_and_the_link_are_shown(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    """A printer that is not online, and a branch with no SMS set up: both said on the page."""
    chosen = await options(tmp_path, served, ("printer", "ticket_printer-P-1"))
    async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME and guided(kiosk))
        view.openGroup("documents")
        view.guide.open("passport")
        view.guide.printChecklist()
        await until(qapp, lambda: not view.value("busy"))
        assert info(kiosk)["note"] == (
            "Список не напечатан: принтер недоступен. Отправьте ссылку на телефон"
        )
        view.guide.askPhone()
        for digit in "9161234567":
            view.guide.key(digit)
        view.guide.sendLink()
        await until(qapp, lambda: not view.value("busy"))
        shown = info(kiosk)
        assert (
            shown["note"] == "Ссылка не отправлена: СМС здесь не отправляются, напечатайте список"
        )
        assert shown["entry"] == "+7 916 123-45-67"
        view.home()
        assert kiosk.flow.link_phone == ""
