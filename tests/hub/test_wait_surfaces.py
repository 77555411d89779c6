"""For one ticket at one moment, every surface tells the same people ahead and minutes.

The kiosk before and after the tap, the printed ticket, the web ticket page and /status,
and the "your turn is near" SMS and e-mail all come from the hub's one estimate
(hub/domain/estimate.py); this drives each through its real path.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest
from google.protobuf import json_format

from hub.domain.engine import QueueEngine
from hub.domain.model import Outcome
from hub.notify.messages import Kind, render
from hub.notify.planner import Planner
from hub.web.app import create_app
from hub.web.site import Web
from hub.webserver import WebServer
from kiosk.catalogue import Wait
from kiosk.hub_client import KioskHub
from kiosk.ticket import Issued
from tests.hub.conftest import EXAMPLE, Served, SteppedClock, serve_hub
from tests.hub.test_printing import PRINTER, printer_online
from ticket_printer.agent import ticket_slip
from ticket_printer.layout import render_ticket
from ticket_printer.profile import PAPER_80

PASSPORT_RU = "Паспорт гражданина РФ"


@pytest.fixture
async def hall(tmp_path: Path) -> AsyncIterator[tuple[Served, str]]:
    async with serve_hub(EXAMPLE, tmp_path / "hub.db", SteppedClock()) as served:
        server = WebServer(create_app(Web(served.hub, None)), "127.0.0.1:0", grace_s=1)
        port = await server.start()
        try:
            yield served, f"http://127.0.0.1:{port}"
        finally:
            await server.stop()


async def _busy_passport_hall(served: Served) -> None:
    """Two passport desks each with a visitor; two regulars and a priority visitor wait."""
    hub = served.hub
    for desk in ("desk-01", "desk-03"):
        await hub.run(partial(_open, desk))
    for _ in range(4):
        await hub.run(lambda engine, now: engine.issue("passport", now))
    served.clock.advance(1)
    await hub.run(lambda engine, now: engine.issue("passport", now, priority="disabled"))
    for desk in ("desk-01", "desk-03"):
        served.clock.advance(2)
        await hub.run(partial(_call, desk))


def _open(desk_id: str, engine: QueueEngine, now_ms: int) -> Outcome:
    return engine.open_desk(desk_id, now_ms)


def _call(desk_id: str, engine: QueueEngine, now_ms: int) -> Outcome:
    return engine.call_next(desk_id, now_ms)


def _status_wait(html: str) -> str:
    row = re.search(rf"<td>{PASSPORT_RU}</td><td class=\"num\">\d+</td><td>([^<]*)</td>", html)
    assert row is not None, html
    return row[1]


@dataclass(frozen=True)
class Told:
    """What each surface told at one moment about one passport ticket."""

    before: Wait
    issued: Issued
    status: str
    page: str
    sms: str
    email: str
    printed: str


async def _tell_everywhere(served: Served, base: str, tmp_path: Path, request_id: str) -> Told:
    """Read the kiosk, /status, issue a ticket and read its page, SMS, e-mail and print."""
    kiosk = KioskHub(served.channel)
    web = httpx.AsyncClient(base_url=base, timeout=10)
    async with printer_online(served, tmp_path) as (printer, _), web:
        waits, _, _ = await kiosk.waits()
        status = _status_wait((await web.get("/status?lang=ru")).text)
        issued = await kiosk.issue(request_id, "passport", PRINTER)
        page = (await web.get(f"/t/{issued.ticket_id}?lang=ru")).text
        snapshot = await served.hub.snapshot()
        branch = served.hub.loaded.branch
        [near] = Planner(branch).turn_near(snapshot, {issued.ticket_id})
        sms = render(Kind.TURN_NEAR, near.params, branch=branch).body
        email = render(Kind.TURN_NEAR, near.params, branch=branch, lang="en").body
        [job] = printer.jobs
    printed = render_ticket(ticket_slip(json_format.MessageToJson(job)), PAPER_80).decode("cp866")
    return Told(waits["passport"], issued, status, page, sms, email, printed)


async def test_every_surface_tells_one_ticket_the_same_wait(
    hall: tuple[Served, str], tmp_path: Path
) -> None:
    served, base = hall
    await _busy_passport_hall(served)
    told = await _tell_everywhere(served, base, tmp_path, "wait-1")

    # Two regulars and the priority visitor are ahead; both desks are busy.
    ahead, minutes = 3, told.issued.wait_minutes
    assert told.issued.wait_known and minutes > 0
    assert (told.before.people, told.before.minutes, told.before.known) == (ahead, minutes, True)
    assert told.status == f"≈ {minutes} мин"
    assert told.issued.people_ahead == ahead
    assert f"Перед вами: {ahead}" in told.printed
    assert f"Ожидание: около {minutes} мин" in told.printed
    assert f"Перед вами: {ahead}" in told.page and f"Ожидание: около {minutes} мин" in told.page
    assert f"перед вами {ahead} чел., около {minutes} мин" in told.sms
    assert f"{ahead} people ahead of you, about {minutes} min" in told.email


async def test_with_no_desk_open_every_surface_says_the_wait_is_not_known(
    hall: tuple[Served, str], tmp_path: Path
) -> None:
    served, base = hall
    for _ in range(2):
        await served.hub.run(lambda engine, now: engine.issue("passport", now))
    told = await _tell_everywhere(served, base, tmp_path, "wait-2")

    assert (told.before.people, told.before.known) == (2, False)
    assert (told.issued.people_ahead, told.issued.wait_known) == (2, False)
    assert told.status == "уточняется"
    assert "Ожидание: уточняется" in told.printed and "~" not in told.printed
    assert "Перед вами: 2" in told.page and "Ожидание: уточняется" in told.page
    assert "перед вами 2 чел., ожидание уточняется" in told.sms
