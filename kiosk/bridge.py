"""From the kiosk's asyncio thread to the GUI thread: queued Qt signals, nothing shared.

The agent (hub session, queue polling, requests) runs on an asyncio loop in its own
thread; the view-model lives in the GUI thread. This bridge is the agent's listener:
each call only emits a signal, and Qt delivers it in the GUI thread (queued connection),
where the view-model hands it to the flow. So no lock is needed and the GUI thread never
waits on the network.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.catalogue import Catalogue, Wait
from kiosk.flow import Issued, Printer, PrintState
from kiosk.settings import KioskSettings
from kiosk.view import KioskView
from okno.qt import emit

_QUEUED = Qt.ConnectionType.QueuedConnection


class KioskBridge(QObject):
    """A :class:`~kiosk.agent.KioskListener` safe to call from any thread."""

    catalogue = Signal(object)
    waits = Signal(object, object)
    link = Signal(bool)
    answer = Signal(object)
    refusal = Signal(str, str, object)
    silence = Signal(str)
    job = Signal(object, object, str)
    printer = Signal(object, str)
    settings = Signal(object)
    pairing = Signal(str)
    # The asyncio side ended with this reason: the program stops and reports it.
    failed = Signal(str)

    def attach(self, view: KioskView) -> None:
        self.catalogue.connect(view.set_catalogue, _QUEUED)
        self.waits.connect(view.set_waits, _QUEUED)
        self.link.connect(view.set_link, _QUEUED)
        self.answer.connect(view.issued, _QUEUED)
        self.refusal.connect(view.refused, _QUEUED)
        self.silence.connect(view.unreachable, _QUEUED)
        self.job.connect(view.print_update, _QUEUED)
        self.printer.connect(view.set_printer, _QUEUED)
        self.settings.connect(view.apply_settings, _QUEUED)
        self.pairing.connect(view.show_pairing, _QUEUED)

    def catalogue_loaded(self, catalogue: Catalogue) -> None:
        emit(self.catalogue, catalogue)

    def waits_read(self, waits: dict[str, Wait], hub_ms: int) -> None:
        emit(self.waits, waits, hub_ms)

    def link_changed(self, up: bool) -> None:
        emit(self.link, up)

    def issued(self, result: Issued) -> None:
        emit(self.answer, result)

    def refused(self, request_id: str, reason: str, detail: dict[str, str]) -> None:
        emit(self.refusal, request_id, reason, detail)

    def unreachable(self, request_id: str) -> None:
        emit(self.silence, request_id)

    def print_update(self, job_id: int, state: PrintState, error: str) -> None:
        emit(self.job, job_id, state, error)

    def printer_state(self, health: Printer, error: str) -> None:
        emit(self.printer, health, error)

    def settings_changed(self, settings: KioskSettings) -> None:
        emit(self.settings, settings)

    def show_code(self, code: str) -> None:
        emit(self.pairing, code)

    def stopped(self, reason: str) -> None:
        emit(self.failed, reason)
