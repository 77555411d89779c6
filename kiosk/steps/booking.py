"""Booking a time on the kiosk's screen: the taps of each step and the hub's answers.

The visitor's choices are a :class:`kiosk.booking.Draft` (``core.draft``); this class
opens it, moves it on only from the step shown, and sends the slots and booking requests.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk import speech
from kiosk.booking import Booked, Draft, SlotList, Step
from kiosk.core import FlowCore, Screen
from kiosk.states import PrintState
from kiosk.texts import words

log = logging.getLogger(__name__)


class BookingSteps:
    """What the booking screen's taps and the hub's answers do to the draft."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core

    def open(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.HOME:
            return
        core.draft = Draft()
        core.go(Screen.BOOKING)

    def open_for(self, service_id: str) -> None:
        """Booking a time for one service (collecting ready documents): its days at once."""
        core = self._core
        if core.locked:
            return
        core.draft = Draft()
        core.go(Screen.BOOKING, speak=False)
        self.choose_service(service_id)

    def _at(self, step: Step) -> Draft | None:
        core, draft = self._core, self._core.draft
        if core.locked or core.screen is not Screen.BOOKING or draft is None:
            return None
        return draft if draft.step is step else None

    def choose_service(self, service_id: str) -> None:
        draft, catalogue = self._at(Step.SERVICE), self._core.catalogue
        if draft is None or catalogue is None or catalogue.service(service_id) is None:
            return
        draft.service_id = service_id
        request_id = self._core.request("slots", service_id)
        self._core.requests.list_slots(request_id, service_id)

    def choose_day(self, day: str) -> None:
        draft = self._at(Step.DAY)
        if draft is not None and draft.choose_day(day):
            self._core.stepped()

    def choose_slot(self, start_ms: int) -> None:
        draft = self._at(Step.SLOT)
        if draft is not None and draft.choose_slot(start_ms):
            self._core.stepped()

    def phone_key(self, digit: str) -> None:
        draft = self._at(Step.PHONE)
        if draft is not None and not draft.phone_key(digit) and draft.phone_note:
            self._core.say(words(self._core.language)[draft.phone_note])

    def phone_done(self, skip: bool) -> None:
        draft = self._at(Step.PHONE)
        if draft is not None and draft.phone_done(skip):
            self._core.stepped()

    def confirm(self) -> None:
        draft = self._at(Step.CONFIRM)
        if draft is None or draft.slot is None:
            return
        core = self._core
        request_id = core.request("book", draft.service_id)
        core.requests.book(
            request_id,
            draft.service_id,
            draft.slot.start_ms,
            phone=draft.phone_number(),
            printer_id=core.settings.printer,
            visitor=core.card_visitor(),
        )

    def erase(self) -> None:
        if self._core.draft is not None:
            self._core.draft.erase()

    def back(self) -> bool:
        """One step back; False from the first step (the flow goes home)."""
        draft = self._core.draft
        if draft is None or not draft.back():
            return False
        self._core.stepped()
        return True

    def slots_listed(self, request_id: str, listing: SlotList) -> None:
        """The service's slots; after a booking refused as taken, the next free ones."""
        core = self._core
        pending, draft = core.waited(request_id), core.draft
        if pending is None or draft is None:
            return
        core.pending = None
        if pending.kind == "book":
            draft.taken(listing)
        else:
            draft.listed(listing)
        core.stepped()

    def booked(self, result: Booked) -> None:
        core = self._core
        if core.waited(result.request_id) is None:
            log.warning("booking answer to a request no longer waited for: not shown")
            return
        core.pending = None
        if core.draft is None:
            return
        core.draft.booked = result
        core.draft.step = Step.DONE
        core.printer_from(result.print_state, result.print_error)
        core.stepped()

    def print_update(self, job_id: int, state: PrintState, error: str) -> None:
        """The booking slip's print job, if ``job_id`` is it."""
        draft = self._core.draft
        booked = draft.booked if draft is not None else None
        if draft is not None and booked is not None and booked.job_id == job_id:
            draft.booked = replace(booked, print_state=state, print_error=error)

    def done_shown(self) -> bool:
        """A booking's code is on screen: it stays, like a ticket, to be read."""
        draft = self._core.draft
        return self._core.screen is Screen.BOOKING and draft is not None and draft.step is Step.DONE

    def prompt(self) -> str:
        """What the booking screen says on arrival: its first step, and the booking made."""
        draft, language = self._core.draft, self._core.language
        if draft is None or draft.step not in (Step.SERVICE, Step.DONE):
            return ""
        return speech.prompt("booked" if draft.step is Step.DONE else "booking", language)
