"""Booking a time at the kiosk: service, day, a free slot, a phone for the reminder. Pure.

The steps a visitor goes through (``Step``) and what each shows are decided here; the
taps and the hub's answers are handled in steps/booking.py, which sends the requests. Days
are the hub's bookable range (``ListSlotsResponse.first_day..last_day``: today and the
next 7), each with its free slots counted, so a full day says so before it is tapped.
A slot someone took meanwhile comes back as the next free slots after it
(``FindFreeSlots``), offered on the same screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kiosk.catalogue import Catalogue
from kiosk.states import PrintState
from okno.dates import MONTHS_RU, WEEKDAYS

# A Russian mobile number after +7: ten digits, the first a 9.
PHONE_DIGITS = 10
# How many free slots are offered after one that was just taken.
OFFERED_AFTER_TAKEN = 6

_MONTHS = {
    "ru": MONTHS_RU,
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


class Step(StrEnum):
    SERVICE = "service"
    DAY = "day"
    SLOT = "slot"
    PHONE = "phone"
    CONFIRM = "confirm"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class SlotOffer:
    """A slot as the hub listed it: its start (Unix ms), local day and time, free seats."""

    start_ms: int
    day: str
    time: str
    free: int


@dataclass(frozen=True, slots=True)
class SlotList:
    """The slots of one service on the bookable days (or the next free ones)."""

    first_day: str
    last_day: str
    slots: tuple[SlotOffer, ...]

    def days(self) -> list[tuple[str, int]]:
        """Every bookable day with its number of slots that still have a seat."""
        if not self.first_day or not self.last_day:
            return []
        first, last = date.fromisoformat(self.first_day), date.fromisoformat(self.last_day)
        days = [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]
        return [(day, sum(1 for s in self.slots if s.day == day and s.free > 0)) for day in days]


@dataclass(frozen=True, slots=True)
class Booked:
    """A booking the hub made for one of this kiosk's requests, and its slip's print job."""

    request_id: str
    code: str
    service_id: str
    day: str
    time: str
    job_id: int = 0
    print_state: PrintState = PrintState.NONE
    print_error: str = ""


class Draft:
    """One visitor's booking on its way: what was chosen so far, and the step shown."""

    def __init__(self) -> None:
        self.step = Step.SERVICE
        self.service_id = ""
        self.listing: SlotList | None = None
        self.day = ""
        self.slot: SlotOffer | None = None
        self.phone = ""
        # Why the keypad just refused a key (a words key: "phone_no_8"), else "".
        self.phone_note = ""
        # The slots offered after the chosen one was taken (shown instead of the day's).
        self.offers: tuple[SlotOffer, ...] = ()
        self.booked: Booked | None = None

    def free_slots(self) -> list[SlotOffer]:
        """The slots with a seat shown on the slot step."""
        if self.offers:
            return list(self.offers)
        if self.listing is None:
            return []
        return [s for s in self.listing.slots if s.day == self.day and s.free > 0]

    def listed(self, listing: SlotList) -> None:
        """The service's slots arrived: choose a day."""
        self.listing, self.offers, self.day, self.slot = listing, (), "", None
        self.step = Step.DAY

    def taken(self, offers: SlotList) -> None:
        """The chosen slot was taken meanwhile: offer the next free ones."""
        self.offers = tuple(s for s in offers.slots if s.free > 0)[:OFFERED_AFTER_TAKEN]
        self.slot = None
        self.step = Step.SLOT

    def choose_day(self, day: str) -> bool:
        """False for a day with no free slot (it stays on the day step)."""
        if self.listing is None or dict(self.listing.days()).get(day, 0) == 0:
            return False
        self.day, self.offers = day, ()
        self.step = Step.SLOT
        return True

    def choose_slot(self, start_ms: int) -> bool:
        slot = next((s for s in self.free_slots() if s.start_ms == start_ms), None)
        if slot is None:
            return False
        self.slot, self.day = slot, slot.day
        self.step = Step.PHONE
        return True

    def phone_key(self, digit: str) -> bool:
        """Add a digit; False when it was not taken (``phone_note`` says why, if a rule)."""
        typed, self.phone_note = phone_typed(self.phone, digit)
        taken, self.phone = typed != self.phone, typed
        return taken

    def erase(self) -> None:
        self.phone = self.phone[:-1]
        self.phone_note = ""

    def phone_done(self, skip: bool) -> bool:
        """To the summary, with the phone (complete) or without it."""
        if skip:
            self.phone = ""
        elif len(self.phone) != PHONE_DIGITS:
            return False
        self.step = Step.CONFIRM
        return True

    def back(self) -> bool:
        """One step back; False from the first step (the flow goes home)."""
        order = [Step.SERVICE, Step.DAY, Step.SLOT, Step.PHONE, Step.CONFIRM]
        if self.step not in order or self.step is Step.SERVICE:
            return False
        self.step = order[order.index(self.step) - 1]
        if self.step is Step.SLOT and self.offers and not self.day:
            self.offers = ()
            self.step = Step.DAY
        return True

    def phone_number(self) -> str:
        """The number as the hub takes it ("+79161234567"), or "" without one."""
        return f"+7{self.phone}" if len(self.phone) == PHONE_DIGITS else ""


def phone_typed(typed: str, digit: str) -> tuple[str, str]:
    """The mobile number's digits after +7 once ``digit`` is pressed, and why it was
    refused (a words key, "" when taken or ignored): the first is a 9, and an 8 before it
    is the +7 already there. Not a digit, or the number full: ignored."""
    if not digit.isdigit() or len(typed) >= PHONE_DIGITS:
        return typed, ""
    if not typed and digit != "9":
        return typed, "phone_no_8" if digit == "8" else "phone_starts_9"
    return typed + digit, ""


def phone_shown(digits: str) -> str:
    """The number being typed, in the usual groups: "+7 916 123-45-__". Shown in full to
    the visitor who typed it, on the keypad and the summary before booking; the hub
    hides it everywhere later (``contacts.phone_hint``)."""
    padded = digits.ljust(PHONE_DIGITS, "_")
    return f"+7 {padded[:3]} {padded[3:6]}-{padded[6:8]}-{padded[8:10]}"


def day_label(day: str, today: str, language: str) -> str:
    """ "Сегодня, 23 ноября", "Завтра, 24 ноября", "ср, 25 ноября" (English alike)."""
    moment = date.fromisoformat(day)
    en = language == "en"
    month = _MONTHS["en" if en else "ru"][moment.month - 1]
    when = f"{month} {moment.day}" if en else f"{moment.day} {month}"
    offset = (moment - date.fromisoformat(today)).days if today else -1
    if offset == 0:
        return f"{'Today' if en else 'Сегодня'}, {when}"
    if offset == 1:
        return f"{'Tomorrow' if en else 'Завтра'}, {when}"
    return f"{WEEKDAYS['en' if en else 'ru'][moment.weekday()]}, {when}"


def slip_lines(booked: Booked, service_name: str, branch: str) -> list[str]:
    """The booking slip: what, when, the code, and how to check in (Russian, on paper)."""
    day = date.fromisoformat(booked.day) if booked.day else None
    when = f"{day:%d.%m.%Y} в {booked.time}" if day else booked.time
    return [
        branch,
        service_name,
        f"Приём: {when}",
        f"Код записи: {booked.code}",
        "В день приёма: терминал, «Я записан на приём», этот код",
    ]


def limit_names(catalogue: Catalogue, detail: dict[str, str]) -> dict[str, str]:
    """A booking limit's services in both languages (the visitor may switch while it is
    shown), and the held booking's service when the limit covers several."""
    ids = [s for s in detail.get("limit-services", "").split(",") if s]

    def name(service_id: str, language: str) -> str:
        service = catalogue.service(service_id)
        return service.name(language) if service else service_id

    found: dict[str, str] = {}
    for language in ("ru", "en"):
        found[f"names-{language}"] = "\n".join(name(s, language) for s in ids)
        held = detail.get("held-service", "")
        found[f"held-name-{language}"] = name(held, language) if len(ids) > 1 else ""
    return found
