"""The kiosk's behaviour: screens, taps, the hub's answers, timeouts. Pure: no Qt, no I/O.

Every decision lives here, so tests drive a visitor's whole visit with plain calls and
an injected clock; ``view.py`` only shows this object's state to QML, and the hub is
reached through the injected :class:`Requests` (the I/O thread), whose answers come back
as calls (``issued``, ``refused``, ``unreachable``...).

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
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from kiosk import speech
from kiosk.catalogue import Catalogue, Group, Service, Wait
from kiosk.pin import PinGuard
from kiosk.settings import KioskSettings
from kiosk.texts import hours_in, refusal

log = logging.getLogger(__name__)
T = TypeVar("T")

CODE_LENGTH = 6
# Booking codes (docs/appointments.md): digits and capitals without 0, 1, I, O.
CODE_ALPHABET = frozenset("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
MAX_QUERY = 40
MAX_PIN = 12
# An answer that has not come by then will not come: the I/O side gives up sooner.
PENDING_GUARD_S = 15.0
CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0
# Rows of a list page, by screen and type size (see qml/: what fits a 1080x1920 screen).
PAGE_SIZE = {
    ("home", False): 5,
    ("home", True): 4,
    ("group", False): 7,
    ("group", True): 5,
    ("search", False): 3,
    ("search", True): 2,
}
# Code refusals that the visitor fixes on the keypad itself.
_RETYPE = ("unknown_code", "bad_code")


class Screen(StrEnum):
    STARTING = "starting"
    HOME = "home"
    GROUP = "group"
    SEARCH = "search"
    TICKET = "ticket"
    CHECKIN = "checkin"
    NOTICE = "notice"
    OUT = "out"
    PAIRING = "pairing"
    PIN = "pin"
    SERVICE = "service"


VISITOR_SCREENS = (Screen.HOME, Screen.GROUP, Screen.SEARCH, Screen.CHECKIN, Screen.NOTICE)


class PrintState(StrEnum):
    NONE = "none"  # no printer asked for
    SENDING = "sending"  # kept by the hub, on its way to paper
    PRINTED = "printed"
    FAILED = "failed"


class Printer(StrEnum):
    """What the kiosk knows of its printer before the next tap."""

    NONE = "none"  # none configured: tickets are shown, not printed
    UNKNOWN = "unknown"
    READY = "ready"
    PAPER_OUT = "paper_out"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Issued:
    """A ticket the hub acknowledged for one of this kiosk's requests."""

    request_id: str
    ticket_id: str
    number: str
    service_id: str
    people_ahead: int
    wait_minutes: int
    wait_known: bool
    issued_at_ms: int = 0
    job_id: int = 0
    print_state: PrintState = PrintState.NONE
    print_error: str = ""
    # For a check-in: the slot's local time, "10:20".
    appointment: str = ""


@dataclass(frozen=True, slots=True)
class Pending:
    request_id: str
    kind: str  # "ticket" or "checkin"
    subject: str  # the service id, or the code
    since: float
    # Where the visitor asked from: "back" from a refusal returns there.
    origin: Screen = Screen.HOME


class CardVisitor(Protocol):
    """A visitor identified by card (``card_reader.identity.Visitor``): the name for the
    operator's screen, the SNILS only as the branch's keyed hash (may be empty)."""

    @property
    def name(self) -> str: ...

    @property
    def snils_hash(self) -> str: ...


class Requests(Protocol):
    """The hub's side, reached without waiting; answers come back as calls on the flow."""

    def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
    ) -> None: ...

    def check_in(self, request_id: str, code: str, printer_id: str) -> None: ...


class Speaker(Protocol):
    def say(self, text: str, language: str) -> None: ...


def short_greeting(name: str) -> str:
    """ "Иванова Мария Петровна" -> "Мария И."; "IVANOV/IVAN" (a bank card's
    surname/given name) -> "Ivan I."; one word -> its initial. Nothing else of the name."""
    if "/" in name:
        surname, _, given = name.partition("/")
        parts = [given.split()[0] if given.split() else "", surname.strip()]
    else:
        words = name.split()
        parts = [words[1], words[0]] if len(words) >= 2 else ["", words[0] if words else ""]
    given, surname = (p.strip() for p in parts)
    if given.isupper() and len(given) > 1:
        given = given.capitalize()
    initial = f"{surname[0].upper()}." if surname else ""
    return f"{given} {initial}".strip()


def printer_health(error: str) -> Printer:
    return Printer.PAPER_OUT if error.strip().lower() == "paper out" else Printer.DOWN


class KioskFlow:
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
        self.settings = settings
        # The card in the kiosk's reader, if it has one (card_reader's MemorySink.current);
        # None: no reader, no "identify with card".
        self._identity = identity
        self.identified: CardVisitor | None = None
        # "Identify with card" tapped with no card in the reader.
        self.card_missing = False
        self._requests = requests
        self._speaker = speaker
        self._clock = clock
        self._new_id = new_id
        self.screen = Screen.STARTING
        self.catalogue: Catalogue | None = None
        self.waits: dict[str, Wait] = {}
        self.link = False
        self.printer = Printer.UNKNOWN if settings.printer else Printer.NONE
        self.printer_error = ""
        self.language = settings.language
        self.large = settings.large_on
        self.voice = settings.voice_on
        self.group_id = ""
        self.page = 0
        self.query = ""
        self.keyboard = self.language
        self.selected = ""
        self.pending: Pending | None = None
        self.ticket: Issued | None = None
        self.notice: tuple[str, dict[str, str]] = ("", {})
        self._notice_from = Screen.HOME
        self.code = ""
        self.code_error = ""
        self.pin = ""
        self.pin_failed = False
        self.pairing_code = ""
        self.quit_requested = False
        self.guard = PinGuard(clock)
        self._touched = self._shown_at = clock()
        self._hub_ms: tuple[int, float] | None = None
        self._corner: deque[float] = deque(maxlen=CORNER_TAPS)

    # -- what is shown ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A request is in flight: the screen is locked."""
        return self.pending is not None

    def hub_ms(self) -> int | None:
        """The hub's clock now (from its last queue state), or None before the first."""
        if self._hub_ms is None:
            return None
        at_ms, then = self._hub_ms
        return at_ms + int((self._clock() - then) * 1000)

    def local(self, ms: int | None = None) -> datetime | None:
        """A moment (default: the hub's now) in the branch's zone; None when unknown."""
        ms = self.hub_ms() if ms is None else ms
        if ms is None:
            return None
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        zone = self.catalogue.timezone if self.catalogue else ""
        return moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()

    def shown_for(self) -> float:
        """Seconds since the screen changed."""
        return self._clock() - self._shown_at

    def page_size(self) -> int:
        return PAGE_SIZE.get((self.screen.value, self.large), 1)

    def groups(self) -> list[Group]:
        return self.catalogue.shown_groups() if self.catalogue else []

    def listed(self) -> list[Service]:
        """All services the current list screen holds (every page)."""
        if self.catalogue is None:
            return []
        if self.screen is Screen.GROUP:
            return self.catalogue.in_group(self.group_id)
        if self.screen is Screen.SEARCH:
            return self.catalogue.search(self.query)
        return []

    def pages(self) -> int:
        count = len(self.groups()) if self.screen is Screen.HOME else len(self.listed())
        return max(1, -(-count // self.page_size()))

    def page_of(self, rows: list[T]) -> list[T]:
        size = self.page_size()
        return rows[self.page * size : (self.page + 1) * size]

    def wait(self, service_id: str) -> Wait | None:
        return self.waits.get(service_id)

    # -- the visitor -----------------------------------------------------------------------

    def touch(self) -> None:
        """Any touch: the visitor is still here."""
        self._touched = self._clock()

    @property
    def _locked(self) -> bool:
        return self.pending is not None or self.screen not in (*VISITOR_SCREENS, Screen.TICKET)

    def open_group(self, group_id: str) -> None:
        if self._locked or self.screen is not Screen.HOME or self.catalogue is None:
            return
        group = self.catalogue.group(group_id)
        if group is None:
            return
        self.group_id = group_id
        self._go(Screen.GROUP)

    def open_search(self) -> None:
        if self._locked or self.screen is not Screen.HOME:
            return
        self.query = ""
        self.keyboard = self.language
        self._go(Screen.SEARCH)

    def type_key(self, key: str) -> None:
        if self._locked or self.screen is not Screen.SEARCH or len(self.query) >= MAX_QUERY:
            return
        self.query += key
        self.page = 0
        self.selected = ""

    def switch_keyboard(self) -> None:
        if self.screen is Screen.SEARCH and not self._locked:
            self.keyboard = "en" if self.keyboard == "ru" else "ru"

    def erase(self) -> None:
        """The erase key of whichever keyboard is shown."""
        if self.pending is not None:
            return
        if self.screen is Screen.SEARCH:
            self.query = self.query[:-1]
            self.page = 0
        elif self.screen is Screen.CHECKIN:
            self.code = self.code[:-1]
            self.code_error = ""
        elif self.screen is Screen.PIN:
            self.pin = self.pin[:-1]

    def tap_service(self, service_id: str) -> None:
        """A service tapped: a ticket (with voice guidance on: the first tap tells, the
        second takes)."""
        if self._locked or self.screen not in (Screen.GROUP, Screen.SEARCH):
            return
        service = self.catalogue.service(service_id) if self.catalogue else None
        if service is None:
            return
        if self.voice and self.selected != service_id:
            self.selected = service_id
            wait = self.wait(service_id) or Wait(0, 0, False)
            self._say(
                speech.service_sentence(
                    service.name(self.language),
                    wait.people,
                    wait.minutes,
                    wait.known,
                    self.language,
                )
            )
            return
        self._request("ticket", service_id)

    @property
    def can_identify(self) -> bool:
        """The kiosk has a card reader: "Войти по карте / Identify with card" is offered."""
        return self._identity is not None

    def identify_with_card(self) -> bool:
        """Take the visitor of the card in the reader: the next ticket carries the name
        for the operator (never the hall) and the SNILS hash. False with no card in
        (``card_missing``: the home screen asks for the card)."""
        if self._locked or self._identity is None or self.screen is not Screen.HOME:
            return False
        visitor = self._identity()
        self.identified = visitor if visitor is not None and visitor.name else None
        self.card_missing = self.identified is None
        if self.identified is not None:
            log.info("visitor identified by card")
            self._say(speech.prompt("card_hello", self.language, name=self.greeting_name))
        else:
            self._say(speech.prompt("card_insert", self.language))
        return self.identified is not None

    @property
    def greeting_name(self) -> str:
        """The identified visitor as the home screen greets them: the given name and the
        surname's initial ("Мария И."), never more; "" when nobody is identified."""
        visitor = self._card_visitor()
        return short_greeting(visitor.name) if visitor is not None else ""

    def _card_visitor(self) -> CardVisitor | None:
        """The identified visitor while their card is still in: a card taken out
        withdraws the visitor, and the ticket is an anonymous one."""
        if self.identified is None or self._identity is None:
            return None
        if self._identity() != self.identified:
            self.identified = None
        return self.identified

    def open_check_in(self) -> None:
        if self._locked or self.screen is not Screen.HOME:
            return
        self.code = ""
        self.code_error = ""
        self._go(Screen.CHECKIN)

    def code_key(self, key: str) -> None:
        if self._locked or self.screen is not Screen.CHECKIN or len(self.code) >= CODE_LENGTH:
            return
        self.code += key.upper()
        self.code_error = ""
        self._say(speech.key_word(key, self.language))

    def submit_code(self) -> None:
        if self._locked or self.screen is not Screen.CHECKIN or len(self.code) != CODE_LENGTH:
            return
        self._request("checkin", self.code)

    def typed(self, text: str) -> None:
        """Keys from a physical keyboard or a code scanner (which types what it reads).

        Home or the keypad: the booking code, keeping the last six code characters, so a
        scanned link that ends with the code reads as the code; the search screen: the
        query. Return sends the code, Backspace erases.
        """
        if self._locked:
            return
        if text in ("\r", "\n"):
            self.submit_code()
            return
        if text == "\b":
            self.erase()
            return
        if self.screen is Screen.SEARCH:
            for key in text:
                if key.isalnum() or key == " ":
                    self.type_key(key.lower())
            return
        keys = [key for key in text.upper() if key in CODE_ALPHABET]
        if not keys or self.screen not in (Screen.HOME, Screen.CHECKIN):
            return
        if self.screen is Screen.HOME:
            self.code, self.code_error = "", ""
            self._go(Screen.CHECKIN, speak=False)
        self.code = (self.code + "".join(keys))[-CODE_LENGTH:]
        self.code_error = ""

    def next_page(self) -> None:
        if not self._locked and self.page + 1 < self.pages():
            self.page += 1
            self.selected = ""

    def previous_page(self) -> None:
        if not self._locked and self.page > 0:
            self.page -= 1
            self.selected = ""

    def back(self) -> None:
        """One step back: a notice after a check-in goes back to the keypad."""
        if self._locked:
            return
        if self.screen is Screen.NOTICE:
            if self._notice_from is Screen.CHECKIN:
                self.code = ""
            self._go(self._notice_from)
        elif self.screen is not Screen.HOME:
            self._go(Screen.HOME)

    def home(self) -> None:
        if not self._locked and self.screen is not Screen.HOME:
            self._go(Screen.HOME)

    def toggle_language(self) -> None:
        if self._locked:
            return
        self.language = "en" if self.language == "ru" else "ru"
        self.keyboard = self.language
        self._speak_screen()

    def toggle_large(self) -> None:
        if self._locked:
            return
        self.large = not self.large
        self.page = 0

    def toggle_voice(self) -> None:
        if self._locked:
            return
        self.voice = not self.voice
        self.selected = ""
        if self.voice:
            # One utterance: a newer prompt replaces one not yet begun (voice.py).
            self._speak_screen(lead=speech.prompt("voice_on", self.language))

    # -- the technician --------------------------------------------------------------------

    def corner(self) -> None:
        """A tap on the hidden corner: five within three seconds ask for the PIN."""
        now = self._clock()
        self._corner.append(now)
        if len(self._corner) < CORNER_TAPS or now - self._corner[0] > CORNER_WINDOW_S:
            return
        self._corner.clear()
        if not self.settings.technician_pin:
            log.info("technician sign-in asked for, but no technician_pin is set")
            return
        if self.screen not in (Screen.PIN, Screen.SERVICE):
            self.pin = ""
            self.pin_failed = False
            self._go(Screen.PIN, speak=False)

    def pin_key(self, digit: str) -> None:
        if self.screen is Screen.PIN and len(self.pin) < MAX_PIN and digit.isdigit():
            self.pin += digit
            self.pin_failed = False

    def submit_pin(self) -> None:
        if self.screen is not Screen.PIN or not self.pin:
            return
        entered, self.pin = self.pin, ""
        if self.guard.check(entered, self.settings.technician_pin):
            log.info("technician signed in")
            self._go(Screen.SERVICE, speak=False)
        else:
            log.warning("wrong technician PIN left=%d", self.guard.left)
            self.pin_failed = True

    def resume(self) -> None:
        """Leave the PIN or service screen for the visitors' (or the pairing code)."""
        if self.screen in (Screen.PIN, Screen.SERVICE):
            self.pin = ""
            self._reset()

    def exit_app(self) -> None:
        if self.screen is Screen.SERVICE:
            log.info("technician closed the kiosk")
            self.quit_requested = True

    # -- the hub ---------------------------------------------------------------------------

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        if self.screen is Screen.GROUP and catalogue.group(self.group_id) is None:
            self._go(Screen.HOME, speak=False)
        if self.screen in (Screen.STARTING, Screen.OUT) and self.link:
            self._go(Screen.HOME, speak=False)

    def set_waits(self, waits: dict[str, Wait], hub_ms: int) -> None:
        """The queue's state: each service's wait, and the hub's clock (the hub answered)."""
        self.waits = dict(waits)
        self._hub_ms = (hub_ms, self._clock())
        self.set_link(True)

    def set_link(self, up: bool) -> None:
        was, self.link = self.link, up
        if up:
            if self.screen in (Screen.OUT, Screen.STARTING) and self.catalogue is not None:
                self._go(Screen.HOME, speak=False)
            return
        if was:
            log.warning("hub unreachable: out of service shown")
        if self.pending is None and self.screen in (*VISITOR_SCREENS, Screen.STARTING):
            self._go(Screen.OUT)

    def issued(self, result: Issued) -> None:
        if self.pending is None or result.request_id != self.pending.request_id:
            log.warning("answer to a request no longer waited for: not shown")
            return
        self.pending = None
        self.ticket = result
        self.code = ""
        self._printer_from(result.print_state, result.print_error)
        self._go(Screen.TICKET)

    def refused(self, request_id: str, reason: str, detail: dict[str, str]) -> None:
        if self.pending is None or request_id != self.pending.request_id:
            return
        kind, origin, self.pending = self.pending.kind, self.pending.origin, None
        detail = {**detail, "kind": kind}
        now = self.local()
        if now is not None:
            detail["now"] = f"{now:%H:%M}"
        message = detail.get("message", "")
        hours = hours_in(message)
        if hours is not None:
            detail["from"], detail["until"] = hours
        notice = refusal(reason, detail, self.language)
        if kind == "checkin" and reason in _RETYPE:
            self.code_error = reason
        else:
            self.notice = (reason, detail)
            self._notice_from = origin
            self._go(Screen.NOTICE, speak=False)
        self._say(speech.notice_sentence(notice))

    def unreachable(self, request_id: str) -> None:
        if self.pending is None or request_id != self.pending.request_id:
            return
        self.pending = None
        self.set_link(False)

    def print_update(self, job_id: int, state: PrintState, error: str = "") -> None:
        """What became of a print job the hub took (``Printing.GetPrintJob``)."""
        if self.ticket is not None and self.ticket.job_id == job_id:
            self.ticket = replace(self.ticket, print_state=state, print_error=error)
        self._printer_from(state, error)

    def set_printer(self, health: Printer, error: str = "") -> None:
        """The printer's state learnt before a tap (when the hub can tell it)."""
        if self.settings.printer:
            self.printer, self.printer_error = health, error

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

    def show_pairing(self, code: str) -> None:
        self.pairing_code = code
        if code:
            self._go(Screen.PAIRING, speak=False)
        elif self.screen is Screen.PAIRING:
            self._go(Screen.HOME if self.link and self.catalogue else Screen.STARTING, speak=False)

    def tick(self) -> None:
        """Time passing (every 250 ms): lost answers, idle visitors, tickets read."""
        now = self._clock()
        if self.pending is not None and now - self.pending.since > PENDING_GUARD_S:
            log.warning("no answer from the hub in %.0f s", PENDING_GUARD_S)
            self.unreachable(self.pending.request_id)
        idle = self._idle()
        if self.pending is not None:
            return
        if self.screen is Screen.TICKET:
            if now - max(self._shown_at, self._touched) >= self.settings.result_s:
                self._reset()
        elif self.screen in (*VISITOR_SCREENS[1:], Screen.PIN, Screen.SERVICE):
            if idle >= self.settings.idle_s:
                self._reset()
        elif self.screen is Screen.HOME and idle >= self.settings.idle_s and self._personal():
            self._reset()

    # -- inside ----------------------------------------------------------------------------

    def _idle(self) -> float:
        return self._clock() - self._touched

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
        self.keyboard = self.language

    def _reset(self) -> None:
        """Start over for the next visitor: home (or out of service), defaults, no input."""
        self._take_defaults()
        self.query = self.code = self.pin = self.code_error = ""
        self.ticket = None
        self.identified = None
        if self.pairing_code:
            self._go(Screen.PAIRING, speak=False)
        elif not self.link:
            self._go(Screen.OUT, speak=False)
        else:
            self._go(Screen.HOME, speak=False)

    def _request(self, kind: str, subject: str) -> None:
        request_id = self._new_id()
        self.pending = Pending(request_id, kind, subject, self._clock(), self.screen)
        printer = self.settings.printer
        if kind == "ticket":
            log.info("ticket asked service=%s request=%s", subject, request_id)
            visitor = self._card_visitor()
            if visitor is None:
                self._requests.issue(request_id, subject, printer)
            else:
                self._requests.issue(request_id, subject, printer, visitor)
        else:
            log.info("check-in asked request=%s", request_id)
            self._requests.check_in(request_id, subject, printer)

    def _printer_from(self, state: PrintState, error: str) -> None:
        if not self.settings.printer or state is PrintState.NONE:
            return
        if state is PrintState.FAILED:
            self.printer, self.printer_error = printer_health(error), error
        else:
            self.printer, self.printer_error = Printer.READY, ""

    def _go(self, screen: Screen, *, speak: bool = True) -> None:
        self.screen = screen
        self.card_missing = False
        self.page = 0
        self.selected = ""
        self._shown_at = self._clock()
        if speak:
            self._speak_screen()

    def _speak_screen(self, lead: str = "") -> None:
        """Say what the screen asks for (after ``lead``, in the same utterance)."""
        language = self.language
        said = ""
        if self.screen is Screen.HOME:
            said = speech.prompt("home", language)
        elif self.screen is Screen.GROUP and self.catalogue is not None:
            group = self.catalogue.group(self.group_id)
            if group is not None:
                said = speech.prompt("group", language, name=group.name(language))
        elif self.screen is Screen.SEARCH:
            said = speech.prompt("search", language)
        elif self.screen is Screen.CHECKIN:
            said = speech.prompt("checkin", language)
        elif self.screen is Screen.OUT:
            said = speech.prompt("out", language)
        elif self.screen is Screen.NOTICE:
            reason, detail = self.notice
            said = speech.notice_sentence(refusal(reason, detail, language))
        elif self.screen is Screen.TICKET and self.ticket is not None:
            said = self._ticket_sentence(self.ticket)
        text = f"{lead} {said}".strip()
        if text:
            self._say(text)

    def _ticket_sentence(self, ticket: Issued) -> str:
        printing = {
            PrintState.SENDING: "printed",
            PrintState.PRINTED: "printed",
            PrintState.FAILED: "not_printed",
        }.get(ticket.print_state, "no_printer")
        return speech.ticket_sentence(
            ticket.number,
            people=ticket.people_ahead,
            minutes=ticket.wait_minutes,
            known=ticket.wait_known,
            printing=printing,
            language=self.language,
        )

    def _say(self, text: str) -> None:
        if self.voice:
            self._speaker.say(text, self.language)
