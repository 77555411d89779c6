"""The view-model of a priority claimed at the kiosk, at the desk that called its ticket.

The called ticket shows its category and the document to ask for, with "Подтвердить
льготу" and "Снять льготу"; removing asks why (a reason picked, or typed). Both go to the
hub (QueueService.ConfirmPriority / RemovePriority), which logs who did it; the panel
keeps no copy of the reason. Actions run through the panel's one-at-a-time runner.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Property, QObject, Signal, Slot

from okno.qt import emit
from protos.okno.v1 import common_pb2
from staff_desk.panel.application_view import Act
from staff_desk.panel.claim_words import REASONS, WORDS
from staff_desk.panel.model import Hall
from staff_desk.panel.worker import Result

_REASON_MAX = 200


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


def claim_text(
    hall: Hall | None, ticket: common_pb2.Ticket | None, language: str
) -> dict[str, object]:
    """What the desk's card says of the visitor's priority (pure)."""
    words = WORDS[language]
    category = hall.priorities.get(ticket.priority) if hall and ticket and ticket.priority else None
    if ticket is None or category is None or not (ticket.priority_claimed or category.claimable):
        return {"has": False, "claimed": False, "text": "", "document": ""}
    name = category.name_en if language == "en" else category.name_ru
    document = category.document_en if language == "en" else category.document_ru
    claimed = ticket.priority_claimed
    return {
        "has": True,
        "claimed": claimed,
        "text": words["claimed" if claimed else "confirmed"].format(name=name),
        "document": words["document"].format(document=document) if claimed and document else "",
    }


class PriorityDesk(QObject):
    """The claim of the ticket at the desk: shown, confirmed or removed with a reason."""

    changed = Signal()

    def __init__(self, act: Act, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._act = act
        self._language = language
        self._words = WORDS[language]
        self._ticket: common_pb2.Ticket | None = None
        self._hall: Hall | None = None
        self._asking = False
        self._values: dict[str, object] = {}
        self._render()

    def show(self, hall: Hall | None, ticket: common_pb2.Ticket | None) -> None:
        """The ticket at the desk now (None: nobody); a new visitor closes the question."""
        if ticket is None or self._ticket is None or ticket.id != self._ticket.id:
            self._asking = False
        self._hall, self._ticket = hall, ticket
        self._render()

    @Slot()
    def confirm(self) -> None:
        ticket = self._ticket
        if ticket is None or not ticket.priority_claimed:
            return
        self._act(lambda c: c.confirm_priority(ticket.desk_id))

    @Slot()
    def ask(self) -> None:
        """ "Снять льготу": ask for the reason first."""
        if self._ticket is not None and self._ticket.priority_claimed:
            self._asking = True
            self._render()

    @Slot()
    def cancel(self) -> None:
        self._asking = False
        self._render()

    @Slot(str)
    def remove(self, reason: str) -> None:
        ticket = self._ticket
        reason = " ".join(reason.split())[:_REASON_MAX]
        if ticket is None or not ticket.priority_claimed or not reason:
            return

        def removed(result: Result[Any]) -> None:
            if result.error is None:
                self._asking = False
            self._render()

        self._act(lambda c: c.remove_priority(ticket.desk_id, reason), removed)

    def _render(self) -> None:
        shown = claim_text(self._hall, self._ticket, self._language)
        values: dict[str, object] = {
            **shown,
            "asking": self._asking and bool(shown["claimed"]),
            "title": self._words["remove_title"].format(
                number=self._ticket.number if self._ticket is not None else ""
            ),
            "reasons": list(REASONS[self._language]),
            "labels": self._words,
        }
        if values != self._values:
            self._values = values
            emit(self.changed)

    def value(self, key: str) -> object:
        """What QML reads as ``view.claims.<key>``: for tests."""
        return self._values[key]

    has = _value(bool, "has", changed)
    claimed = _value(bool, "claimed", changed)
    text = _value(str, "text", changed)
    document = _value(str, "document", changed)
    asking = _value(bool, "asking", changed)
    title = _value(str, "title", changed)
    reasons = _value("QVariantList", "reasons", changed)
    labels = _value("QVariantMap", "labels", changed)
