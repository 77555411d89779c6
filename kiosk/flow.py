"""The kiosk's behaviour: screens, taps, the hub's answers, timeouts. Pure: no Qt, no I/O.

Every decision lives here and in the parts :class:`KioskFlow` composes (``core.py``: the
state they share and the moves they all make; ``steps/``: the lists and search, booking,
payment, the card, check-in by code, the technician), so tests drive a visitor's whole
visit with plain calls and an injected clock; ``view.py`` only shows this state to QML,
and the hub is reached through the injected :class:`~kiosk.core.Requests` (the I/O
thread), whose answers come back as calls (``issued``, ``refused``, ``unreachable``,
``booking.booked``...).

The rules a visitor relies on:
- **No phantom ticket**: a number is shown only from the hub's answer to this kiosk's
  own request (matched by request id); a late answer to an abandoned request is dropped.
- **One tap, one ticket**: while a request is in flight every visitor action is ignored
  (and the screen shows "Подождите"), so a double tap sends one request; the I/O side
  retries a request with the same id, which the hub answers with the same ticket.
- **Honest states**: the hub unreachable turns every visitor screen into "Терминал
  временно не работает, обратитесь к консультанту" (a ticket already shown stays, so its
  number can still be read); a printer known to be out of paper is said before a tap.
- **Left alone, it starts over**: after ``idle_s`` without a touch (``result_s`` on a
  ticket) it goes home and takes back the language, type size and voice a visitor chose.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

from kiosk import speech
from kiosk.booking import limit_names
from kiosk.catalogue import Catalogue, Wait
from kiosk.core import VISITOR_SCREENS, CardVisitor, FlowCore, Requests, Screen, Speaker
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState
from kiosk.steps.booking import BookingSteps
from kiosk.steps.card import CardSteps
from kiosk.steps.catalogue import KINDS as INFO_KINDS
from kiosk.steps.catalogue import InfoSteps
from kiosk.steps.checkin import RETYPE, CheckInSteps
from kiosk.steps.claims import ClaimSteps
from kiosk.steps.lists import ListSteps
from kiosk.steps.lookup import LookUpSteps
from kiosk.steps.payment import PAYING_GUARD_S, PaymentSteps
from kiosk.steps.technician import TechnicianSteps
from kiosk.texts import hours_in, refusal
from kiosk.ticket import Issued, spoken

log = logging.getLogger(__name__)

# An answer that has not come by then will not come: the I/O side gives up sooner.
PENDING_GUARD_S = 15.0


class KioskFlow(FlowCore):
    """The whole kiosk: taps, tickets, the hub's answers and time passing here; the steps
    in ``lists``, ``booking``, ``paying``, ``card``, ``checkin`` and ``technician``."""

    def __init__(
        self,
        settings: KioskSettings,
        requests: Requests,
        speaker: Speaker,
        *,
        clock: Callable[[], float] = time.monotonic,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        identity: Callable[[], CardVisitor | None] | None = None,
    ) -> None:
        super().__init__(settings, requests, speaker, clock=clock, new_id=new_id, identity=identity)
        self.booking = BookingSteps(self)
        self.paying = PaymentSteps(self)
        self.card = CardSteps(self)
        self.checkin = CheckInSteps(self)
        self.technician = TechnicianSteps(self)
        self.lists = ListSteps(self)
        self.info = InfoSteps(self, self.lists)
        self.applications = LookUpSteps(self)
        self.claims = ClaimSteps(self)
        self.waits: dict[str, Wait] = {}
        self.ticket: Issued | None = None
        self.notice: tuple[str, dict[str, str]] = ("", {})
        self._notice_from = Screen.HOME
        self.pairing_code = ""
        # The fingerprint of the CA the hub presented, shown with the code for the
        # technician to compare with the hub's own (okno provision list).
        self.pairing_authority = ""

    # -- what is shown ---------------------------------------------------------------------

    def wait(self, service_id: str) -> Wait | None:
        return self.waits.get(service_id)

    # -- the visitor -----------------------------------------------------------------------

    def erase(self) -> None:
        """The erase key of whichever keyboard is shown."""
        if self.pending is not None:
            return
        if self.screen is Screen.SEARCH:
            self.lists.erase()
        elif self.screen is Screen.CHECKIN:
            self.checkin.erase()
        elif self.screen is Screen.PIN:
            self.technician.erase()
        elif self.screen is Screen.CARD_PIN:
            self.card.erase()
        elif self.screen is Screen.BOOKING:
            self.booking.erase()
        elif self.screen is Screen.STATUS:
            self.applications.erase()
        elif self.screen is Screen.INFO:
            self.info.erase()

    def tap_service(self, service_id: str) -> None:
        """A service tapped: a ticket (with voice guidance on: the first tap tells, the
        second takes)."""
        if self.locked or self.screen not in (Screen.GROUP, Screen.SEARCH):
            return
        service = self.catalogue.service(service_id) if self.catalogue else None
        if service is None:
            return
        if self.voice and self.selected != service_id:
            self.selected = service_id
            self.say(self.selected_sentence())
            return
        if service.fee_kopecks > 0:
            self.paying.offer(service)
            return
        self.claims.offer(service_id)

    def selected_sentence(self) -> str:
        """What a first tap on a service says (and the voice line shows): its name, its
        wait, and how to take the ticket; "" with none selected."""
        service = self.catalogue.service(self.selected) if self.catalogue else None
        if service is None:
            return ""
        wait = self.wait(service.id) or Wait(0, 0, False)
        name = service.name(self.language)
        return speech.service_sentence(name, wait.people, wait.minutes, wait.known, self.language)

    def typed(self, text: str) -> None:
        """Keys from a physical keyboard or a code scanner (which types what it reads):
        the search screen's query, else the booking code (``CheckInSteps.scanned``).
        Return sends the code, Backspace erases."""
        if self.locked:
            return
        if text in ("\r", "\n"):
            self.checkin.submit()
            return
        if text == "\b":
            self.erase()
            return
        if self.screen is Screen.SEARCH:
            self.lists.typed(text)
            return
        self.checkin.scanned(text)

    def back(self) -> None:
        """One step back: a notice after a check-in goes back to the keypad."""
        if self.locked:
            return
        if self.screen is Screen.NOTICE:
            if self._notice_from is Screen.CHECKIN:
                self.checkin.code = ""
            self.go(self._notice_from)
        elif self._stepped_back():
            return
        elif self.screen is Screen.PAYMENT:
            self.paying.back()
        elif self.screen is not Screen.HOME:
            self.go(Screen.HOME)

    def _stepped_back(self) -> bool:
        """A step back within the booking or the look-up (False: none left there)."""
        if self.screen is Screen.BOOKING:
            return self.booking.back()
        if self.screen is Screen.CLAIM:
            return self.claims.back()
        return (self.screen is Screen.STATUS and self.applications.back()) or self.info.back()

    def home(self) -> None:
        if not self.locked and self.screen is not Screen.HOME:
            self.go(Screen.HOME)

    def collect(self) -> None:
        """Book a time to collect the ready documents of the application shown."""
        if self.locked or self.catalogue is None or self.applications.collectable() is None:
            return
        self.booking.open_for(self.catalogue.collect_service)

    def toggle_language(self) -> None:
        if self.locked:
            return
        self.language = "en" if self.language == "ru" else "ru"
        self.lists.keyboard = self.language
        self.speak_screen()

    def toggle_large(self) -> None:
        if self.locked:
            return
        self.large = not self.large
        self.page = 0

    def toggle_voice(self) -> None:
        if self.locked:
            return
        self.voice = not self.voice
        self.selected = ""
        if self.voice:
            # One utterance: a newer prompt replaces one not yet begun (voice.py).
            self.speak_screen(lead=speech.prompt("voice_on", self.language))

    # -- the PIN keypad: the technician's, or the card's ------------------------------------

    def pin_key(self, digit: str) -> None:
        if not (len(digit) == 1 and digit.isdigit()):
            return
        if self.screen is Screen.CARD_PIN:
            self.card.key(digit)
        if self.screen is Screen.PIN:
            self.technician.key(digit)

    def submit_pin(self) -> None:
        if self.screen is Screen.CARD_PIN:
            self.card.submit()
        elif self.screen is Screen.PIN:
            self.technician.submit()

    def resume(self) -> None:
        """Leave the PIN or service screen for the visitors' (or the pairing code); on the
        card's PIN screen: cancel the PIN."""
        if self.screen is Screen.CARD_PIN:
            self.card.cancel()
        elif self.screen in (Screen.PIN, Screen.SERVICE):
            self.technician.pin = ""
            self._reset()

    # -- the hub ---------------------------------------------------------------------------

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        if self.screen is Screen.GROUP and catalogue.group(self.lists.group_id) is None:
            self.go(Screen.HOME, speak=False)
        if self.screen in (Screen.STARTING, Screen.OUT) and self.link:
            self.go(Screen.HOME, speak=False)

    def set_waits(self, waits: dict[str, Wait], hub_ms: int) -> None:
        """The queue's state: each service's wait, and the hub's clock (the hub answered)."""
        self.waits = dict(waits)
        self._hub_ms = (hub_ms, self.clock())
        self.set_link(True)

    def set_link(self, up: bool) -> None:
        was, self.link = self.link, up
        if up:
            if self.screen in (Screen.OUT, Screen.STARTING) and self.catalogue is not None:
                self.go(Screen.HOME, speak=False)
            return
        if was:
            log.warning("hub unreachable: out of service shown")
        shown = self.screen in (*VISITOR_SCREENS, Screen.STARTING)
        if self.pending is None and shown and not self.booking.done_shown():
            self.go(Screen.OUT)

    def issued(self, result: Issued) -> None:
        if self.waited(result.request_id) is None:
            log.warning("answer to a request no longer waited for: not shown")
            return
        self.pending = None
        self.ticket = result
        self.checkin.code = ""
        self.printer_from(result.print_state, result.print_error)
        self.go(Screen.TICKET)

    def refused(self, request_id: str, reason: str, detail: dict[str, str]) -> None:
        pending = self.waited(request_id)
        if pending is None:
            return
        self.pending = None
        if pending.kind in ("lookup", "lookup_card"):
            by_card = pending.kind == "lookup_card"
            self.applications.refused(reason, detail.get("message", ""), by_card=by_card)
            return
        if pending.kind in INFO_KINDS:
            self.info.refused(pending.kind, reason, detail.get("message", ""))
            return
        detail = {**detail, "kind": pending.kind}
        now = self.local()
        if now is not None:
            detail["now"] = f"{now:%H:%M}"
        message = detail.get("message", "")
        hours = hours_in(message)
        if hours is not None:
            detail["from"], detail["until"] = hours
        slot_ms = detail.get("slot-ms", "")
        if reason == "booking_limit" and slot_ms.isdigit() and self.catalogue is not None:
            held = self.local(int(slot_ms))
            if held is not None:
                detail.update(limit_names(self.catalogue, detail))
                detail["held-date"], detail["held-time"] = held.date().isoformat(), f"{held:%H:%M}"
        notice = refusal(reason, detail, self.language)
        if pending.kind == "checkin" and reason in RETYPE:
            self.checkin.error = reason
        else:
            self.notice = (reason, detail)
            self._notice_from = pending.origin
            self.go(Screen.NOTICE, speak=False)
        self.say(speech.notice_sentence(notice))

    def unreachable(self, request_id: str) -> None:
        pending = self.waited(request_id)
        if pending is None:
            return
        self.pending = None
        if pending.kind == "pay" and self.paying.unanswered():
            return
        self.set_link(False)

    def print_update(self, job_id: int, state: PrintState, error: str = "") -> None:
        """What became of a print job the hub took (``Printing.GetPrintJob``)."""
        if self.ticket is not None and self.ticket.job_id == job_id:
            self.ticket = replace(self.ticket, print_state=state, print_error=error)
        self.booking.print_update(job_id, state, error)
        self.paying.print_update(job_id, state, error)
        self.info.print_update(job_id, state, error)
        self.printer_from(state, error)

    def set_printer(self, health: Printer, error: str = "") -> None:
        """The printer's state learnt before a tap (when the hub can tell it)."""
        if self.settings.printer:
            self.printer, self.printer_error = health, error

    def set_terminal(self, ready: bool) -> None:
        """Whether the kiosk's card terminal answers (a kiosk without one: never)."""
        self.terminal_ready = ready

    def apply_settings(self, settings: KioskSettings) -> None:
        changed_printer = settings.printer != self.settings.printer
        self.settings = settings
        if changed_printer:
            self.printer = Printer.UNKNOWN if settings.printer else Printer.NONE
            self.printer_error = ""
        if self.screen not in (*VISITOR_SCREENS, Screen.TICKET) or (
            self.screen is Screen.HOME and self._idle() > 1.0
        ):
            self._take_defaults()

    def show_authority(self, fingerprint: str) -> None:
        self.pairing_authority = fingerprint

    def show_pairing(self, code: str) -> None:
        self.pairing_code = code
        if code:
            self.go(Screen.PAIRING, speak=False)
        elif self.screen is Screen.PAIRING:
            self.go(Screen.HOME if self.link and self.catalogue else Screen.STARTING, speak=False)

    def tick(self) -> None:
        """Time passing (every 250 ms): lost answers, idle visitors, tickets read."""
        now = self.clock()
        guard = PAYING_GUARD_S if self.pending and self.pending.kind == "pay" else PENDING_GUARD_S
        if self.pending is not None and now - self.pending.since > guard:
            log.warning("no answer in %.0f s", guard)
            self.unreachable(self.pending.request_id)
        idle = self._idle()
        if self.pending is not None:
            return
        self.applications.watch_card()
        if self.screen is Screen.TICKET or self.booking.done_shown():
            if now - max(self._shown_at, self._touched) >= self.settings.result_s:
                self._reset()
        elif self.screen in (*VISITOR_SCREENS[1:], Screen.PIN, Screen.SERVICE):
            if idle >= self.settings.idle_s:
                self._reset()
        elif self.screen is Screen.HOME and idle >= self.settings.idle_s and self._personal():
            self._reset()

    # -- inside ----------------------------------------------------------------------------

    def _idle(self) -> float:
        return self.clock() - self._touched

    def _personal(self) -> bool:
        """Whether a visitor changed something that the next visitor should not find."""
        settings = self.settings
        return (
            self.language != settings.language
            or self.large != settings.large_on
            or self.voice != settings.voice_on
            or self.page != 0
        )

    def _take_defaults(self) -> None:
        self.language = self.settings.language
        self.large = self.settings.large_on
        self.voice = self.settings.voice_on
        self.lists.keyboard = self.language

    def _reset(self) -> None:
        """Start over for the next visitor: home (or out of service), defaults, no input."""
        self._take_defaults()
        self.lists.query = self.technician.pin = ""
        self.checkin.clear()
        self.ticket = None
        self.draft = self.payment = None
        self.lookup = None
        self.identified = None
        if self.pairing_code:
            self.go(Screen.PAIRING, speak=False)
        elif not self.link:
            self.go(Screen.OUT, speak=False)
        else:
            self.go(Screen.HOME, speak=False)

    def screen_prompt(self) -> str:
        language = self.language
        if self.screen is Screen.GROUP and self.catalogue is not None:
            group = self.catalogue.group(self.lists.group_id)
            return speech.prompt("group", language, name=group.name(language)) if group else ""
        if self.screen in (Screen.HOME, Screen.SEARCH, Screen.CHECKIN, Screen.OUT):
            return speech.prompt(self.screen.value, language)
        if self.screen is Screen.BOOKING:
            return self.booking.prompt()
        if self.screen is Screen.PAYMENT:
            return self.paying.prompt()
        if self.screen is Screen.STATUS:
            return self.applications.prompt()
        if self.screen in (Screen.INFO, Screen.SITUATIONS):
            return self.info.prompt()
        if self.screen is Screen.CLAIM:
            return self.claims.prompt()
        if self.screen is Screen.NOTICE:
            reason, detail = self.notice
            return speech.notice_sentence(refusal(reason, detail, language))
        if self.screen is Screen.TICKET and self.ticket is not None:
            claimed = self.claims.ticket_sentence(self.ticket.priority)
            return f"{spoken(self.ticket, language)} {claimed}".strip()
        return ""
