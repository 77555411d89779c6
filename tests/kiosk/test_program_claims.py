"""``okno kiosk`` with a real hub and printer: a visitor claims a priority category after
the service; the hub's ticket carries it, claimed, and the paper says to show the document."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from kiosk.core import Screen
from protos.okno.v1 import queue_pb2
from tests.hub.conftest import Served
from tests.kiosk.test_program import WAIT_S, options, running, screen, until
from tests.ticket_printer.test_agent import PRINTER, admitted_printer


async def test_a_claimed_category_reaches_the_hub_the_screen_and_the_paper(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    chosen = await options(tmp_path, served, ("printer", PRINTER))
    async with (
        admitted_printer(served, tmp_path) as hall,
        running(qapp, chosen, fake_voice, wav_sink) as kiosk,
    ):
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openGroup("documents")
        view.tapService("passport")
        assert screen(kiosk) is Screen.CLAIM
        view.claimList()
        names = [c["name"] for c in view.value("claim")["categories"]]  # type: ignore[index]
        assert names == [
            "Инвалиды I и II групп и сопровождающие",
            "Ветераны Великой Отечественной войны и боевых действий",
            "Беременные женщины",
            "Родители с детьми до 3 лет",
        ]
        view.claimTake("small-children")
        await until(qapp, lambda: view.value("ticketPrint") == "Возьмите талон из принтера")
        line = view.value("claim")["ticketLine"]  # type: ignore[index]
        printed = await asyncio.to_thread(hall.sim.wait_for_tickets, 1, WAIT_S)

    assert line == "Льгота: Родители с детьми до 3 лет. Покажите документ у окна."
    paper = " ".join(printed[-1].text.split())  # wrapped at the paper's width
    assert "Льгота: Родители с детьми до 3 лет. Покажите документ у окна" in paper
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    [ticket] = state.tickets
    assert (ticket.priority, ticket.priority_claimed) == ("small-children", True)
