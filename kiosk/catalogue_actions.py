"""The service page's taps from QML and the hub's answers to them, for the view-model.

A child of :class:`~kiosk.view.KioskView` (``view.guideActions`` in QML), so the view
stays one object of the screens it always had: each slot here goes through the view's
own tap (the visitor still here) and refresh, like the view's slots.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot

from kiosk.flow import KioskFlow
from kiosk.states import PrintState

Action = Callable[[Callable[[], object]], None]


class CatalogueActions(QObject):
    def __init__(self, flow: KioskFlow, tap: Action, do: Action, parent: QObject) -> None:
        """``tap``: a visitor's action (the view's ``_tap``); ``do``: the hub's (``_do``)."""
        super().__init__(parent)
        self._steps = flow.info
        self._tap = tap
        self._do = do

    @Slot(str)
    def open(self, service_id: str) -> None:
        self._tap(lambda: self._steps.open(service_id))

    @Slot()
    def situations(self) -> None:
        self._tap(self._steps.open_situations)

    @Slot()
    def printChecklist(self) -> None:  # noqa: N802 (QML's names)
        self._tap(self._steps.print_checklist)

    @Slot()
    def askPhone(self) -> None:  # noqa: N802
        self._tap(self._steps.ask_phone)

    @Slot(str)
    def key(self, digit: str) -> None:
        self._tap(lambda: self._steps.key(digit))

    @Slot()
    def sendLink(self) -> None:  # noqa: N802
        self._tap(self._steps.send_link)

    def checklist_printed(
        self, request_id: str, job_id: int, state: PrintState, error: str
    ) -> None:
        self._do(lambda: self._steps.printed(request_id, job_id, state, error))

    def link_sent(self, request_id: str, phone_hint: str) -> None:
        self._do(lambda: self._steps.link_sent(request_id, phone_hint))
