"""A UEC read at a desk's reader reaches that desk's operator panel, offscreen, end to end.

The card is a virtual UEC in pcscd's vsmartcard reader (skipped as tests/card_reader are
where pcscd or vpcd is missing); ``okno card-reader``'s program runs enrolled with its
``desk`` setting on the hub's loop (tests/staff_desk/hub_thread.py), so the hub's own SNILS
key reaches it as on a real desk. Two panels are open: the desk's, and another desk's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import pytest

from card_reader.agent import CardAgent
from card_reader.driver import State
from card_reader.pcscd import Pcscd
from card_reader.program import KIND, CardReaderSetup, run_card_reader
from card_reader.sim import SAMPLE_HOLDER, SimulatedCard, UecApplet, UecState
from okno.provision import enroll_devices
from protos.okno.v1 import (
    appointments_pb2,
    appointments_pb2_grpc,
    desk_cards_pb2,
    devices_pb2,
    devices_pb2_grpc,
    queue_pb2,
    staff_pb2,
    staff_pb2_grpc,
)
from staff_desk.panel.card_view import card_values
from staff_desk.panel.card_words import card_words
from tests.card_reader.conftest import READER_URL, WAIT_S, AsyncKeypad, pcscd, wait_reader
from tests.hub.applications.helpers import accepted
from tests.hub.conftest import PIN, Served, SteppedClock
from tests.hub.test_appointments_api import AT_10_20, ONLINE
from tests.staff_desk.hub_thread import HubThread
from tests.staff_desk.test_panel import Panel, open_panel, signed_in

__all__ = ["open_panel", "pcscd"]  # fixtures, used by name
SNILS = "112-233-445 95"  # the sample card's (card_reader.sim.SAMPLE_HOLDER)


@pytest.fixture
def hall(config_file: Path, tmp_path: Path) -> Iterator[HubThread]:
    with HubThread(config_file, tmp_path / "hub.db", SteppedClock()) as hub:
        stub = staff_pb2_grpc.StaffStub(hub.served.local)
        for operator_id in ("ivanova-a", "petrov-s"):
            hub.call(stub.SetPin, staff_pb2.SetPinRequest(operator_id=operator_id, pin=PIN))
        yield hub


@asynccontextmanager
async def reader_at_desk(served: Served, root: Path, desk: str) -> AsyncIterator[CardAgent]:
    """``okno card-reader`` enrolled and given its desk by a technician, reading vpcd."""
    (state,) = await enroll_devices(served.address, served.socket, 1, root, kind=KIND)
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=f"{KIND}-BENCH-0000", settings={"desk": desk})
    )
    agents: list[CardAgent] = []
    started, stop = asyncio.Event(), asyncio.Event()

    def on_agent(agent: CardAgent) -> None:
        agents.append(agent)
        started.set()

    setup = CardReaderSetup(state, "BENCH-0000", READER_URL, heartbeat_s=0.05)
    # vpcd has no PIN pad: the keypad stands for the desk reader's own.
    running = asyncio.create_task(
        run_card_reader(setup, stop, keypad=AsyncKeypad("1234"), on_agent=on_agent)
    )
    try:
        await asyncio.wait_for(started.wait(), WAIT_S)
        await agents[0].until(lambda: agents[0].state is State.EMPTY, WAIT_S)
        yield agents[0]
    finally:
        stop.set()
        await asyncio.wait_for(running, WAIT_S)


def numbers(panel: Panel) -> list[str]:
    """The ticket numbers in the desk's queue, as the panel lists them."""
    return [row["number"] for row in cast(list[dict[str, str]], panel["queue"])]


def test_a_card_at_desk_01_shows_on_desk_01s_panel_only_and_is_forgotten(
    hall: HubThread,
    open_panel: Callable[..., Panel],
    pcscd: Pcscd,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    served = hall.served
    application = hall.run(lambda: accepted(served, snils=SNILS))
    hall.call(served.queue.CloseDesk, queue_pb2.DeskRequest(request_id="c", desk_id="desk-01"))
    booking = hall.call(
        appointments_pb2_grpc.AppointmentsStub(served.channel).Book,
        appointments_pb2.BookRequest(
            service_id="passport", slot_start_unix_ms=AT_10_20, channel=ONLINE, snils=SNILS
        ),
    ).booking
    hall.clock.advance(10)  # 10:10: the booking's check-in has opened

    mine = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(mine, "ivanova-a", "desk-01")
    other = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(other, "petrov-s", "desk-02")
    block = mine.view.card_visitor

    stack = contextlib.AsyncExitStack()
    hall.run(lambda: stack.enter_async_context(reader_at_desk(served, tmp_path / "r", "desk-01")))
    card = SimulatedCard(UecApplet(UecState()))
    try:
        mine.until(lambda: "settings taken desk=desk-01" in caplog.text)
        card.insert()
        mine.until(lambda: block.value("present"))
        assert block.value("name") == SAMPLE_HOLDER.full_name
        assert block.value("kind") == "УЭК, PIN-код проверен"
        assert block.value("bookings") == [
            {"code": booking.code, "text": "23.11.2026 10:20 · Паспорт гражданина РФ", "open": True}
        ]
        assert block.value("applications") == [
            f"№ {application.number} · Паспорт гражданина РФ · принято"
        ]
        name = mine.item("cardVisitorName")
        assert name is not None and name.property("text") == SAMPLE_HOLDER.full_name
        mine.shot("card-visitor")

        # Another desk's operator sees nothing of it.
        other.until(lambda: other["screen"] == "work")
        assert not other.view.card_visitor.value("present")
        assert other.item("cardVisitor") is None

        mine.click(f"cardCheckIn-{booking.code}")
        mine.until(lambda: block.value("note"))
        number = str(block.value("note")).rsplit(" ", 1)[-1]
        assert block.value("note") == f"Запись зарегистрирована: талон {number}"
        mine.until(lambda: number in numbers(mine))

        hall.clock.advance(15)  # the hub keeps a card 15 minutes after the read
        mine.until(lambda: not block.value("present"))
        assert mine.item("cardVisitor") is None
    finally:
        card.remove()
        wait_reader(False)
        hall.run(stack.aclose)
    assert SAMPLE_HOLDER.full_name not in caplog.text


def test_a_bank_card_shows_its_name_only_and_english_words_too() -> None:
    card = desk_cards_pb2.DeskCard(present=True, name="MARIA IVANOVA", profile="emv")
    shown = card_values(card, None, "en", 0, card_words("en"))
    assert shown == {
        "present": True,
        "name": "MARIA IVANOVA",
        "kind": "Bank card: a name only, no bookings or applications can be found by it",
        "bookings": [],
        "applications": [],
    }
    assert not card_values(None, None, "ru", 0, card_words("ru"))["present"]
