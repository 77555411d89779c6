"""The view-model of "Оформить заявление": the offer after a visit, the form, the result.

When a visit ends for a service that produces documents, the panel offers to record the
visitor's application; the form sends it (``Applications.Accept``, with one request id
per application, so a retry after a lost answer records nothing twice), shows the number
and prints the receipt on the desk's printer (``Printing.PrintSlip``). A visitor may
apply for more than one thing: each is one more application. Actions run through the
panel's one-at-a-time runner, so the panel's busy state, banner and session rules hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, cast

from PySide6.QtCore import Property, QObject, Signal, Slot

from okno.privacy import application_consent
from okno.qt import emit
from protos.okno.v1 import applications_pb2, common_pb2
from staff_desk.panel import applying, receipt
from staff_desk.panel.applying import Draft, Visitor
from staff_desk.panel.client import StaffClient
from staff_desk.panel.model import Hall
from staff_desk.panel.worker import Result

STAGES = ("form", "done")


class Act(Protocol):
    """The panel's runner: one action on the hub at a time, errors shown in its banner."""

    def __call__(
        self,
        work: Callable[[StaffClient], Any],
        then: Callable[[Result[Any]], None] | None = None,
    ) -> None: ...


def _request_id() -> str:
    return uuid.uuid4().hex


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


class ApplicationDesk(QObject):
    """What QML shows of applications at the desk, and the slots its buttons call."""

    changed = Signal()

    def __init__(
        self, act: Act, words: dict[str, str], language: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._act = act
        self._words = words
        self._language = language
        self._hall: Hall | None = None
        self._desk_id = ""
        self._visitor: Visitor | None = None
        self._open = False
        self._stage = "form"
        self._draft = Draft("")
        self._request_id = ""
        self._recorded: list[tuple[applications_pb2.Application, receipt.Kept]] = []
        self._print_text = ""
        self._print_kind = ""
        self._values: dict[str, object] = {}
        self._render()

    # -- the offer ----------------------------------------------------------------------

    def offer(self, hall: Hall, desk_id: str, ticket: common_pb2.Ticket) -> None:
        """A visit just ended at ``desk_id``: offer its application, if its service has one."""
        self._hall, self._desk_id = hall, desk_id
        self._visitor = applying.visitor(hall, ticket)
        self._recorded = []
        self._open = False
        self._render()

    def withdraw(self) -> None:
        """The next visitor is called (or the desk closed): the offer ends."""
        self._visitor = None
        self._recorded = []
        self._open = False
        self._render()

    # -- the form -----------------------------------------------------------------------

    @Slot()
    def begin(self) -> None:
        """Open an empty form for the visitor, their ticket's service chosen."""
        if self._visitor is not None:
            self._form(Draft(self._visitor.service_id))

    @Slot()
    def another(self) -> None:
        """One more application for the same visitor: their consent and contacts kept, the
        ticket's service chosen again."""
        if self._visitor is not None:
            self._form(replace(self._draft, service_id=self._visitor.service_id))

    def _form(self, draft: Draft) -> None:
        self._draft = draft
        self._request_id = _request_id()
        self._stage = "form"
        self._print_text = self._print_kind = ""
        self._open = True
        self._render()

    @Slot(str)
    def chooseService(self, service_id: str) -> None:  # noqa: N802 (QML's name)
        self._draft = replace(self._draft, service_id=service_id)
        self._render()

    @Slot(str, str)
    def setText(self, key: str, value: str) -> None:  # noqa: N802
        self._draft = self._draft.with_text(key, value)
        self._render()

    @Slot(str, bool)
    def setFlag(self, key: str, on: bool) -> None:  # noqa: N802
        self._draft = self._draft.with_flag(key, on)
        self._render()

    @Slot()
    def submit(self) -> None:
        """Record the application; the same request id until it is recorded."""
        visitor, draft, request_id = self._visitor, self._draft, self._request_id
        if visitor is None or not self._open or self._stage != "form":
            return
        asked = applying.request(visitor, draft, request_id)

        def recorded(result: Result[applications_pb2.Application]) -> None:
            if result.value is None:
                return
            kept = receipt.Kept(
                phone=draft.consent and bool(draft.phone.strip()),
                card=draft.consent and bool(draft.snils.strip()),
            )
            self._recorded.append((result.value, kept))
            self._stage = "done"
            self._request_id = ""
            self._render()
            self._print()

        self._act(lambda c: c.accept(asked), recorded)

    @Slot()
    def printAgain(self) -> None:  # noqa: N802
        self._print()

    @Slot()
    def close(self) -> None:
        self._open = False
        self._render()

    # -- the receipt --------------------------------------------------------------------

    def _print(self) -> None:
        hall = self._hall
        if hall is None or self._visitor is None or not self._recorded:
            return
        printer = hall.printer(self._desk_id)
        if not printer:
            self._said(self._words["no_printer"], "error")
            return
        app, kept = self._recorded[-1]
        lines = receipt.lines(app, hall, self._visitor.number, kept)

        def printed(result: Result[common_pb2.PrintJob]) -> None:
            if result.value is not None:
                self._said(self._words["receipt_queued"].format(printer=printer), "info")
            else:
                self._said(self._words["receipt_failed"], "error")

        self._act(lambda c: c.print_slip(printer, receipt.TITLE, lines), printed)

    def _said(self, text: str, kind: str) -> None:
        self._print_text, self._print_kind = text, kind
        self._render()

    # -- what is shown ------------------------------------------------------------------

    def value(self, key: str) -> object:
        """What QML reads as ``view.application.<key>``: for tests."""
        return self._values[key]

    def _render(self) -> None:
        values = self._compute()
        if values != self._values:
            self._values = values
            emit(self.changed)

    def _compute(self) -> dict[str, object]:
        w, hall, visitor = self._words, self._hall, self._visitor
        service = (
            hall.service_name(visitor.service_id, self._language)
            if hall is not None and visitor is not None
            else ""
        )
        last = self._recorded[-1][0] if self._recorded else None
        return {
            "offered": visitor is not None,
            "offerText": (
                w["visit_done"].format(ticket=visitor.number, service=service)
                if visitor is not None
                else ""
            ),
            "recordedText": (
                w["applications_recorded"].format(
                    numbers=", ".join(app.number for app, _ in self._recorded)
                )
                if self._recorded
                else ""
            ),
            "open": self._open and visitor is not None,
            "stage": self._stage,
            "title": w["application_title"].format(ticket=visitor.number if visitor else ""),
            "services": (
                applying.document_services(hall, w, self._language) if hall is not None else []
            ),
            "draft": self._draft.as_row(),
            "consentText": (
                application_consent(self._language, hall.keep_contacts_days, hall.longest_keep_days)
                if hall is not None
                else ""
            ),
            "result": (
                applying.recorded_row(last, hall, w, self._language)
                if last is not None and hall is not None
                else {}
            ),
            "printText": self._print_text,
            "printKind": self._print_kind,
        }

    offered = _value(bool, "offered", changed)
    offerText = _value(str, "offerText", changed)  # noqa: N815 (QML's names)
    recordedText = _value(str, "recordedText", changed)  # noqa: N815
    open = _value(bool, "open", changed)
    stage = _value(str, "stage", changed)
    title = _value(str, "title", changed)
    services = _value("QVariantList", "services", changed)
    draft = _value("QVariantMap", "draft", changed)
    consentText = _value(str, "consentText", changed)  # noqa: N815
    result = _value("QVariantMap", "result", changed)
    printText = _value(str, "printText", changed)  # noqa: N815
    printKind = _value(str, "printKind", changed)  # noqa: N815
