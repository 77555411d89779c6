"""From the kiosk's asyncio thread to the GUI thread: queued Qt signals, nothing shared.

The agent (hub session, queue polling, requests) runs on an asyncio loop in its own
thread; the view-model lives in the GUI thread. This bridge is the agent's listener:
each call only emits a signal, and Qt delivers it in the GUI thread (queued connection),
where the view-model hands it to the flow. So no lock is needed and the GUI thread never
waits on the network.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.booking import Booked, SlotList
from kiosk.catalogue import Catalogue, Wait
from kiosk.lookup import Found
from kiosk.payment import Paid
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState
from kiosk.ticket import Issued
from kiosk.view import KioskView
from okno.qt import emit

_QUEUED = Qt.ConnectionType.QueuedConnection


class KioskBridge(QObject):
    """A :class:`~kiosk.listener.KioskListener` safe to call from any thread."""

    catalogue = Signal(object)
    waits = Signal(object, object)
    link = Signal(bool)
    answer = Signal(object)
    refusal = Signal(str, str, object)
    silence = Signal(str)
    job = Signal(object, object, str)
    printer = Signal(object, str)
    terminal = Signal(bool)
    settings = Signal(object)
    pairing = Signal(str)
    authority = Signal(str)
    slots = Signal(str, object)
    booking = Signal(object)
    prompt = Signal(str, str)
    payment = Signal(str, object, object)
    card_pin = Signal(int, bool)
    card_pin_done = Signal()
    applications = Signal(str, object)
    checklist = Signal(str, object, object, str)
    sent_link = Signal(str, str)
    # A key of the tactile keypad, or its headphone jack (from gpiozero's thread).
    key = Signal(str)
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
        self.terminal.connect(view.terminal_state, _QUEUED)
        self.settings.connect(view.apply_settings, _QUEUED)
        self.pairing.connect(view.show_pairing, _QUEUED)
        self.authority.connect(view.show_authority, _QUEUED)
        self.slots.connect(view.slots_listed, _QUEUED)
        self.booking.connect(view.booked, _QUEUED)
        self.prompt.connect(view.payment_prompt, _QUEUED)
        self.payment.connect(view.paid, _QUEUED)
        self.card_pin.connect(view.card_pin_asked, _QUEUED)
        self.card_pin_done.connect(view.card_pin_closed, _QUEUED)
        self.applications.connect(view.applications_found, _QUEUED)
        self.checklist.connect(view.guide.checklist_printed, _QUEUED)
        self.sent_link.connect(view.guide.link_sent, _QUEUED)
        self.key.connect(view.press, _QUEUED)

    def key_pressed(self, key: str) -> None:
        emit(self.key, key)

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

    def terminal_state(self, ready: bool) -> None:
        emit(self.terminal, ready)

    def settings_changed(self, settings: KioskSettings) -> None:
        emit(self.settings, settings)

    def show_code(self, code: str) -> None:
        emit(self.pairing, code)

    def show_authority(self, fingerprint: str) -> None:
        emit(self.authority, fingerprint)

    def stopped(self, reason: str) -> None:
        emit(self.failed, reason)

    def slots_listed(self, request_id: str, listing: SlotList) -> None:
        emit(self.slots, request_id, listing)

    def booked(self, result: Booked) -> None:
        emit(self.booking, result)

    def payment_prompt(self, request_id: str, text: str) -> None:
        emit(self.prompt, request_id, text)

    def paid(self, request_id: str, result: Paid, receipt: tuple[int, PrintState, str]) -> None:
        emit(self.payment, request_id, result, receipt)

    def card_pin_asked(self, tries_left: int, last_wrong: bool) -> None:
        emit(self.card_pin, tries_left, last_wrong)

    def card_pin_closed(self) -> None:
        emit(self.card_pin_done)

    def applications_found(self, request_id: str, found: tuple[Found, ...]) -> None:
        emit(self.applications, request_id, found)

    def checklist_printed(
        self, request_id: str, job_id: int, state: PrintState, error: str
    ) -> None:
        emit(self.checklist, request_id, job_id, state, error)

    def link_sent(self, request_id: str, phone_hint: str) -> None:
        emit(self.sent_link, request_id, phone_hint)
