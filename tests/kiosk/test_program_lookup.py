"""An application's status at the kiosk end to end: a real hub on loopback with
applications recorded as a desk records them, the kiosk offscreen with its agent thread
calling Applications/LookUp and LookUpByCard with its own certificate, and the virtual
UEC in pcscd's virtual reader."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from card_reader.sim import simulated_card
from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from kiosk.core import Screen
from kiosk.program import KioskApp
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.card_reader.conftest import READER_URL, Insert
from tests.hub.applications.helpers import PHONE, accepted
from tests.hub.conftest import Served
from tests.kiosk.scenes import Clock
from tests.kiosk.test_lookup import WRONG
from tests.kiosk.test_program import options, running, screen, until
from tests.kiosk.test_program_steps import SAMPLE_SNILS
from tests.kiosk.test_screens import SCREENS


def lookup(kiosk: KioskApp) -> dict[str, Any]:
    value = kiosk.view.value("lookup")
    assert isinstance(value, dict)
    return value


def shot(kiosk: KioskApp, name: str) -> None:
    """The live screen, kept with the other screens for review."""
    assert kiosk.window.grab(SCREENS / f"live-{name}.png").exists()


async def ask(qapp: QApplication, kiosk: KioskApp, number: str, phone: str) -> None:
    """Type the number and the phone on the keypads and send them; wait for the answer."""
    view = kiosk.view
    view.openStatus()
    for digit in number.replace("-", ""):
        view.statusKey(digit)
    view.statusSubmit()
    for digit in phone.removeprefix("+7"):
        view.statusKey(digit)
    view.statusSubmit()
    assert view.value("busy")
    await until(qapp, lambda: not view.value("busy"))


async def test_a_visitor_finds_a_ready_application_and_books_its_collection(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    app = await accepted(served)
    ready = await applications_pb2_grpc.ApplicationsStub(served.channel).SetStatus(
        applications_pb2.SetApplicationStatusRequest(
            number=app.number, status=applications_pb2.APPLICATION_STATUS_READY
        )
    )
    collect_by = ready.application.collect_by
    clock = Clock()
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink, clock) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        await ask(qapp, kiosk, app.number, PHONE)
        shown = lookup(kiosk)
        assert shown["title"] == f"Заявление № {app.number}"
        assert shown["status"] == "Готово к выдаче"
        day, month, year = collect_by[8:], collect_by[5:7], collect_by[:4]
        assert ["Получить до", f"{day}.{month}.{year}"] in shown["facts"]
        assert ["Услуга", "Паспорт гражданина РФ"] in shown["facts"]
        assert shown["canCollect"]
        shot(kiosk, "status-ready")
        # Left alone, the screen goes home and nothing of the application stays.
        clock.advance(kiosk.flow.settings.idle_s)
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        assert lookup(kiosk)["title"] == "" and kiosk.flow.lookup is None
        # The next look-up books a time to collect the documents.
        await ask(qapp, kiosk, app.number, PHONE)
        view.collect()
        await until(qapp, lambda: view.value("bookStep") == "day")
        assert kiosk.flow.draft is not None
        assert kiosk.flow.draft.service_id == "ready-documents"
        assert view.value("bookNote") == "Выдача готовых документов"


async def test_either_half_wrong_is_one_answer_and_too_many_say_wait(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    app = await accepted(served)
    wrong_number = app.number[:-1] + ("2" if app.number[-1] != "2" else "3")
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        await ask(qapp, kiosk, app.number, "+79160000000")
        wrong_phone = lookup(kiosk)
        shot(kiosk, "status-wrong")
        view.home()
        await ask(qapp, kiosk, wrong_number, PHONE)
        wrong_half = lookup(kiosk)
        for seen in (wrong_phone, wrong_half):
            assert (seen["step"], seen["note"], seen["status"]) == ("phone", WRONG, "")
        # Eight more wrong pairs use up the kiosk's ten; then even the right pair must wait.
        for _ in range(8):
            view.statusSubmit()
            await until(qapp, lambda: not view.value("busy"))
            assert lookup(kiosk)["note"] == WRONG
        view.home()
        await ask(qapp, kiosk, app.number, PHONE)
        note = str(lookup(kiosk)["note"])
        assert note.startswith("Слишком много неверных попыток. Подождите 15 мин."), note
        assert lookup(kiosk)["status"] == ""
        shot(kiosk, "status-wait")


async def test_the_card_inserted_on_the_status_screen_shows_its_holders_applications(  # noqa: PLR0917
    qapp: QApplication,
    served: Served,
    fake_voice: Voice,
    wav_sink: WavFileSink,
    tmp_path: Path,
    insert: Insert,
) -> None:
    mine = await accepted(served, snils=SAMPLE_SNILS)
    await accepted(served, service="foreign-passport")  # someone else's, no SNILS
    chosen = await options(
        tmp_path,
        served,
        ("snils_hash_key", served.hub.snils_key.hex()),
        card_reader=READER_URL,
    )
    async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openStatus()
        assert lookup(kiosk)["canCard"]
        await asyncio.to_thread(insert, simulated_card("uec"))
        await until(qapp, lambda: screen(kiosk) is Screen.CARD_PIN)
        for digit in "1234":
            view.pinKey(digit)
        view.submitPin()
        await until(qapp, lambda: lookup(kiosk)["step"] == "found")
        shown = lookup(kiosk)
        assert shown["title"] == f"Заявление № {mine.number}"
        assert shown["status"] == "Принято"
        assert view.value("pageText") == "", "only the card holder's own application"
        shot(kiosk, "status-card")
        view.back()
        assert screen(kiosk) is Screen.HOME
        assert kiosk.flow.lookup is None
