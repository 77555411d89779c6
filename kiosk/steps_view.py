"""What the booking and payment screens show, from the flow's state: texts and rows. Pure.

Kept apart from view.py (the Qt object) so the words of each step read in one place.
The rows of a booking step are (key, title, subtitle, active): services, days with their
free slots, or times.
"""

from __future__ import annotations

from kiosk.booking import Draft, day_label, phone_shown
from kiosk.booking import Step as BookStep
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.payment import PaidState, rubles
from kiosk.payment import Step as PayStep
from kiosk.states import PrintState
from okno.privacy import contacts_notice

Row = tuple[str, str, str, bool]

BOOKING_KEYS = (
    "bookStep",
    "bookTitle",
    "bookNote",
    "bookPrivacy",
    "phoneText",
    "phoneReady",
    "summary",
    "bookedCode",
    "bookedWhen",
    "bookedService",
    "bookedPrint",
    "bookedPrintLevel",
)
PAYMENT_KEYS = (
    "payStep",
    "payService",
    "payAmount",
    "payPurpose",
    "payPrompt",
    "payOutcome",
    "payNext",
    "payLevel",
    "payRetry",
    "payReceipt",
    "payCard",
    "payWhere",
)
_PRINTED = {
    PrintState.SENDING: ("printing", "wait"),
    PrintState.PRINTED: ("printed", "ok"),
    PrintState.FAILED: ("failed", "bad"),
    PrintState.NONE: ("none", "warn"),
}
_NEXT = {
    PaidState.APPROVED: ("next_approved", "ok"),
    PaidState.DECLINED: ("next_retry", "bad"),
    PaidState.CANCELLED: ("next_retry", "warn"),
    PaidState.REVERSED: ("next_unavailable", "warn"),
    PaidState.UNKNOWN: ("next_unknown", "bad"),
    PaidState.UNAVAILABLE: ("next_unavailable", "warn"),
}


def _today(flow: KioskFlow) -> str:
    now = flow.local()
    return f"{now:%Y-%m-%d}" if now is not None else ""


def _service_name(flow: KioskFlow, service_id: str) -> str:
    service = flow.catalogue.service(service_id) if flow.catalogue else None
    return service.name(flow.language) if service else ""


def _no_seat(draft: Draft, day: str, today: str) -> str:
    """Why a day offers no time: every seat taken, today's times all begun, or no
    reception that day (the hub lists no slot of a day the centre is closed)."""
    listing = draft.listing
    if listing is not None and any(s.day == day for s in listing.slots):
        return "day_full"
    return "day_over" if day == today else "day_closed"


def booking(flow: KioskFlow, words: dict[str, str]) -> tuple[dict[str, object], list[Row]]:
    """The booking screen's texts and the rows of its current step."""
    values: dict[str, object] = dict.fromkeys(BOOKING_KEYS, "")
    values["phoneReady"] = False
    values["summary"] = []
    draft = flow.draft
    if flow.screen is not Screen.BOOKING or draft is None:
        return values, []
    language, today = flow.language, _today(flow)
    rows: list[Row] = []
    step = draft.step
    title = {
        BookStep.SERVICE: words["book_service"],
        BookStep.DAY: words["book_day"],
        BookStep.SLOT: words["book_slot"],
        BookStep.PHONE: words["book_phone"],
        BookStep.CONFIRM: words["book_confirm"],
        BookStep.DONE: words["booked_title"],
    }[step]
    note = ""
    service = _service_name(flow, draft.service_id)
    if step is BookStep.SERVICE:
        rows = [(s.id, s.name(language), "", True) for s in flow.lists.page_of(flow.lists.listed())]
    elif step is BookStep.DAY and draft.listing is not None:
        days = draft.listing.days()
        for day, free in days:
            subtitle = (
                words["free_n"].format(n=free) if free else words[_no_seat(draft, day, today)]
            )
            rows.append((day, day_label(day, today, language), subtitle, free > 0))
        note = service if any(free for _, free in days) else words["book_no_free"]
    elif step is BookStep.SLOT:
        if draft.offers:
            note = words["book_taken"]
        else:
            note = day_label(draft.day, today, language) if draft.day else ""
        for slot in flow.lists.page_of(draft.free_slots()):
            label = (
                slot.time
                if slot.day == draft.day
                else f"{slot.time}, {slot.day[8:]}.{slot.day[5:7]}"
            )
            rows.append((str(slot.start_ms), label, "", True))
        if draft.offers and not rows:
            note = words["book_no_free"]
    elif step is BookStep.PHONE:
        note = words[draft.phone_note or "book_phone_hint"]
    if draft.slot is not None:
        when = words["booked_when"].format(
            day=day_label(draft.slot.day, today, language), time=draft.slot.time
        )
        values["summary"] = [
            [words["summary_service"], service],
            [words["summary_when"], when],
            [
                words["summary_phone"],
                phone_shown(draft.phone) if draft.phone else words["summary_no_phone"],
            ],
        ]
        values["bookedWhen"] = when
    if step is BookStep.CONFIRM and draft.phone:
        # Said where the number is checked before it is sent: the web pages' own words.
        keep = flow.catalogue.keep_contacts_days if flow.catalogue else 0
        values["bookPrivacy"] = contacts_notice(language, keep)
    booked = draft.booked
    if booked is not None:
        printing, level = _PRINTED[booked.print_state]
        values["bookedCode"] = booked.code
        values["bookedService"] = service
        values["bookedPrint"] = words[f"slip_{printing}"]
        values["bookedPrintLevel"] = level
    values.update(
        bookStep=step.value,
        bookTitle=title,
        bookNote=note,
        phoneText=phone_shown(draft.phone),
        phoneReady=len(draft.phone) == 10,
    )
    return values, rows


def payment(flow: KioskFlow, words: dict[str, str]) -> dict[str, object]:
    """The payment screen: the offer, the terminal's prompt, the outcome and what next."""
    values: dict[str, object] = dict.fromkeys(PAYMENT_KEYS, "")
    values["payRetry"] = values["payCard"] = False
    pay = flow.payment
    if flow.screen is not Screen.PAYMENT or pay is None:
        return values
    values.update(
        payStep=pay.step.value,
        payService=_service_name(flow, pay.service_id),
        payAmount=rubles(pay.fee_kopecks),
        payPurpose=pay.purpose,
        payPrompt=pay.prompt or words["pay_waiting"],
        payRetry=pay.may_retry and flow.terminal_ready,
        payCard=flow.terminal_ready,
        payWhere="" if flow.terminal_ready else words["pay_where"],
    )
    paid = pay.paid
    if pay.step is PayStep.OUTCOME and paid is not None:
        next_key, level = _NEXT[paid.state]
        reason = paid.reason_en if flow.language == "en" else paid.reason_ru
        headline = words[paid.state.value]
        values["payOutcome"] = headline
        # The terminal's reason says why (declined, not available); approved needs none.
        told = reason and reason != headline and paid.state is not PaidState.APPROVED
        values["payNext"] = f"{reason.rstrip('.')}. {words[next_key]}" if told else words[next_key]
        values["payLevel"] = level
        state = pay.receipt[1]
        if state is not PrintState.NONE:
            values["payReceipt"] = words[f"receipt_{_PRINTED[state][0]}"]
    return values
