"""``okno kiosk`` end to end: a real hub on loopback, the QML kiosk offscreen, its agent thread.

The hub runs on the test's event loop; the kiosk's agent runs in its own thread and
reaches the GUI thread through queued signals, which these tests deliver by processing Qt
events while they wait (on conditions, never on a fixed sleep).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import pytest
from PySide6.QtWidgets import QApplication

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from hub.api.server import create_device_server
from hub.doors import names_for
from kiosk.agent import KIND, TERMINAL_KIND
from kiosk.core import Screen
from kiosk.errors import KioskError
from kiosk.hub_client import KioskHub
from kiosk.program import KioskApp, KioskOptions, run_kiosk
from okno.provision import enroll_devices
from okno.runtime.hubtls import fingerprint
from protos.okno.v1 import (
    appointments_pb2,
    appointments_pb2_grpc,
    devices_pb2,
    devices_pb2_grpc,
    queue_pb2,
)
from tests.hub.conftest import Served
from tests.kiosk.scenes import PIN_HASH, Clock
from tests.polling import eventually
from tests.ticket_printer.test_agent import PRINTER, admitted_printer

WAIT_S = 10.0


async def until(app: QApplication, check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    """Deliver Qt's queued signals and give the hub its turn until ``check`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        app.processEvents()
        await asyncio.sleep(0.01)


# What okno.provision.enroll_devices names the kiosk and its card terminal it enrolls.
KIOSK = f"{KIND}-K-0000"
TERMINAL_SERIAL = "T-0000"


async def options(
    tmp_path: Path, served: Served, *config: tuple[str, str], **more: Any
) -> KioskOptions:
    """A windowed kiosk, quick to notice and to give up, enrolled as a technician would
    (its printer, if ``config`` names one, set at the hub too: a kiosk prints only on its
    own; its card terminal, with ``terminal=`` in ``more``, enrolled too); with ``state=``
    in ``more``, a kiosk of its own, not enrolled."""
    if "state" not in more:
        (more["state"],) = await enroll_devices(
            served.address, served.socket, 1, tmp_path / "kiosks", kind=KIND, serials="K"
        )
        if more.get("terminal"):
            (terminal,) = await enroll_devices(
                served.address,
                served.socket,
                1,
                tmp_path / "terminals",
                kind=TERMINAL_KIND,
                serials="T",
            )
            shutil.copytree(terminal, more["state"] / "terminal")
            more["terminal_id"] = TERMINAL_SERIAL
        printer = dict(config).get("printer")
        if printer:
            await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(device_id=KIOSK, settings={"printer": printer})
            )
    base = KioskOptions(
        hub=served.address,
        interfaces=(),
        size=(1080, 1920),
        config=config,
        poll_s=0.1,
        deadline_s=2.0,
        voice_speed=0,
        screenshots=tmp_path / "screens",
    )
    return replace(base, **more)


@asynccontextmanager
async def running(
    qapp: QApplication,
    chosen: KioskOptions,
    voice: Voice,
    sink: WavFileSink,
    clock: Callable[[], float] | None = None,
    **more: Any,
) -> AsyncIterator[KioskApp]:
    """The kiosk running; ``more`` goes to KioskApp (a payer, a card reader's sink)."""
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    kiosk = KioskApp(chosen, voice=voice, sink=sink, **extra, **more)
    kiosk.start()
    try:
        yield kiosk
    finally:
        # The agent's thread is joined off the loop, which the hub still needs.
        await asyncio.to_thread(kiosk.agent.stop)
        kiosk.stop()
        qapp.processEvents()
    assert kiosk.failure is None


def screen(kiosk: KioskApp) -> Screen:
    return kiosk.flow.screen


async def tickets(served: Served) -> list[str]:
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    return [t.number for t in state.tickets]


async def test_a_visitor_takes_a_ticket_shown_only_once_the_hub_has_it(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        assert kiosk.view.value("title") == "МФЦ района Хамовники"
        # The groups as the branch configuration names and orders them.
        groups = kiosk.view.groups.rows
        assert [row[0] for row in groups] == ["documents", "social", "property", "consultations"]
        assert groups[0][1] == "Паспорта и документы"
        kiosk.view.openGroup("documents")
        kiosk.view.tapService("passport")
        kiosk.view.claimTake("")  # "Взять талон" (the branch has priority categories)
        assert kiosk.view.value("busy") and kiosk.view.value("ticketNumber") == ""
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert await tickets(served) == [kiosk.view.value("ticketNumber")] == ["А001"]
        assert (
            kiosk.view.value("ticketPrint")
            == "Талоны здесь не печатаются. Запомните или сфотографируйте номер"
        )
        shot = kiosk.screenshot()
        assert shot is not None and shot.stat().st_size > 20_000


async def test_a_double_tap_gives_one_ticket(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        kiosk.view.openGroup("documents")
        kiosk.view.tapService("passport")
        kiosk.view.claimTake("")  # "Взять талон" (the branch has priority categories)
        kiosk.view.claimTake("")
        qapp.processEvents()
        kiosk.view.claimTake("")
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        kiosk.view.claimTake("")
        qapp.processEvents()
        assert await tickets(served) == ["А001"]


async def test_a_request_sent_again_with_its_id_is_the_same_ticket(served: Served) -> None:
    hub = KioskHub(served.channel)
    first, again = await asyncio.gather(
        hub.issue("tap-1", "passport", ""), hub.issue("tap-1", "passport", "")
    )
    assert first.number == again.number == "А001"
    assert await tickets(served) == ["А001"]


async def test_an_appointment_is_checked_in_by_its_code(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    appointments = appointments_pb2_grpc.AppointmentsStub(served.channel)
    slots = await appointments.ListSlots(appointments_pb2.ListSlotsRequest(service_id="passport"))
    (slot,) = [s for s in slots.slots if s.time == "10:20" and s.day == "2026-11-23"]
    booked = await appointments.Book(
        appointments_pb2.BookRequest(
            request_id="b-1",
            service_id="passport",
            slot_start_unix_ms=slot.start_unix_ms,
            channel=appointments_pb2.BOOKING_CHANNEL_KIOSK,
        )
    )
    code = booked.booking.code
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        kiosk.view.openCheckIn()
        for key in "ZZZZZZ":
            kiosk.view.codeKey(key)
        kiosk.view.submitCode()
        await until(qapp, lambda: kiosk.view.value("codeError") != "")
        assert screen(kiosk) is Screen.CHECKIN
        assert str(kiosk.view.value("codeError")).startswith("Запись с таким кодом не найдена")
        for _ in range(6):
            kiosk.view.erase()
        for key in code:
            kiosk.view.codeKey(key)
        kiosk.view.submitCode()
        await until(qapp, lambda: screen(kiosk) is Screen.NOTICE)
        assert kiosk.view.value("noticeTitle") == "Регистрация на приём в 10:20 начнётся в 10:05"
        served.clock.advance(6)
        kiosk.view.back()
        for key in code:
            kiosk.view.codeKey(key)
        kiosk.view.submitCode()
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert kiosk.view.value("ticketAppointment") == "По записи на 10:20"
        assert kiosk.view.value("ticketTitle") == "Ваш талон по записи"
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.priority for t in state.tickets] == ["appointment"]


async def test_with_the_hub_down_the_kiosk_says_so_and_shows_no_number(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        kiosk.view.openGroup("documents")
        # The device port, which the kiosk calls, stops serving (open_doors' third server).
        await served.doors.servers[2].stop(0)
        kiosk.view.tapService("passport")
        kiosk.view.claimTake("")
        await until(qapp, lambda: screen(kiosk) is Screen.OUT)
        await until(qapp, lambda: not kiosk.view.value("busy"))
        assert kiosk.flow.ticket is None and kiosk.view.value("ticketNumber") == ""
        kiosk.view.openGroup("documents")
        assert screen(kiosk) is Screen.OUT
        address = served.device_address
        server, _ = await create_device_server(served.hub, address, names_for(address))
        await server.start()
        try:
            await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        finally:
            await server.stop(0)


NO_PAPER = "В принтере закончилась бумага: номер талона будет показан на экране"


async def test_paper_out_is_shown_with_the_number_and_said_before_the_next_tap(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    chosen = await options(tmp_path, served, ("printer", PRINTER))
    async with (
        admitted_printer(served, tmp_path) as hall,
        running(qapp, chosen, fake_voice, wav_sink) as kiosk,
    ):
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        assert view.value("banner") == ""
        view.openGroup("documents")
        view.tapService("passport")
        view.claimTake("")
        await until(qapp, lambda: view.value("ticketPrint") == "Возьмите талон из принтера")
        printed = await asyncio.to_thread(hall.sim.wait_for_tickets, 2, WAIT_S)
        assert str(view.value("ticketNumber")) in printed[-1].text

        view.home()
        hall.sim.set_paper_out(True)

        async def paper_out() -> bool:
            return (await hall.device()).error == "paper out"

        await eventually(paper_out)
        # Said before anyone taps: the kiosk asks the hub for its printer's state.
        await until(qapp, lambda: view.value("banner") == NO_PAPER)
        view.openGroup("documents")
        view.tapService("passport")
        view.claimTake("")
        await until(qapp, lambda: view.value("ticketNumber") == "А002")
        assert view.value("ticketPrint") == (
            "Талон не напечатан (закончилась бумага). Запомните или сфотографируйте номер"
        )
        assert view.value("ticketPrintLevel") == "bad"
        view.home()
        assert view.value("banner") == NO_PAPER
        assert view.value("bannerAlarm")

        hall.sim.refill()
        await until(qapp, lambda: view.value("banner") == "")
        view.openGroup("documents")
        view.tapService("passport")
        view.claimTake("")
        await until(qapp, lambda: view.value("ticketPrint") == "Возьмите талон из принтера")
        view.home()
        assert view.value("banner") == ""


async def test_a_new_kiosk_shows_its_code_joins_and_takes_its_settings(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    chosen = await options(tmp_path, served, state=tmp_path / "kiosk", serial="K-1")
    # The technician, on the hub's machine.
    provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
    async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
        await until(qapp, lambda: screen(kiosk) is Screen.PAIRING)
        assert kiosk.view.value("pairingAuthority") == fingerprint(served.ca_pem)
        code = str(kiosk.view.value("pairingCode"))
        await provisioning.ApproveDevice(
            devices_pb2.ApproveDeviceRequest(pairing_code=code, name="Киоск 1", zone="hall")
        )
        await provisioning.ConfigureDevice(
            devices_pb2.ConfigureDeviceRequest(
                device_id="kiosk-K-1",
                settings={
                    "language": "en",
                    "technician_pin": PIN_HASH,
                    "group_documents": "Документы|Documents",
                    "title": "Киоск у входа",
                },
            )
        )
        await until(qapp, lambda: screen(kiosk) is Screen.HOME, 15)
        await until(qapp, lambda: kiosk.view.value("title") == "Киоск у входа")
        assert kiosk.view.value("language") == "en"
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await provisioning.ConfigureDevice(
                devices_pb2.ConfigureDeviceRequest(device_id="kiosk-K-1", settings={"idle_s": "1"})
            )
        assert "idle_s=1: 1 is outside 10..600" in (refused.value.details() or "")
        assert kiosk.flow.settings.idle_s == 60
        kiosk.view.openGroup("documents")
        kiosk.view.tapService("passport")
        kiosk.view.claimTake("")
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert kiosk.view.value("ticketNumber") == "А001"
    assert (tmp_path / "kiosk" / "device.pem").exists()


async def test_idle_language_large_type_and_voice_for_the_next_visitor(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    clock = Clock()
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink, clock) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.toggleLanguage()
        labels = view.value("labels")
        assert isinstance(labels, dict) and labels["choose"] == "Choose a service"
        view.toggleLarge()
        assert view.value("scale") == 1.35 and view.value("large")
        view.toggleVoice()
        view.openGroup("social")
        assert kiosk.guide is not None
        assert await asyncio.to_thread(kiosk.guide.wait_idle)
        # The group's prompt came before the first one was spoken, or replaced it.
        log = [(s.text, s.outcome) for s in kiosk.guide.log]
        assert log[0][0].startswith("Voice guidance is on. Choose a service on the screen.")
        assert log[-1] == ("Social services and benefits. Choose a service.", "spoken")
        assert wav_sink.played, "what is said is played (here: written as WAV files)"
        clock.advance(61)

        def reset_for_the_next_visitor() -> bool:
            settings = (view.value("language"), view.value("large"), view.value("voice"))
            return screen(kiosk) is Screen.HOME and settings == ("ru", False, False)

        # Not only the home screen, which may not have been left yet under load: the
        # next visitor meets Russian, normal type and no voice.
        await until(qapp, reset_for_the_next_visitor)


def test_a_bad_option_is_refused_before_anything_starts() -> None:
    with pytest.raises(KioskError, match="unknown kiosk setting"):
        run_kiosk(KioskOptions(config=(("colour", "red"),)))
