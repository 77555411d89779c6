"""The view-model of "Посетитель по карте": who the desk's card reader read, for its operator.

The hub keeps the visitor of each desk's reader (hub/desk_cards.py) and answers only the
operator working that desk; the panel asks along with each refresh of the queue, so the
block appears within one refresh of the card going in and is gone within one of it going
out (or the next call). Bookings whose check-in window is open get a button that checks
them in by code, through the panel's one-at-a-time runner like every other action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from PySide6.QtCore import Property, QObject, Signal, Slot

from okno.qt import emit
from protos.okno.v1 import appointments_pb2, desk_cards_pb2
from staff_desk.panel.application_view import Act
from staff_desk.panel.card_words import card_words
from staff_desk.panel.model import Hall
from staff_desk.panel.worker import Backend, Result


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


def card_values(
    card: desk_cards_pb2.DeskCard | None,
    hall: Hall | None,
    language: str,
    now_ms: int,
    words: dict[str, str],
) -> dict[str, object]:
    """What the block shows of ``card`` (None: no card at the desk). Pure."""
    if card is None or not card.present:
        return {"present": False, "name": "", "kind": "", "bookings": [], "applications": []}

    def service(service_id: str) -> str:
        return hall.service_name(service_id, language) if hall is not None else service_id

    if card.profile == "emv":
        kind = words["emv"]
    else:
        kind = words["uec_pin" if card.pin_verified else "uec_no_pin"]
    bookings = [
        {
            "code": b.code,
            "text": words["booking"].format(
                day=date.fromisoformat(b.day).strftime("%d.%m.%Y"),
                time=b.time,
                service=service(b.service_id),
            ),
            "open": b.check_in_from_unix_ms <= now_ms <= b.check_in_until_unix_ms,
        }
        for b in card.bookings
    ]
    applications = [
        words["application"].format(
            number=a.number,
            service=service(a.service_id),
            status=words.get(f"status_{a.status}", ""),
        )
        for a in card.applications
    ]
    return {
        "present": True,
        "name": card.name,
        "kind": kind,
        "bookings": bookings,
        "applications": applications,
    }


class CardVisitor(QObject):
    """What QML shows of the visitor by card at the desk, and the check-in button's slot."""

    changed = Signal()

    def __init__(
        self,
        backend: Backend,
        act: Act,
        language: str,
        clock: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._act = act
        self._language = language
        self._words = card_words(language)
        self._clock = clock
        self._hall: Hall | None = None
        self._desk_id = ""
        self._card: desk_cards_pb2.DeskCard | None = None
        self._asking = False
        self._note = ""
        self._values: dict[str, object] = {}
        self._render()

    def watch(self, desk_id: str, hall: Hall | None) -> None:
        """Ask the hub who is at ``desk_id`` by card ("" : no desk, so nobody)."""
        self._hall = hall
        if desk_id != self._desk_id:
            self._desk_id, self._card, self._note = desk_id, None, ""
            self._render()
        if not desk_id or self._asking:
            return
        self._asking = True
        self._backend.submit(lambda c: c.desk_card(desk_id), self._read)

    def _read(self, result: Result[desk_cards_pb2.DeskCard]) -> None:
        """A refusal or a lost hub shows nobody: the panel's own refresh tells the operator."""
        self._asking = False
        card = result.value
        self._card = card if card is not None and card.desk_id == self._desk_id else None
        if self._card is None or not self._card.present:
            self._note = ""
        self._render()

    @Slot(str)
    def checkIn(self, code: str) -> None:  # noqa: N802 (QML's name)
        def done(result: Result[Any]) -> None:
            response = cast(appointments_pb2.CheckInResponse | None, result.value)
            if response is not None:
                self._note = self._words["checked_in"].format(ticket=response.ticket.number)
                self._render()

        self._act(lambda c: c.check_in(code), done)

    def _render(self) -> None:
        values = card_values(self._card, self._hall, self._language, self._clock(), self._words)
        values |= {"note": self._note, "labels": self._words}
        if values != self._values:
            self._values = values
            emit(self.changed)

    def value(self, key: str) -> object:
        """What QML reads as ``view.cardVisitor.<key>``: for tests."""
        return self._values[key]

    present = _value(bool, "present", changed)
    name = _value(str, "name", changed)
    kind = _value(str, "kind", changed)
    bookings = _value("QVariantList", "bookings", changed)
    applications = _value("QVariantList", "applications", changed)
    note = _value(str, "note", changed)
    labels = _value("QVariantMap", "labels", changed)
