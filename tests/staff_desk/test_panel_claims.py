"""The operator panel judges a priority claimed at the kiosk: against a real hub in its own
thread, offscreen; the screens saved to /tmp/shots/priority/ for review."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from hub.domain.model import Ticket
from tests.hub.conftest import SteppedClock
from tests.staff_desk.hub_thread import HubThread
from tests.staff_desk.test_panel import STAFF, Panel, open_panel, signed_in

SHOTS = Path("/tmp/shots/priority")
__all__ = ["open_panel"]  # the fixture, shared with test_panel.py
OPERATOR = STAFF[0]  # ivanova-a, desk-01's


def claim(hall: HubThread, category: str) -> Ticket:
    """A ticket whose priority the visitor claimed at a kiosk (the kiosk's path is
    tests/hub/test_priority_claims.py): the hub's own issue, as the kiosk's call runs it."""
    hub = hall.served.hub
    return hall.run(lambda: hub.tickets.issue("passport", priority=category, claimed=True)).ticket


def queue_numbers(panel: Panel) -> list[str]:
    return [str(r["number"]) for r in panel["queue"]]  # type: ignore[attr-defined]


def test_the_operator_removes_a_claim_then_confirms_another(
    config_file: Path, tmp_path: Path, qtbot: QtBot, open_panel: Callable[..., Panel]
) -> None:
    with HubThread(config_file, tmp_path / "hub.db", SteppedClock()) as hall:
        hall.run(lambda: hall.served.hub.staff.set_pin(OPERATOR, "275319", by="test"))
        first = hall.issue()
        hall.clock.advance(1)
        claimed = claim(hall, "pregnant")
        hall.clock.advance(1)
        later = hall.issue()
        panel = open_panel(hall.address, hall.ca_pem, hall.clock)
        signed_in(panel, OPERATOR, "desk-01")
        panel.until(lambda: len(queue_numbers(panel)) == 3)
        panel.view.callTicket(claimed.id)
        panel.until(lambda: panel.current("number") == claimed.number)
        claims = panel.view.claim
        panel.until(lambda: claims.value("claimed"))

        assert claims.value("text") == "Льгота (заявлена в терминале): Беременные женщины"
        assert claims.value("document") == (
            "Проверьте документ: справка из женской консультации или обменная карта"
        )
        panel.window.grab(SHOTS / "panel-claimed.png")
        panel.click("removePriority")
        panel.until(lambda: claims.value("asking"))
        panel.window.grab(SHOTS / "panel-remove.png")
        claims.remove("  Нет   документа ")
        panel.until(lambda: not panel.current("has") and len(queue_numbers(panel)) == 3)

        assert not claims.value("asking")
        # Back in the queue as a regular ticket, at its place by issue time.
        assert queue_numbers(panel) == [first, claimed.number, later]
        again = claim(hall, "disabled")
        panel.until(lambda: len(queue_numbers(panel)) == 4)
        panel.view.callTicket(again.id)
        panel.until(lambda: claims.value("claimed"))
        panel.click("confirmPriority")
        panel.until(lambda: claims.value("has") and not claims.value("claimed"))
        assert claims.value("text") == "Льгота подтверждена: Инвалиды I и II групп и сопровождающие"
        panel.window.grab(SHOTS / "panel-confirmed.png")
        with sqlite3.connect(tmp_path / "hub.db") as db:
            rows = db.execute(
                "SELECT kind, payload FROM events WHERE kind LIKE 'priority_%' ORDER BY seq"
            ).fetchall()
    judged = [(kind, json.loads(p)["detail"], json.loads(p)["entry"]["actor"]) for kind, p in rows]
    assert judged == [
        ("priority_removed", "Нет документа", f"staff:{OPERATOR}"),
        ("priority_confirmed", "", f"staff:{OPERATOR}"),
    ]
