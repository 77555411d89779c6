"""A blind visitor at ``okno kiosk`` with the keypad alone: gpiozero's mock pins pressed,
a real hub on loopback, the voice's transcript asserted, the ticket's words in espeak-ng."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory
from PySide6.QtWidgets import QApplication

from hall_display import wav
from hall_display.sinks import WavFileSink
from hall_display.speech import ticket_words
from hall_display.voice import Voice
from kiosk import speech
from kiosk.core import Screen
from kiosk.program import KioskApp
from protos.okno.v1 import appointments_pb2, queue_pb2
from tests.hub.conftest import Served
from tests.kiosk.test_program import WAIT_S, options, running, screen, until
from tests.kiosk.test_program_steps import appointments
from tests.ticket_printer.test_agent import PRINTER, admitted_printer
from ticket_printer import codec

KEYPAD = "up=5,down=6,select=13,back=19,help=26"
PINS = {"up": 5, "down": 6, "select": 13, "back": 19, "help": 26}
JACK = 21
MAX_PRESSES = 60


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pins = MockFactory()
    yield pins
    pins.reset()


class Visitor:
    """A blind visitor's fingers on the keypad, and their ears on the voice."""

    def __init__(self, qapp: QApplication, kiosk: KioskApp, factory: MockFactory) -> None:
        self.qapp = qapp
        self.kiosk = kiosk
        self.factory = factory

    async def press(self, key: str) -> None:
        """Press and release a key, and wait until the kiosk has taken it and said it."""
        before = self.kiosk.keys.presses
        pin = self.factory.pin(PINS[key])
        pin.drive_low()
        pin.drive_high()
        await until(self.qapp, lambda: self.kiosk.keys.presses > before)
        assert self.kiosk.guide is not None and self.kiosk.guide.wait_idle()

    async def pick(self, shown: str, direction: str = "down") -> None:
        """Listen to each item until ``shown`` is said, then select it."""
        for _ in range(MAX_PRESSES):
            if self.kiosk.view.value("focusText") == shown:
                await self.press("select")
                return
            await self.press(direction)
        raise AssertionError(f"{shown!r} never had the focus")

    async def heard(self, words: str) -> None:
        """Wait until the last thing said holds ``words`` (an answer from the hub)."""
        await until(self.qapp, lambda: bool(self.transcript()) and words in self.transcript()[-1])

    async def books_today_at_10_20(self, served: Served) -> str:
        """A time today at 10:20 with a phone for the reminder, by the keys; its code."""
        await self.pick("Записаться на приём")
        await self.pick("Паспорт гражданина РФ")
        await until(self.qapp, lambda: self.kiosk.view.value("bookStep") == "day")
        await self.pick("Сегодня, 23 ноября")
        await self.pick("10:20")
        assert any("десять часов двадцать минут" in said for said in self.transcript())
        for digit in "9161234567":
            await self.pick(digit)
        assert self.kiosk.view.value("phoneText") == "+7 916 123-45-67"
        await self.pick("Напомнить по СМС")
        await self.pick("Записаться")
        await until(self.qapp, lambda: self.kiosk.view.value("bookStep") == "done")
        code = str(self.kiosk.view.value("bookedCode"))
        booking = (
            await appointments(served).GetBooking(appointments_pb2.GetBookingRequest(code=code))
        ).booking
        assert (booking.day, booking.time, booking.phone_hint) == (
            "2026-11-23",
            "10:20",
            "+7********67",
        )
        spelt = " ".join(speech.key_word(key, "ru") for key in code)
        await self.heard(f"Код записи: {spelt}. Сегодня, 23 ноября в десять часов двадцать")
        return code

    def transcript(self) -> list[str]:
        assert self.kiosk.guide is not None
        return self.kiosk.guide.spoken()


async def test_a_blind_visitor_takes_a_ticket_books_and_checks_in_with_the_keys_alone(  # noqa: PLR0917
    qapp: QApplication,
    served: Served,
    fake_voice: Voice,
    wav_sink: WavFileSink,
    tmp_path: Path,
    factory: MockFactory,
) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    chosen = await options(
        tmp_path, served, ("keypad", KEYPAD), ("headphones_pin", str(JACK)), ("printer", PRINTER)
    )
    async with (
        admitted_printer(served, tmp_path) as hall,
        running(qapp, chosen, fake_voice, wav_sink, pin_factory=factory) as kiosk,
    ):
        visitor = Visitor(qapp, kiosk, factory)
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        assert not kiosk.flow.voice
        # Headphones in: guidance starts by itself.
        factory.pin(JACK).drive_low()
        await until(qapp, lambda: kiosk.flow.voice)
        assert kiosk.guide is not None and kiosk.guide.wait_idle()
        await visitor.pick("Паспорта и документы")
        await visitor.pick("Паспорт гражданина РФ")
        # The branch has priority categories: a regular ticket is the first choice.
        await until(qapp, lambda: screen(kiosk) is Screen.CLAIM)
        await visitor.pick("Взять талон")
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert kiosk.guide.wait_idle()
        number = str(kiosk.view.value("ticketNumber"))
        assert number == "А001"
        ticket_said = visitor.transcript()[-1]
        # Printed large: the people ahead and the wait twice the size (GS ! 0x11).
        large = codec.char_size(2, 2) + "Перед вами: 0".encode("cp866")
        await asyncio.to_thread(hall.sim.wait_for_received, lambda data: large in data, WAIT_S)
        assert ticket_said.startswith("Ваш талон А ноль ноль один. Перед вами никого нет.")
        assert visitor.transcript() == [
            "Озвучивание включено. Выберите услугу. Вверх и вниз: выбор. Центральная клавиша: "
            "подтвердить. Назад: шаг назад. Паспорта и документы. один из девяти.",
            "Паспорта и документы. Вверх и вниз: выбор. Паспорт гражданина РФ, без очереди. "
            "один из пяти.",
            "Паспорт гражданина РФ. Нажмите «Взять талон». Если вы относитесь к льготной "
            "категории, нажмите кнопку «Я отношусь к льготной категории» ниже. Вверх и вниз: "
            "выбор. Взять талон. один из четырёх.",
            ticket_said,
        ]
        await visitor.pick("Готово")
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)

        code = await visitor.books_today_at_10_20(served)
        await visitor.pick("Готово")

        # Check-in opens 15 minutes before the time: the visitor comes back at 10:06.
        served.clock.advance(6)
        await visitor.pick("Я записан на приём")
        for key in code:
            await visitor.pick(key)
        await visitor.pick("Продолжить")
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert kiosk.guide.wait_idle()
        assert kiosk.view.value("ticketTitle") == "Ваш талон по записи"
        checked_in = ticket_words(str(kiosk.view.value("ticketNumber")))
        await visitor.heard(f"Ваш талон {checked_in}.")
        state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        assert [t.priority for t in state.tickets][-1] == "appointment"
    spoken_ticket(tmp_path, ticket_said)


def spoken_ticket(tmp_path: Path, said: str) -> None:
    """The ticket's words through espeak-ng: a WAV of plausible length, not silence."""
    voice = Voice(tmp_path / "espeak-cache")
    frames = wav.read_frames(voice.synthesise(speech.phrase(said, "ru")))
    assert 3.0 <= wav.seconds(frames) <= 20.0
    assert wav.rms(frames) > 1000
