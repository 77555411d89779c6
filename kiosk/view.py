"""The kiosk's view-model: the flow's state as QML shows it, and QML's taps back to the flow.

QML only lays out and colours what this object says (texts in the visitor's language,
rows of the list on screen, which screen); every decision is the flow's. Properties
change in groups with their own signal, so the clock's tick re-evaluates only the clock.
All methods run in the GUI thread; the hub's thread reaches them through ``bridge.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast
from urllib.parse import quote

from PySide6.QtCore import Property, QObject, Signal, Slot

from hall_display.view import RowsModel
from kiosk.catalogue import Catalogue, Wait
from kiosk.flow import Issued, KioskFlow, Printer, PrintState, Screen
from kiosk.settings import KioskSettings
from kiosk.texts import (
    CODE_KEYS,
    KEYBOARDS,
    PIN_KEYS,
    WORDS,
    minutes_text,
    people_text,
    printer_reason,
    refusal,
    services_text,
)
from okno.qt import emit

TARGET_MM = 15.0
MM_PER_INCH = 25.4
DEFAULT_DPI = 96.0
# A print still "on its way" after this long is probably waiting (for paper, a cable).
SLOW_PRINT_S = 8.0
LARGE_SCALE = 1.35
GROUP_ROLES = ("key", "title", "subtitle")
SERVICE_ROLES = ("key", "title", "wait", "ahead", "chosen")
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
        "pinMessage",
        "pairingCode",
        "serviceInfo",
        "ticketTitle",
        "ticketNumber",
        "ticketService",
        "ticketAhead",
        "ticketWait",
        "ticketPrint",
        "ticketPrintLevel",
        "ticketAppointment",
        "qrSource",
    ),
    "clock": ("clock",),
}


def min_target_px(dpi: float) -> float:
    """The side of a 15 mm touch target in pixels at ``dpi``."""
    return TARGET_MM / MM_PER_INCH * dpi


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


class KioskView(QObject):
    textsChanged = Signal()  # noqa: N815 (QML's names)
    screenChanged = Signal()  # noqa: N815
    clockChanged = Signal()  # noqa: N815
    # The technician closed the program.
    quitRequested = Signal()  # noqa: N815

    def __init__(self, flow: KioskFlow, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.groups = RowsModel(GROUP_ROLES, self)
        self.services = RowsModel(SERVICE_ROLES, self)
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

    def apply_settings(self, settings: KioskSettings) -> None:
        self._do(lambda: self.flow.apply_settings(settings))

    def show_pairing(self, code: str) -> None:
        self._do(lambda: self.flow.show_pairing(code))

    def set_screen_dpi(self, dpi: float) -> None:
        """The screen's own idea of its DPI; the ``dpi`` setting wins when set."""
        self._screen_dpi = dpi if dpi > 0 else DEFAULT_DPI
        self.refresh()

    def tick(self) -> None:
        self._do(self.flow.tick)

    # -- from QML ---------------------------------------------------------------------------

    @Slot(str)
    def openGroup(self, group_id: str) -> None:  # noqa: N802 (QML's names)
        self._tap(lambda: self.flow.open_group(group_id))

    @Slot()
    def openSearch(self) -> None:  # noqa: N802
        self._tap(self.flow.open_search)

    @Slot(str)
    def typeKey(self, key: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.type_key(key))

    @Slot()
    def switchKeyboard(self) -> None:  # noqa: N802
        self._tap(self.flow.switch_keyboard)

    @Slot()
    def erase(self) -> None:
        self._tap(self.flow.erase)

    @Slot(str)
    def tapService(self, service_id: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.tap_service(service_id))

    @Slot()
    def openCheckIn(self) -> None:  # noqa: N802
        self._tap(self.flow.open_check_in)

    @Slot()
    def identifyWithCard(self) -> None:  # noqa: N802
        self._tap(self.flow.identify_with_card)

    @Slot(str)
    def codeKey(self, key: str) -> None:  # noqa: N802
        self._tap(lambda: self.flow.code_key(key))

    @Slot()
    def submitCode(self) -> None:  # noqa: N802
        self._tap(self.flow.submit_code)

    @Slot()
    def nextPage(self) -> None:  # noqa: N802
        self._tap(self.flow.next_page)

    @Slot()
    def previousPage(self) -> None:  # noqa: N802
        self._tap(self.flow.previous_page)

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
        self._tap(self.flow.corner)

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
        self._tap(self.flow.exit_app)

    @Slot(str)
    def typed(self, text: str) -> None:
        """Text from a physical keyboard or a code scanner ("\r" Return, "\b" Backspace)."""
        self._tap(lambda: self.flow.typed(text))

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
        action()
        self.refresh()
        if self.flow.quit_requested:
            self.flow.quit_requested = False
            emit(self.quitRequested)

    def refresh(self) -> None:
        """Recompute everything shown from the flow; signal the groups that changed."""
        flow = self.flow
        language = flow.language
        words = WORDS[language]
        dpi = flow.settings.dpi or self._screen_dpi
        values: dict[str, object] = {
            "language": language,
            "labels": words,
            "large": flow.large,
            "voice": flow.voice,
            "scale": LARGE_SCALE if flow.large else 1.0,
            "minTarget": math.ceil(min_target_px(dpi)),
            "keyboardRows": list(KEYBOARDS[flow.keyboard]),
            "codeKeys": list(CODE_KEYS),
            "pinKeys": list(PIN_KEYS),
            "screen": flow.screen.value,
            "busy": flow.busy,
            "clock": self._clock(),
            **self._lists(words),
            **self._banner(words),
            **self._entry(words),
            **self._ticket(words),
        }
        previous, self._values = self._values, values
        for group, keys in _GROUPS.items():
            if any(values[k] != previous.get(k) for k in keys):
                emit(getattr(self, f"{group}Changed"))

    def _clock(self) -> str:
        moment = self.flow.local()
        return "" if moment is None else f"{moment:%H:%M}"

    def _lists(self, words: dict[str, str]) -> dict[str, object]:
        flow = self.flow
        language = flow.language
        catalogue = flow.catalogue
        title = (flow.settings.title or catalogue.branch_name) if catalogue else ""
        heading = words["choose"]
        group_rows: list[tuple[object, ...]] = []
        service_rows: list[tuple[object, ...]] = []
        if flow.screen is Screen.HOME and catalogue is not None:
            for group in flow.page_of(flow.groups()):
                members = catalogue.in_group(group.id)
                known = [w.minutes for s in members if (w := flow.wait(s.id)) and w.known]
                subtitle = services_text(len(members), language)
                if known:
                    fastest = min(known)
                    subtitle += " · " + (
                        words["wait_from"].format(minutes=fastest)
                        if fastest
                        else words["some_free"]
                    )
                group_rows.append((group.id, group.name(language), subtitle))
        elif flow.screen in (Screen.GROUP, Screen.SEARCH) and catalogue is not None:
            if flow.screen is Screen.GROUP:
                shown = catalogue.group(flow.group_id)
                heading = shown.name(language) if shown else heading
            else:
                heading = words["search_title"]
            for service in flow.page_of(flow.listed()):
                wait, ahead = self._wait_texts(flow.wait(service.id), words)
                service_rows.append(
                    (service.id, service.name(language), wait, ahead, service.id == flow.selected)
                )
        self.groups.set_rows(group_rows)
        self.services.set_rows(service_rows)
        pages = flow.pages()
        return {
            "title": title,
            "heading": heading,
            "pageText": words["page"].format(page=flow.page + 1, pages=pages) if pages > 1 else "",
            "hasPrevious": flow.page > 0,
            "hasNext": flow.page + 1 < pages,
            "query": flow.query,
            "searchNone": bool(flow.query.strip()) and not flow.listed(),
            **self._card(words),
        }

    def _card(self, words: dict[str, str]) -> dict[str, object]:
        """Identify with card: the button, the greeting (given name and an initial only),
        or the request for the card."""
        flow = self.flow
        name = flow.greeting_name if flow.screen is Screen.HOME else ""
        return {
            "canIdentify": flow.can_identify,
            "greeting": words["hello"].format(name=name) if name else "",
            "cardHint": words["card_insert"] if flow.card_missing else "",
        }

    def _wait_texts(self, wait: Wait | None, words: dict[str, str]) -> tuple[str, str]:
        if wait is None:
            return "", ""
        ahead = words["ahead_short"].format(n=wait.people) if wait.people else ""
        if not wait.known:
            return words["wait_none"], ahead
        if not wait.people and not wait.minutes:
            return words["no_queue"], ""
        return words["wait_short"].format(minutes=wait.minutes), ahead

    def _banner(self, words: dict[str, str]) -> dict[str, object]:
        printer = self.flow.printer
        text = {
            Printer.NONE: words["no_printer_banner"],
            Printer.PAPER_OUT: words["paper_out"],
            Printer.DOWN: words["printer_down"],
        }.get(printer, "")
        if self.flow.screen not in (Screen.HOME, Screen.GROUP, Screen.SEARCH):
            text = ""
        return {"banner": text, "bannerAlarm": printer in (Printer.PAPER_OUT, Printer.DOWN)}

    def _entry(self, words: dict[str, str]) -> dict[str, object]:
        flow = self.flow
        reason, detail = flow.notice
        notice = refusal(reason, detail, flow.language)
        code_notice = refusal(flow.code_error, {}, flow.language) if flow.code_error else None
        pin_message = ""
        if flow.screen is Screen.PIN:
            locked = flow.guard.locked_for()
            if locked > 0:
                until = flow.local(
                    None if flow.hub_ms() is None else (flow.hub_ms() or 0) + int(locked * 1000)
                )
                pin_message = words["pin_locked"].format(
                    until=f"{until:%H:%M}" if until else f"{math.ceil(locked / 60)} min"
                )
            elif flow.pin_failed:
                pin_message = words["pin_wrong"].format(left=flow.guard.left)
        settings = flow.settings
        info = [
            f"hub: {'на связи / online' if flow.link else 'нет связи / unreachable'}",
            f"printer: {settings.printer or '—'} ({flow.printer.value})",
        ]
        return {
            "noticeTitle": notice.title,
            "noticeText": notice.text,
            "codeSlots": [flow.code[i] if i < len(flow.code) else "" for i in range(6)],
            "codeError": f"{code_notice.title}. {code_notice.text}" if code_notice else "",
            "codeReady": len(flow.code) == 6,
            "pinDots": "●" * len(flow.pin),
            "pinMessage": pin_message,
            "pairingCode": flow.pairing_code,
            "serviceInfo": "\n".join(info),
        }

    def _ticket(self, words: dict[str, str]) -> dict[str, object]:
        flow = self.flow
        ticket = flow.ticket
        if ticket is None:
            return dict.fromkeys(
                (
                    "ticketTitle",
                    "ticketNumber",
                    "ticketService",
                    "ticketAhead",
                    "ticketWait",
                    "ticketPrint",
                    "ticketPrintLevel",
                    "ticketAppointment",
                    "qrSource",
                ),
                "",
            )
        language = flow.language
        service = flow.catalogue.service(ticket.service_id) if flow.catalogue else None
        service_name = service.name(language) if service else ""
        ahead = (
            words["ahead"].format(people=people_text(ticket.people_ahead, language))
            if ticket.people_ahead
            else words["nobody"]
        )
        wait = (
            words["wait"].format(minutes=minutes_text(max(1, ticket.wait_minutes), language))
            if ticket.wait_known
            else words["wait_unknown"]
        )
        if ticket.wait_known and not ticket.people_ahead and not ticket.wait_minutes:
            wait = ""
        state = ticket.print_state
        if state is PrintState.NONE:
            printing, level = words["no_printer"], "warn"
        elif state is PrintState.PRINTED:
            printing, level = words["printed"], "ok"
        elif state is PrintState.FAILED:
            reason = printer_reason(ticket.print_error, language)
            printing, level = words["not_printed"].format(reason=reason), "bad"
        elif flow.shown_for() > SLOW_PRINT_S:
            printing, level = words["printer_slow"], "warn"
        else:
            printing, level = words["printing"], "wait"
        self._set_qr(self._qr_for(ticket, service_name))
        return {
            "ticketTitle": words["your_checkin" if ticket.appointment else "your_ticket"],
            "ticketNumber": ticket.number,
            "ticketService": service_name,
            "ticketAhead": ahead,
            "ticketWait": wait,
            "ticketPrint": printing,
            "ticketPrintLevel": level,
            "ticketAppointment": (
                words["appointment"].format(time=ticket.appointment) if ticket.appointment else ""
            ),
            "qrSource": f"image://kiosk/qr/{self._qr_serial}",
        }

    def _qr_for(self, ticket: Issued, service_name: str) -> str:
        catalogue = self.flow.catalogue
        if catalogue is not None and catalogue.ticket_page_url:
            return catalogue.ticket_page_url.replace("{ticket}", quote(ticket.ticket_id, safe="/"))
        issued = self.flow.local(ticket.issued_at_ms) if ticket.issued_at_ms else None
        lines = [f"Талон {ticket.number}", service_name]
        if issued is not None:
            lines.append(f"{issued:%d.%m.%Y %H:%M}")
        if catalogue is not None:
            lines.append(catalogue.branch_name)
        return "\n".join(line for line in lines if line)

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
    pairingCode = _value(str, "pairingCode", screenChanged)  # noqa: N815
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
    groupsModel = Property(QObject, lambda self: self.groups, constant=True)  # noqa: N815
    servicesModel = Property(QObject, lambda self: self.services, constant=True)  # noqa: N815
