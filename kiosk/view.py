"""The kiosk's view-model: the flow's state as QML shows it, and QML's taps back to the flow.

QML only lays out and colours what this object says (texts in the visitor's language,
rows of the list on screen, which screen); every decision is the flow's. Properties
change in groups with their own signal, so the clock's tick re-evaluates only the clock.
All methods run in the GUI thread; the hub's thread reaches them through ``bridge.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import cast

from PySide6.QtCore import Property, QObject, Signal, Slot

from hall_display.view import RowsModel
from kiosk import screens_view, steps_view
from kiosk.booking import Booked, SlotList
from kiosk.catalogue import Catalogue, Wait
from kiosk.catalogue_actions import CatalogueActions
from kiosk.flow import KioskFlow
from kiosk.keys import from_keyboard
from kiosk.keys_guide import HEADPHONES, NO_KEYS, KeysGuide
from kiosk.lookup import Found
from kiosk.navigation import Key
from kiosk.payment import Paid
from kiosk.settings import KioskSettings
from kiosk.shown import DEFAULT_DPI, shown
from kiosk.states import Printer, PrintState
from kiosk.ticket import Issued
from okno.qt import emit

GROUP_ROLES = ("key", "title", "subtitle")
SERVICE_ROLES = ("key", "title", "wait", "ahead", "chosen", "hasInfo")
CHOICE_ROLES = ("key", "title", "subtitle", "active")
_GROUPS = {
    "texts": (
        "language",
        "labels",
        "large",
        "voice",
        "scale",
        "minTarget",
        "keyboardRows",
        "codeKeys",
        "pinKeys",
    ),
    "screen": (
        "screen",
        "busy",
        "title",
        "heading",
        "banner",
        "bannerAlarm",
        "pageText",
        "hasPrevious",
        "hasNext",
        "query",
        "searchNone",
        "canIdentify",
        "greeting",
        "cardHint",
        "noticeTitle",
        "noticeText",
        "codeSlots",
        "codeError",
        "codeReady",
        "pinDots",
        "pinTitle",
        "pinMessage",
        "pairingCode",
        "pairingAuthority",
        "serviceInfo",
        "cardCheckIn",
        "lookup",
        "info",
        "claim",
        "focusText",
        "voiceLine",
        *screens_view.TICKET_KEYS,
        *steps_view.BOOKING_KEYS,
        *steps_view.PAYMENT_KEYS,
    ),
    "clock": ("clock",),
}


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


class KioskView(QObject):
    textsChanged = Signal()  # noqa: N815 (QML's names)
    screenChanged = Signal()  # noqa: N815
    clockChanged = Signal()  # noqa: N815
    # The technician closed the program.
    quitRequested = Signal()  # noqa: N815

    def __init__(
        self, flow: KioskFlow, *, keys: KeysGuide | None = None, parent: QObject | None = None
    ) -> None:
        """``keys``: the keypad's guide (none: a kiosk used by touch alone)."""
        super().__init__(parent)
        self.flow = flow
        self.keys = keys
        self.groups = RowsModel(GROUP_ROLES, self)
        self.services = RowsModel(SERVICE_ROLES, self)
        self.choices = RowsModel(CHOICE_ROLES, self)
        # The service page's taps and the hub's answers to them (view.guide in QML).
        self.guide = CatalogueActions(flow, self._tap, self._do, self)
        self._screen_dpi = DEFAULT_DPI
        self._qr_serial = 0
        self._qr_text = ""
        self._values: dict[str, object] = {}
        self.refresh()

    # -- from the hub (through the bridge) ------------------------------------------------

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self._do(lambda: self.flow.set_catalogue(catalogue))

    def set_waits(self, waits: dict[str, Wait], hub_ms: int) -> None:
        self._do(lambda: self.flow.set_waits(waits, hub_ms))

    def set_link(self, up: bool) -> None:
        self._do(lambda: self.flow.set_link(up))

    def issued(self, result: Issued) -> None:
        self._do(lambda: self.flow.issued(result))

    def refused(self, request_id: str, reason: str, detail: dict[str, str]) -> None:
        self._do(lambda: self.flow.refused(request_id, reason, detail))

    def unreachable(self, request_id: str) -> None:
        self._do(lambda: self.flow.unreachable(request_id))

    def print_update(self, job_id: int, state: PrintState, error: str) -> None:
        self._do(lambda: self.flow.print_update(job_id, state, error))

    def set_printer(self, health: Printer, error: str) -> None:
        self._do(lambda: self.flow.set_printer(health, error))

    def terminal_state(self, ready: bool) -> None:
        self._do(lambda: self.flow.set_terminal(ready))

    def apply_settings(self, settings: KioskSettings) -> None:
        self._do(lambda: self.flow.apply_settings(settings))

    def show_pairing(self, code: str) -> None:
        self._do(lambda: self.flow.show_pairing(code))

    def show_authority(self, fingerprint: str) -> None:
        self._do(lambda: self.flow.show_authority(fingerprint))

    def slots_listed(self, request_id: str, listing: SlotList) -> None:
        self._do(lambda: self.flow.booking.slots_listed(request_id, listing))

    def booked(self, result: Booked) -> None:
        self._do(lambda: self.flow.booking.booked(result))

    def payment_prompt(self, request_id: str, text: str) -> None:
        self._do(lambda: self.flow.paying.prompt_shown(request_id, text))

    def paid(self, request_id: str, result: Paid, receipt: tuple[int, PrintState, str]) -> None:
        self._do(lambda: self.flow.paying.paid(request_id, result, receipt))

    def card_pin_asked(self, tries_left: int, last_wrong: bool) -> None:
        self._do(lambda: self.flow.card.pin_asked(tries_left, last_wrong))

    def card_pin_closed(self) -> None:
        self._do(self.flow.card.pin_closed)

    def applications_found(self, request_id: str, found: tuple[Found, ...]) -> None:
        self._do(lambda: self.flow.applications.answered(request_id, found))

    def set_screen_dpi(self, dpi: float) -> None:
        """The screen's own idea of its DPI; the ``dpi`` setting wins when set."""
        self._screen_dpi = dpi if dpi > 0 else DEFAULT_DPI
        self.refresh()

    def tick(self) -> None:
        self._do(self.flow.tick)

    # -- from QML ---------------------------------------------------------------------------

    @Slot(str)
    def openGroup(self, group_id: str) -> None:  # noqa: N802 (QML's names)
        self._tap(lambda: self.flow.lists.open_group(group_id))

    @Slot()
    def openSearch(self) -> None:  # noqa: N802
        self._tap(self.flow.lists.open_search)

    @Slot(str)
    def typeKey(self, key: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.lists.type_key(key))

    @Slot()
    def switchKeyboard(self) -> None:  # noqa: N802
        self._tap(self.flow.lists.switch_keyboard)

    @Slot()
    def erase(self) -> None:
        self._tap(self.flow.erase)

    @Slot(str)
    def tapService(self, service_id: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.tap_service(service_id))

    @Slot()
    def openCheckIn(self) -> None:  # noqa: N802
        self._tap(self.flow.checkin.open)

    @Slot()
    def identifyWithCard(self) -> None:  # noqa: N802
        self._tap(self.flow.identify_with_card)

    @Slot()
    def checkInByCard(self) -> None:  # noqa: N802
        self._tap(self.flow.card.check_in)

    @Slot()
    def openBooking(self) -> None:  # noqa: N802
        self._tap(self.flow.booking.open)

    @Slot(str)
    def choose(self, key: str) -> None:
        """A row of the booking screen: a service, a day or a time, by the step shown."""
        flow = self.flow
        step = flow.draft.step.value if flow.draft is not None else ""
        if step == "service":
            self._tap(lambda: flow.booking.choose_service(key))
        elif step == "day":
            self._tap(lambda: flow.booking.choose_day(key))
        elif step == "slot" and key.isdigit():
            self._tap(lambda: flow.booking.choose_slot(int(key)))

    @Slot(str)
    def phoneKey(self, digit: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.booking.phone_key(digit))

    @Slot(bool)
    def phoneDone(self, skip: bool) -> None:  # noqa: N802
        self._tap(lambda: self.flow.booking.phone_done(skip))

    @Slot()
    def confirmBooking(self) -> None:  # noqa: N802
        self._tap(self.flow.booking.confirm)

    @Slot()
    def payNow(self) -> None:  # noqa: N802
        self._tap(self.flow.paying.pay_now)

    @Slot()
    def takeTicket(self) -> None:  # noqa: N802
        self._tap(self.flow.paying.take_ticket)

    @Slot()
    def claimList(self) -> None:  # noqa: N802
        self._tap(self.flow.claims.open_list)

    @Slot(str)
    def claimTake(self, category_id: str) -> None:  # noqa: N802
        """The ticket from the priority step: regular (""), or of the category tapped."""
        self._tap(lambda: self.flow.claims.take(category_id))

    @Slot()
    def openStatus(self) -> None:  # noqa: N802
        self._tap(self.flow.applications.open)

    @Slot(str)
    def statusKey(self, digit: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.applications.key(digit))

    @Slot()
    def statusSubmit(self) -> None:  # noqa: N802
        self._tap(self.flow.applications.submit)

    @Slot()
    def statusByCard(self) -> None:  # noqa: N802
        self._tap(self.flow.applications.by_card)

    @Slot()
    def collect(self) -> None:
        self._tap(self.flow.collect)

    @Slot(str)
    def codeKey(self, key: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.checkin.key(key))

    @Slot()
    def submitCode(self) -> None:  # noqa: N802
        self._tap(self.flow.checkin.submit)

    @Slot()
    def nextPage(self) -> None:  # noqa: N802
        self._tap(self.flow.lists.next_page)

    @Slot()
    def previousPage(self) -> None:  # noqa: N802
        self._tap(self.flow.lists.previous_page)

    @Slot()
    def back(self) -> None:
        self._tap(self.flow.back)

    @Slot()
    def home(self) -> None:
        self._tap(self.flow.home)

    @Slot()
    def toggleLanguage(self) -> None:  # noqa: N802
        self._tap(self.flow.toggle_language)

    @Slot()
    def toggleLarge(self) -> None:  # noqa: N802
        self._tap(self.flow.toggle_large)

    @Slot()
    def toggleVoice(self) -> None:  # noqa: N802
        self._tap(self.flow.toggle_voice)

    @Slot()
    def corner(self) -> None:
        self._tap(self.flow.technician.corner)

    @Slot(str)
    def pinKey(self, digit: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.pin_key(digit))

    @Slot()
    def submitPin(self) -> None:  # noqa: N802
        self._tap(self.flow.submit_pin)

    @Slot()
    def resume(self) -> None:
        self._tap(self.flow.resume)

    @Slot()
    def exitApp(self) -> None:  # noqa: N802
        self._tap(self.flow.technician.exit_app)

    @Slot(str)
    def typed(self, text: str) -> None:
        """Text from a physical keyboard or a code scanner ("\r" Return, "\b" Backspace)."""
        self._tap(lambda: self.flow.typed(text))

    @Slot(str)
    def press(self, key: str) -> None:
        """A key of the tactile keypad (``navigation.Key``), or its headphones' jack."""
        keys = self.keys
        if keys is None:
            return
        if key == HEADPHONES:
            self._do(keys.headphones)
        else:
            self._do(lambda: keys.press(Key(key)))

    @Slot(int, int, str, result=bool)
    def keyPressed(self, key: int, modifiers: int, text: str) -> bool:  # noqa: N802
        """A keyboard's key (a USB keypad): True when it was the keypad's (kiosk.keys)."""
        keys = self.keys
        if keys is None:
            return False
        pressed = from_keyboard(key, modifiers, guided=keys.active)
        if pressed is not None:
            self._do(lambda: keys.press(pressed))
            return True
        if len(text) == 1 and text.isalnum() and keys.active:
            with self._gathered():
                done = keys.typed(text)
                self.refresh()
            return done
        return False

    @Slot()
    def touched(self) -> None:
        """Any touch anywhere (QML's top-level area): the visitor is still here."""
        self.flow.touch()

    # -- what QML reads ---------------------------------------------------------------------

    def value(self, key: str) -> object:
        """What QML reads as ``view.<key>``: for tests and screenshots."""
        return self._values[key]

    def qr_text(self, key: str) -> str | None:
        """The text of the QR code ``image://kiosk/qr/<key>`` (None: not the current one)."""
        return self._qr_text if key == str(self._qr_serial) else None

    def _tap(self, action: Callable[[], object]) -> None:
        self.flow.touch()
        self._do(action)

    def _do(self, action: Callable[[], object]) -> None:
        with self._gathered():
            action()
            self.refresh()
        if self.flow.technician.quit_requested:
            self.flow.technician.quit_requested = False
            emit(self.quitRequested)

    def _gathered(self) -> AbstractContextManager[None]:
        """What the flow says during an action, said with the screen's announcement."""
        return self.keys.gathered() if self.keys is not None else nullcontext()

    def refresh(self) -> None:
        """Recompute everything shown from the flow; signal the groups that changed."""
        now = shown(self.flow, self._screen_dpi)
        focus = self.keys.settle(now) if self.keys is not None else NO_KEYS
        self.groups.set_rows(now.groups)
        self.services.set_rows(now.services)
        self.choices.set_rows(now.choices)
        values = {**now.values, **focus}
        if now.qr is not None:
            self._set_qr(now.qr)
            values = {**values, "qrSource": f"image://kiosk/qr/{self._qr_serial}"}
        previous, self._values = self._values, values
        for group, keys in _GROUPS.items():
            if any(values[k] != previous.get(k) for k in keys):
                emit(getattr(self, f"{group}Changed"))

    def _set_qr(self, text: str) -> None:
        if text != self._qr_text:
            self._qr_text = text
            self._qr_serial += 1

    language = _value(str, "language", textsChanged)
    labels = _value("QVariantMap", "labels", textsChanged)
    large = _value(bool, "large", textsChanged)
    voice = _value(bool, "voice", textsChanged)
    scale = _value(float, "scale", textsChanged)
    minTarget = _value(float, "minTarget", textsChanged)  # noqa: N815 (QML's names)
    keyboardRows = _value("QVariantList", "keyboardRows", textsChanged)  # noqa: N815
    codeKeys = _value("QVariantList", "codeKeys", textsChanged)  # noqa: N815
    pinKeys = _value("QVariantList", "pinKeys", textsChanged)  # noqa: N815
    screen = _value(str, "screen", screenChanged)
    busy = _value(bool, "busy", screenChanged)
    title = _value(str, "title", screenChanged)
    heading = _value(str, "heading", screenChanged)
    banner = _value(str, "banner", screenChanged)
    bannerAlarm = _value(bool, "bannerAlarm", screenChanged)  # noqa: N815
    pageText = _value(str, "pageText", screenChanged)  # noqa: N815
    hasPrevious = _value(bool, "hasPrevious", screenChanged)  # noqa: N815
    hasNext = _value(bool, "hasNext", screenChanged)  # noqa: N815
    query = _value(str, "query", screenChanged)
    searchNone = _value(bool, "searchNone", screenChanged)  # noqa: N815
    canIdentify = _value(bool, "canIdentify", screenChanged)  # noqa: N815
    greeting = _value(str, "greeting", screenChanged)
    cardHint = _value(str, "cardHint", screenChanged)  # noqa: N815
    noticeTitle = _value(str, "noticeTitle", screenChanged)  # noqa: N815
    noticeText = _value(str, "noticeText", screenChanged)  # noqa: N815
    codeSlots = _value("QVariantList", "codeSlots", screenChanged)  # noqa: N815
    codeError = _value(str, "codeError", screenChanged)  # noqa: N815
    codeReady = _value(bool, "codeReady", screenChanged)  # noqa: N815
    pinDots = _value(str, "pinDots", screenChanged)  # noqa: N815
    pinMessage = _value(str, "pinMessage", screenChanged)  # noqa: N815
    pinTitle = _value(str, "pinTitle", screenChanged)  # noqa: N815
    pairingCode = _value(str, "pairingCode", screenChanged)  # noqa: N815
    pairingAuthority = _value(str, "pairingAuthority", screenChanged)  # noqa: N815
    serviceInfo = _value(str, "serviceInfo", screenChanged)  # noqa: N815
    ticketTitle = _value(str, "ticketTitle", screenChanged)  # noqa: N815
    ticketNumber = _value(str, "ticketNumber", screenChanged)  # noqa: N815
    ticketService = _value(str, "ticketService", screenChanged)  # noqa: N815
    ticketAhead = _value(str, "ticketAhead", screenChanged)  # noqa: N815
    ticketWait = _value(str, "ticketWait", screenChanged)  # noqa: N815
    ticketPrint = _value(str, "ticketPrint", screenChanged)  # noqa: N815
    ticketPrintLevel = _value(str, "ticketPrintLevel", screenChanged)  # noqa: N815
    ticketAppointment = _value(str, "ticketAppointment", screenChanged)  # noqa: N815
    qrSource = _value(str, "qrSource", screenChanged)  # noqa: N815
    clock = _value(str, "clock", clockChanged)
    cardCheckIn = _value(bool, "cardCheckIn", screenChanged)  # noqa: N815
    bookStep = _value(str, "bookStep", screenChanged)  # noqa: N815
    bookTitle = _value(str, "bookTitle", screenChanged)  # noqa: N815
    bookNote = _value(str, "bookNote", screenChanged)  # noqa: N815
    phoneText = _value(str, "phoneText", screenChanged)  # noqa: N815
    bookedCode = _value(str, "bookedCode", screenChanged)  # noqa: N815
    bookedWhen = _value(str, "bookedWhen", screenChanged)  # noqa: N815
    bookedService = _value(str, "bookedService", screenChanged)  # noqa: N815
    bookedPrint = _value(str, "bookedPrint", screenChanged)  # noqa: N815
    bookedPrintLevel = _value(str, "bookedPrintLevel", screenChanged)  # noqa: N815
    payStep = _value(str, "payStep", screenChanged)  # noqa: N815
    payService = _value(str, "payService", screenChanged)  # noqa: N815
    payAmount = _value(str, "payAmount", screenChanged)  # noqa: N815
    payPurpose = _value(str, "payPurpose", screenChanged)  # noqa: N815
    payPrompt = _value(str, "payPrompt", screenChanged)  # noqa: N815
    payOutcome = _value(str, "payOutcome", screenChanged)  # noqa: N815
    payNext = _value(str, "payNext", screenChanged)  # noqa: N815
    payLevel = _value(str, "payLevel", screenChanged)  # noqa: N815
    payReceipt = _value(str, "payReceipt", screenChanged)  # noqa: N815
    phoneReady = _value(bool, "phoneReady", screenChanged)  # noqa: N815
    payRetry = _value(bool, "payRetry", screenChanged)  # noqa: N815
    payCard = _value(bool, "payCard", screenChanged)  # noqa: N815
    payWhere = _value(str, "payWhere", screenChanged)  # noqa: N815
    bookPrivacy = _value(str, "bookPrivacy", screenChanged)  # noqa: N815
    summary = _value("QVariantList", "summary", screenChanged)
    lookup = _value("QVariantMap", "lookup", screenChanged)
    info = _value("QVariantMap", "info", screenChanged)
    claim = _value("QVariantMap", "claim", screenChanged)
    focusText = _value(str, "focusText", screenChanged)  # noqa: N815
    voiceLine = _value(str, "voiceLine", screenChanged)  # noqa: N815
    choicesModel = Property(QObject, lambda self: self.choices, constant=True)  # noqa: N815
    groupsModel = Property(QObject, lambda self: self.groups, constant=True)  # noqa: N815
    servicesModel = Property(QObject, lambda self: self.services, constant=True)  # noqa: N815
    guideActions = Property(QObject, lambda self: self.guide, constant=True)  # noqa: N815
