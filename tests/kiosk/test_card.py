"""Identify with card: the visitor of the card in the reader goes with the next ticket."""

from __future__ import annotations

import asyncio

from card_reader.agent import MemorySink
from card_reader.identity import Visitor
from kiosk.core import Screen, short_greeting
from kiosk.flow import KioskFlow
from kiosk.settings import KioskSettings
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import WAITS, CardSlot, Clock, Requests, Speaker, catalogue, scene

VISITOR = Visitor("uec", "Иванова Мария Петровна", "9f" * 32, pin_verified=True)


def make(sink: MemorySink | None, clock: Clock | None = None) -> tuple[KioskFlow, Requests]:
    requests = Requests()
    flow = KioskFlow(
        KioskSettings().updated({"printer": "ticket_printer-P-1"}),
        requests,
        Speaker(),
        clock=clock or Clock(),
        new_id=iter(f"request-{n}" for n in range(1, 1000)).__next__,
        identity=(lambda: sink.current) if sink is not None else None,
    )
    flow.set_catalogue(catalogue())
    flow.set_waits(WAITS, MONDAY_10_00)
    return flow, requests


def take_ticket(flow: KioskFlow) -> None:
    flow.lists.open_group("documents")
    flow.tap_service("passport")


def test_an_identified_visitor_s_ticket_carries_the_name_and_the_hash() -> None:
    sink = MemorySink()
    asyncio.run(sink.identified(VISITOR))
    flow, requests = make(sink)
    assert flow.can_identify
    assert flow.identify_with_card()
    take_ticket(flow)
    assert requests.sent[-1][0] == "ticket"
    assert requests.visitors == [VISITOR]


def test_without_a_card_or_a_reader_the_ticket_is_anonymous() -> None:
    sink = MemorySink()
    flow, requests = make(sink)
    assert not flow.identify_with_card()
    take_ticket(flow)
    assert requests.visitors == [None]
    bare, _ = make(None)
    assert not bare.can_identify
    assert not bare.identify_with_card()


def test_a_card_taken_out_withdraws_the_visitor_and_the_next_visitor_starts_anonymous() -> None:
    sink = MemorySink()
    asyncio.run(sink.identified(VISITOR))
    flow, requests = make(sink)
    assert flow.identify_with_card()
    asyncio.run(sink.withdrawn())
    take_ticket(flow)
    assert requests.visitors == [None]


def test_left_alone_the_kiosk_forgets_the_identified_visitor() -> None:
    sink, clock = MemorySink(), Clock()
    asyncio.run(sink.identified(VISITOR))
    flow, requests = make(sink, clock)
    assert flow.identify_with_card()
    flow.lists.open_group("documents")
    clock.advance(flow.settings.idle_s + 1)
    flow.tick()
    assert flow.screen is Screen.HOME
    assert flow.identified is None
    take_ticket(flow)
    assert requests.visitors == [None]


def test_the_greeting_shows_the_given_name_and_an_initial_only() -> None:
    assert short_greeting("Иванова Мария Петровна") == "Мария И."
    assert short_greeting("IVANOV/IVAN") == "Ivan I."
    assert short_greeting("Иванов") == "И."
    assert short_greeting("") == ""


def test_the_home_screen_offers_the_card_greets_the_visitor_and_says_so() -> None:
    card = CardSlot()
    s = scene(card, voice="on")
    assert s.view.value("canIdentify")
    assert s.view.value("greeting") == ""
    s.view.identifyWithCard()
    assert s.view.value("cardHint") == "Вставьте карту в считыватель и нажмите ещё раз"
    assert "Вставьте карту" in s.speaker.texts[-1]
    card.current = VISITOR
    s.view.identifyWithCard()
    assert s.view.value("cardHint") == ""
    assert s.view.value("greeting") == "Здравствуйте, Мария И."
    assert s.speaker.texts[-1].startswith("Здравствуйте, Мария И.")
    shown = " ".join(str(v) for v in s.view._values.values())
    assert "Иванова" not in shown and "Петровна" not in shown and "9f9f" not in shown
    s.view.toggleLanguage()
    assert s.view.value("greeting") == "Hello, Мария И."
    s.view.openGroup("documents")
    s.view.tapService("passport")
    s.view.tapService("passport")
    assert s.requests.visitors == [VISITOR]


def test_the_greeting_goes_with_the_card_and_a_kiosk_without_a_reader_offers_nothing() -> None:
    card = CardSlot(VISITOR)
    s = scene(card)
    s.view.identifyWithCard()
    assert s.view.value("greeting")
    card.current = None
    s.view.refresh()
    assert s.view.value("greeting") == ""
    assert not scene().view.value("canIdentify")
