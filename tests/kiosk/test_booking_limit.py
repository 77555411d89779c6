"""A booking beyond the person's limit, refused by a real hub and told on the kiosk's screen.

The example branch allows one passport booking (of either kind) a week per person.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from kiosk.booking import limit_names
from kiosk.catalogue import Catalogue, Service
from kiosk.core import Screen
from kiosk.texts import Notice, refusal
from protos.okno.v1 import appointments_pb2
from tests.hub.conftest import Served
from tests.kiosk.test_program import options, running, screen, until
from tests.kiosk.test_program_steps import appointments

SHOTS = Path("/tmp/shots/limits")
# Monday 23 November 2026, 12:00 in Moscow.
AT_12_00 = 1_795_424_400_000


def keep(shot: Path | None, name: str) -> None:
    """The screen as a PNG where the session's reviewers look at it."""
    assert shot is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / f"{name}.png")


async def test_a_phone_over_its_limit_is_told_the_limit_and_its_booking(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    held = await appointments(served).Book(
        appointments_pb2.BookRequest(
            service_id="passport",
            slot_start_unix_ms=AT_12_00,
            channel=appointments_pb2.BOOKING_CHANNEL_CALL_CENTRE,
            phone="+79161234567",
        )
    )
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openBooking()
        view.choose("foreign-passport")
        await until(qapp, lambda: view.value("bookStep") == "day")
        view.choose("2026-11-25")
        await until(qapp, lambda: view.value("bookStep") == "slot")
        view.choose(str(view.choices.rows[0][0]))
        for digit in "9161234567":
            view.phoneKey(digit)
        view.phoneDone(False)
        view.confirmBooking()
        await until(qapp, lambda: screen(kiosk) is Screen.NOTICE)
        assert view.value("noticeTitle") == (
            "Не более 1 записи на услуги «Паспорт гражданина РФ», «Заграничный паспорт» в неделю"
        )
        assert view.value("noticeText") == (
            "У вас уже есть запись на пн, 23 ноября, 12:00 («Паспорт гражданина РФ»); "
            "отмените или перенесите её (код записи — в сообщении и на квитанции)"
        )
        assert held.booking.code not in str(view.value("noticeText"))
        keep(kiosk.screenshot(), "kiosk-booking-limit")
        view.toggleLarge()
        await until(qapp, lambda: bool(view.value("large")))
        assert screen(kiosk) is Screen.NOTICE
        keep(kiosk.screenshot(), "kiosk-booking-limit-large")


CATALOGUE = Catalogue(
    "МФЦ",
    "Europe/Moscow",
    (
        Service("passport", "А", "Паспорт РФ", "Passport"),
        Service("foreign-passport", "Б", "Загранпаспорт", "International passport"),
    ),
)
FACTS = {
    "limit-most": "2",
    "limit-per": "month",
    "held-service": "passport",
    "held-date": "2026-12-09",
    "held-time": "10:20",
}


@pytest.mark.parametrize(
    ("services", "language", "title", "text"),
    [
        (
            "passport",
            "ru",
            "Не более 2 записей на услугу «Паспорт РФ» в месяц",
            "У вас уже есть запись на ср, 9 декабря, 10:20; отмените или перенесите её (код "
            "записи — в сообщении и на квитанции)",
        ),
        (
            "passport,foreign-passport",
            "en",
            "At most 2 bookings for «Passport», «International passport» a month",
            "You already have a booking on Wed, December 9, 10:20 («Passport»); cancel or "
            "move it (its code is in the message and on the slip)",
        ),
    ],
)
def test_the_notice_names_the_services_in_the_visitors_language(
    services: str, language: str, title: str, text: str
) -> None:
    detail = FACTS | {"limit-services": services}
    detail |= limit_names(CATALOGUE, detail)
    assert refusal("booking_limit", detail, language) == Notice(title, text)
    # Without the held booking's time (no catalogue yet) it still says what happened.
    assert refusal("booking_limit", {"kind": "book"}, language).title in (
        "Запись не сделана",
        "The booking was not made",
    )
