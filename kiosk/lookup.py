"""Looking an application up at the kiosk: its number, the phone left at the desk, or the
card. Pure.

The visitor types the number (digits only, the dash is shown for them) and then the
mobile number they left at the desk; the hub answers the application only for the right
pair, the same refusal for either half wrong (docs/applications.md). A card in the reader
finds its holder's applications instead. What the hub answered lives here only while it
is on screen: the flow drops it when the visitor leaves or the screen times out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kiosk.booking import PHONE_DIGITS, phone_typed

# "261207-017": the day (six digits) and the place in the day (three, or four on a busy day).
NUMBER_DAY = 6
NUMBER_MIN = 9
NUMBER_MAX = 10
_WAIT = re.compile(r"wait (\d+) s")


class AppStatus(StrEnum):
    """An application's status as the hub names it (okno.v1.ApplicationStatus)."""

    ACCEPTED = "accepted"
    IN_WORK = "in_work"
    SUSPENDED = "suspended"
    READY = "ready"
    ISSUED = "issued"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class Step(StrEnum):
    NUMBER = "number"
    PHONE = "phone"
    FOUND = "found"


@dataclass(frozen=True, slots=True)
class Found:
    """An application as the kiosk shows it to the one who proved it is theirs."""

    number: str
    service_id: str
    service_name: str
    authority: str
    status: AppStatus
    # Branch dates, ISO; collect_by only when ready.
    planned_ready: str
    collect_by: str = ""
    # Suspended: what is needed; refused or cancelled: why.
    reason: str = ""


class LookUp:
    """One visitor's look-up: what was typed, the step shown, what the hub answered."""

    def __init__(self) -> None:
        self.step = Step.NUMBER
        self.number = ""
        self.phone = ""
        # Why the last key or request was refused: a words key ("lookup_wrong"), else "".
        self.note = ""
        # Minutes to wait after too many wrong pairs (said with "lookup_wait").
        self.wait_min = 0
        self.found: tuple[Found, ...] = ()
        self.by_card = False

    @property
    def ready(self) -> bool:
        """The step's entry is complete: "Продолжить" / "Найти" can be tapped."""
        if self.step is Step.NUMBER:
            return NUMBER_MIN <= len(self.number) <= NUMBER_MAX
        return self.step is Step.PHONE and len(self.phone) == PHONE_DIGITS

    def key(self, digit: str) -> bool:
        """A digit of the field shown; False when it was not taken."""
        if self.step is Step.NUMBER:
            if not digit.isdigit() or len(self.number) >= NUMBER_MAX:
                return False
            self.number += digit
            self.note = ""
            return True
        if self.step is Step.PHONE:
            typed, self.note = phone_typed(self.phone, digit)
            taken, self.phone = typed != self.phone, typed
            return taken
        return False

    def erase(self) -> None:
        if self.step is Step.NUMBER:
            self.number = self.number[:-1]
        elif self.step is Step.PHONE:
            self.phone = self.phone[:-1]
        self.note = ""

    def next(self) -> bool:
        """From the number to the phone; True when it moved."""
        if self.step is Step.NUMBER and self.ready:
            self.step, self.note = Step.PHONE, ""
            return True
        return False

    def back(self) -> bool:
        """One step back (the answer goes back to the phone, or home after a card's);
        False from the first step."""
        if self.step is Step.FOUND and not self.by_card:
            self.found, self.step = (), Step.PHONE
            return True
        if self.step is Step.PHONE:
            self.step, self.note = Step.NUMBER, ""
            return True
        return False

    def answered(self, found: tuple[Found, ...], *, by_card: bool) -> None:
        """The hub's answer: the application(s) shown; a card with none says so."""
        self.by_card = by_card
        if not found:
            self.note = "lookup_no_card_apps"
            return
        self.found, self.step, self.note = found, Step.FOUND, ""

    def refused(self, reason: str, message: str, *, by_card: bool) -> None:
        """A wrong pair (the same words for either half), too many of them (with the wait
        the hub's message names), or a card the hub cannot take: said on the keypad."""
        if reason == "too_many_attempts":
            seconds = _WAIT.search(message)
            self.wait_min = -(-int(seconds.group(1)) // 60) if seconds else 0
            self.note = "lookup_wait" if self.wait_min else "lookup_wait_later"
        else:
            self.note = "lookup_no_card_apps" if by_card else "lookup_wrong"


def number_shown(digits: str) -> str:
    """The number being typed with the dash the receipt shows: "261207-017", "2612__-___"."""
    day = digits[:NUMBER_DAY].ljust(NUMBER_DAY, "_")
    place = digits[NUMBER_DAY:]
    return f"{day}-{place.ljust(NUMBER_MIN - NUMBER_DAY, '_')}"
