"""Identify with card: the visitor of the card in the reader goes with the next ticket."""

from __future__ import annotations

import asyncio

from card_reader.agent import MemorySink
from card_reader.identity import Visitor
from kiosk.flow import KioskFlow, Screen
from kiosk.settings import KioskSettings
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import WAITS, Clock, Requests, Speaker, catalogue

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
    flow.open_group("documents")
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
    flow.open_group("documents")
    clock.advance(flow.settings.idle_s + 1)
    flow.tick()
    assert flow.screen is Screen.HOME
    assert flow.identified is None
    take_ticket(flow)
    assert requests.visitors == [None]
