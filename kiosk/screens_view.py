"""What the kiosk's own screens show, from the flow's state: lists, banner, keypads, ticket.

Pure, like steps_view.py (the booking and payment screens): view.py, the Qt object, puts
these values where QML reads them and keeps the QR code's image serial.
"""

from __future__ import annotations

import math

from kiosk.catalogue import Wait
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.states import Printer, PrintState
from kiosk.texts import minutes_text, people_text, printer_reason, refusal, services_text
from kiosk.ticket import Issued
from okno.links import ticket_url

# A print still "on its way" after this long is probably waiting (for paper, a cable).
SLOW_PRINT_S = 8.0
TICKET_KEYS = (
    "ticketTitle",
    "ticketNumber",
    "ticketService",
    "ticketAhead",
    "ticketWait",
    "ticketPrint",
    "ticketPrintLevel",
    "ticketAppointment",
    "qrSource",
)
Rows = list[tuple[object, ...]]
# A hidden service row (key ""): ServiceRows.qml shows none for it.
NO_ROW: tuple[object, ...] = ("", "", "", "", False, False)


def lists(flow: KioskFlow, words: dict[str, str]) -> tuple[dict[str, object], Rows, Rows]:
    """The home screen's groups or a list's services (this page), and their texts."""
    language = flow.language
    catalogue = flow.catalogue
    title = (flow.settings.title or catalogue.branch_name) if catalogue else ""
    heading = words["choose"]
    group_rows: Rows = []
    service_rows: Rows = []
    if flow.screen is Screen.HOME and catalogue is not None:
        for group in flow.lists.page_of(flow.lists.groups()):
            members = catalogue.in_group(group.id)
            known = [w.minutes for s in members if (w := flow.wait(s.id)) and w.known]
            subtitle = services_text(len(members), language)
            if known:
                fastest = min(known)
                subtitle += " · " + (
                    words["wait_from"].format(minutes=fastest) if fastest else words["some_free"]
                )
            group_rows.append((group.id, group.name(language), subtitle))
    elif flow.screen in (Screen.GROUP, Screen.SEARCH) and catalogue is not None:
        if flow.screen is Screen.GROUP:
            shown = catalogue.group(flow.lists.group_id)
            heading = shown.name(language) if shown else heading
        else:
            heading = words["search_title"]
        for service in flow.lists.page_of(flow.lists.listed()):
            wait, ahead = _wait_texts(flow.wait(service.id), words)
            page = catalogue.guide.entry(service.id) is not None
            chosen = service.id == flow.selected
            service_rows.append((service.id, service.name(language), wait, ahead, chosen, page))
        if flow.screen is Screen.SEARCH:
            # A page of rows always, the empty ones hidden: a query's first key fills
            # rows in rather than QML making them anew (a frame's worth: bench_catalogue).
            service_rows += [NO_ROW] * (flow.lists.page_size() - len(service_rows))
    pages = flow.lists.pages()
    values = {
        "title": title,
        "heading": heading,
        "pageText": words["page"].format(page=flow.page + 1, pages=pages) if pages > 1 else "",
        "hasPrevious": flow.page > 0,
        "hasNext": flow.page + 1 < pages,
        "query": flow.lists.query,
        "searchNone": bool(flow.lists.query.strip()) and not flow.lists.listed(),
        **_card(flow, words),
    }
    return values, group_rows, service_rows


def _card(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    """Identify with card: the button, the greeting (given name and an initial only),
    or the request for the card."""
    name = flow.greeting_name if flow.screen is Screen.HOME else ""
    return {
        "canIdentify": flow.can_identify,
        "greeting": words["hello"].format(name=name) if name else "",
        "cardHint": words["card_insert"] if flow.card_missing else "",
        "cardCheckIn": flow.card.can_check_in,
    }


def _wait_texts(wait: Wait | None, words: dict[str, str]) -> tuple[str, str]:
    if wait is None:
        return "", ""
    ahead = words["ahead_short"].format(n=wait.people) if wait.people else ""
    if not wait.known:
        return words["wait_none"], ahead
    if not wait.people and not wait.minutes:
        return words["no_queue"], ""
    return words["wait_short"].format(minutes=wait.minutes), ahead


def banner(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    printer = flow.printer
    text = {
        Printer.NONE: words["no_printer_banner"],
        Printer.PAPER_OUT: words["paper_out"],
        Printer.DOWN: words["printer_down"],
    }.get(printer, "")
    if flow.screen not in (Screen.HOME, Screen.GROUP, Screen.SEARCH):
        text = ""
    return {"banner": text, "bannerAlarm": printer in (Printer.PAPER_OUT, Printer.DOWN)}


def entry(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    reason, detail = flow.notice
    notice = refusal(reason, detail, flow.language)
    code_notice = refusal(flow.checkin.error, {}, flow.language) if flow.checkin.error else None
    pin_message = ""
    if flow.screen is Screen.PIN:
        locked = flow.technician.guard.locked_for()
        if locked > 0:
            until = flow.local(
                None if flow.hub_ms() is None else (flow.hub_ms() or 0) + int(locked * 1000)
            )
            pin_message = words["pin_locked"].format(
                until=f"{until:%H:%M}" if until else f"{math.ceil(locked / 60)} min"
            )
        elif flow.technician.failed:
            pin_message = words["pin_wrong"].format(left=flow.technician.guard.left)
    pin_dots, pin_title = "●" * len(flow.technician.pin), "Вход для техника / Technician"
    if flow.screen is Screen.CARD_PIN:
        pin_dots, pin_title = "●" * len(flow.card.digits), words["card_pin_title"]
        if flow.card.tries >= 0:
            key = "card_pin_wrong" if flow.card.wrong else "card_pin_tries"
            pin_message = words[key].format(n=flow.card.tries)
        elif flow.card.wrong:
            # A card may refuse a PIN with a bare 6300 and keep its counter to itself.
            pin_message = words["card_pin_wrong_no_count"]
    settings = flow.settings
    info = [
        f"hub: {'на связи / online' if flow.link else 'нет связи / unreachable'}",
        f"printer: {settings.printer or '—'} ({flow.printer.value})",
    ]
    return {
        "noticeTitle": notice.title,
        "noticeText": notice.text,
        "codeSlots": [flow.checkin.code[i] if i < len(flow.checkin.code) else "" for i in range(6)],
        "codeError": f"{code_notice.title}. {code_notice.text}" if code_notice else "",
        "codeReady": len(flow.checkin.code) == 6,
        "pinDots": pin_dots,
        "pinTitle": pin_title,
        "pinMessage": pin_message,
        "pairingCode": flow.pairing_code,
        "pairingAuthority": flow.pairing_authority,
        "serviceInfo": "\n".join(info),
    }


def ticket(flow: KioskFlow, words: dict[str, str]) -> tuple[dict[str, object], str | None]:
    """The ticket screen's texts (``qrSource`` is the view's) and its QR code's text;
    None for the QR code with no issued."""
    issued = flow.ticket
    if issued is None:
        return dict.fromkeys(TICKET_KEYS, ""), None
    language = flow.language
    service = flow.catalogue.service(issued.service_id) if flow.catalogue else None
    service_name = service.name(language) if service else ""
    ahead = (
        words["ahead"].format(people=people_text(issued.people_ahead, language))
        if issued.people_ahead
        else words["nobody"]
    )
    wait = (
        words["wait"].format(minutes=minutes_text(max(1, issued.wait_minutes), language))
        if issued.wait_known
        else words["wait_unknown"]
    )
    if issued.wait_known and not issued.people_ahead and not issued.wait_minutes:
        wait = ""
    state = issued.print_state
    if state is PrintState.NONE:
        printing, level = words["no_printer"], "warn"
    elif state is PrintState.PRINTED:
        printing, level = words["printed"], "ok"
    elif state is PrintState.FAILED:
        reason = printer_reason(issued.print_error, language)
        printing, level = words["not_printed"].format(reason=reason), "bad"
    elif flow.shown_for() > SLOW_PRINT_S:
        printing, level = words["printer_slow"], "warn"
    else:
        printing, level = words["printing"], "wait"
    return {
        "ticketTitle": words["your_checkin" if issued.appointment else "your_ticket"],
        "ticketNumber": issued.number,
        "ticketService": service_name,
        "ticketAhead": ahead,
        "ticketWait": wait,
        "ticketPrint": printing,
        "ticketPrintLevel": level,
        "ticketAppointment": (
            words["appointment"].format(time=issued.appointment) if issued.appointment else ""
        ),
        "qrSource": "",
    }, _qr_for(flow, issued, service_name)


def _qr_for(flow: KioskFlow, ticket: Issued, service_name: str) -> str:
    catalogue = flow.catalogue
    if catalogue is not None and catalogue.ticket_page_url:
        return ticket_url(catalogue.ticket_page_url, ticket.ticket_id)
    issued = flow.local(ticket.issued_at_ms) if ticket.issued_at_ms else None
    lines = [f"Талон {ticket.number}", service_name]
    if issued is not None:
        lines.append(f"{issued:%d.%m.%Y %H:%M}")
    if catalogue is not None:
        lines.append(catalogue.branch_name)
    return "\n".join(line for line in lines if line)
