"""What every part of the kiosk's flow shares: the screen, the request in flight, the visitor.

:class:`FlowCore` holds the state the visitor's steps (flow.py and ``steps/``) all read and
the few moves they all make: go to a screen, say something, send a request and match its
answer, note the printer's state. The steps hold a reference to it; the flow is one.
Pure: no Qt, no I/O (the hub is the injected :class:`Requests`).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from kiosk import speech
from kiosk.booking import Draft
from kiosk.catalogue import Catalogue
from kiosk.lookup import LookUp
from kiosk.payment import Charge, Payment
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState, printer_health

log = logging.getLogger(__name__)

# The longest PIN the keypad takes (the technician's, a card's).
MAX_PIN = 12


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
    # The PIN of the card in the kiosk's reader (the card reader asks for it).
    CARD_PIN = "card_pin"
    SERVICE = "service"
    BOOKING = "booking"
    PAYMENT = "payment"
    # An application's status: looked up by its number and phone, or by the card.
    STATUS = "status"
    # A service's page of the catalogue: what to bring (steps/catalogue.py).
    INFO = "info"
    SITUATIONS = "situations"
    # After a service: a regular ticket, or one of a priority category (steps/claims.py).
    CLAIM = "claim"


VISITOR_SCREENS = (
    Screen.HOME,
    Screen.GROUP,
    Screen.SEARCH,
    Screen.CHECKIN,
    Screen.NOTICE,
    Screen.BOOKING,
    Screen.PAYMENT,
    Screen.STATUS,
    Screen.INFO,
    Screen.SITUATIONS,
    Screen.CLAIM,
)


@dataclass(frozen=True, slots=True)
class Pending:
    request_id: str
    # "ticket", "checkin", "card_checkin", "slots", "book", "pay", "lookup", "lookup_card"
    kind: str
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
        payment_id: int = 0,
        *,
        priority: str = "",
        large: bool = False,
    ) -> None:
        """``large``: the slip in large type (the visitor is guided by the voice)."""
        ...

    def check_in(self, request_id: str, code: str, printer_id: str) -> None: ...

    def check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None: ...

    def list_slots(self, request_id: str, service_id: str) -> None: ...

    def book(
        self,
        request_id: str,
        service_id: str,
        slot_start_ms: int,
        *,
        phone: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
    ) -> None: ...

    def pay(self, request_id: str, charge: Charge, printer_id: str) -> None: ...

    def look_up(self, request_id: str, number: str, phone: str) -> None: ...

    def look_up_by_card(self, request_id: str, snils_hash: str) -> None: ...

    def print_checklist(
        self, request_id: str, service_id: str, printer_id: str, language: str
    ) -> None: ...

    def send_link(self, request_id: str, service_id: str, phone: str, language: str) -> None: ...

    def card_pin(self, pin: bytearray | None) -> None:
        """The card's PIN for the card reader (None: cancelled); the flow keeps no copy."""
        ...


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


class FlowCore(ABC):
    """The shared state of one kiosk's flow and the moves every step makes."""

    def __init__(
        self,
        settings: KioskSettings,
        requests: Requests,
        speaker: Speaker,
        *,
        clock: Callable[[], float],
        new_id: Callable[[], str],
        identity: Callable[[], CardVisitor | None] | None,
    ) -> None:
        self.settings = settings
        self.requests = requests
        self.new_id = new_id
        self._speaker = speaker
        self.clock = clock
        # The card in the kiosk's reader, if it has one (card_reader's MemorySink.current);
        # None: no reader, no "identify with card".
        self._identity = identity
        self.identified: CardVisitor | None = None
        # "Identify with card" tapped with no card in the reader.
        self.card_missing = False
        self.screen = Screen.STARTING
        self.catalogue: Catalogue | None = None
        self.link = False
        self.printer = Printer.UNKNOWN if settings.printer else Printer.NONE
        self.printer_error = ""
        # The kiosk's card terminal answers: card payment is offered (else: at the desk).
        self.terminal_ready = False
        self.language = settings.language
        self.large = settings.large_on
        self.voice = settings.voice_on
        self.page = 0
        self.selected = ""
        self.pending: Pending | None = None
        # A booking on its way (Screen.BOOKING), a fee being paid (Screen.PAYMENT).
        self.draft: Draft | None = None
        self.payment: Payment | None = None
        # An application being looked up, or shown (Screen.STATUS); dropped at home.
        self.lookup: LookUp | None = None
        # The phone typed for a service's link (Screen.INFO); dropped on any other screen.
        self.link_phone = ""
        self._touched = self._shown_at = clock()
        self._hub_ms: tuple[int, float] | None = None

    # -- what is shown ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A request is in flight: the screen is locked and says "Подождите" (a payment
        shows the terminal's prompts instead)."""
        return self.pending is not None and self.pending.kind != "pay"

    @property
    def locked(self) -> bool:
        """Visitor actions are ignored: a request is in flight, or no visitor screen."""
        return self.pending is not None or self.screen not in (*VISITOR_SCREENS, Screen.TICKET)

    def hub_ms(self) -> int | None:
        """The hub's clock now (from its last queue state), or None before the first."""
        if self._hub_ms is None:
            return None
        at_ms, then = self._hub_ms
        return at_ms + int((self.clock() - then) * 1000)

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
        return self.clock() - self._shown_at

    def touch(self) -> None:
        """Any touch: the visitor is still here."""
        self._touched = self.clock()

    def shown_afresh(self) -> None:
        """The screen's time starts now, as if just touched (after a wait at the terminal)."""
        self._touched = self._shown_at = self.clock()

    # -- the visitor's identity ------------------------------------------------------------

    @property
    def can_identify(self) -> bool:
        """The kiosk has a card reader: "Войти по карте / Identify with card" is offered."""
        return self._identity is not None

    def identify_with_card(self) -> bool:
        """Take the visitor of the card in the reader: the next ticket carries the name
        for the operator (never the hall) and the SNILS hash. False with no card in
        (``card_missing``: the home screen asks for the card)."""
        if self.locked or self._identity is None or self.screen is not Screen.HOME:
            return False
        visitor = self._identity()
        self.identified = visitor if visitor is not None and visitor.name else None
        self.card_missing = self.identified is None
        if self.identified is not None:
            log.info("visitor identified by card")
            self.say(speech.prompt("card_hello", self.language, name=self.greeting_name))
        else:
            self.say(speech.prompt("card_insert", self.language))
        return self.identified is not None

    @property
    def greeting_name(self) -> str:
        """The identified visitor as the home screen greets them: the given name and the
        surname's initial ("Мария И."), never more; "" when nobody is identified."""
        visitor = self.card_visitor()
        return short_greeting(visitor.name) if visitor is not None else ""

    def card_in_reader(self) -> CardVisitor | None:
        """The visitor of the card in the reader now (None: no card, or no reader)."""
        return self._identity() if self._identity is not None else None

    def card_visitor(self) -> CardVisitor | None:
        """The identified visitor while their card is still in: a card taken out
        withdraws the visitor, and the ticket is an anonymous one."""
        if self.identified is None or self._identity is None:
            return None
        if self._identity() != self.identified:
            self.identified = None
        return self.identified

    # -- moves -----------------------------------------------------------------------------

    def go(self, screen: Screen, *, speak: bool = True) -> None:
        self.screen = screen
        if screen in (Screen.HOME, Screen.OUT):
            # Nothing of an application stays once its visitor left the status screen.
            self.lookup = None
        if screen is not Screen.INFO:
            self.link_phone = ""
        self.card_missing = False
        self.page = 0
        self.selected = ""
        self._shown_at = self.clock()
        if speak:
            self.speak_screen()

    def stepped(self) -> None:
        """The step within a screen changed: its first page, its time, its prompt."""
        self.page = 0
        self._shown_at = self.clock()
        self.speak_screen()

    def speak_screen(self, lead: str = "") -> None:
        """Say what the screen asks for (after ``lead``, in the same utterance)."""
        text = f"{lead} {self.screen_prompt()}".strip()
        if text:
            self.say(text)

    @abstractmethod
    def screen_prompt(self) -> str:
        """What the screen shown asks for, said when it appears ("" for nothing)."""

    def say(self, text: str) -> None:
        if self.voice:
            self._speaker.say(text, self.language)

    def request(self, kind: str, subject: str) -> str:
        """A request about to be sent: the screen locks until its answer; its id."""
        request_id = self.new_id()
        self.pending = Pending(request_id, kind, subject, self.clock(), self.screen)
        log.info("%s asked request=%s", kind, request_id)
        return request_id

    def waited(self, request_id: str) -> Pending | None:
        """The request in flight if ``request_id`` is its id (else the answer is stale)."""
        pending = self.pending
        return pending if pending is not None and pending.request_id == request_id else None

    def request_ticket(self, service_id: str, payment_id: int = 0, priority: str = "") -> None:
        """A ticket for ``service_id``, carrying the identified visitor if any, the
        payment of its fee when the visitor just paid it (the operator sees it paid), and
        the priority category the visitor claimed."""
        request_id = self.request("ticket", service_id)
        visitor, printer = self.card_visitor(), self.settings.printer
        # A visitor the voice guides gets the slip in large type (impaired sight).
        self.requests.issue(
            request_id,
            service_id,
            printer,
            visitor,
            payment_id,
            priority=priority,
            large=self.voice,
        )

    def printer_from(self, state: PrintState, error: str) -> None:
        """What a print job's state says of the printer."""
        if not self.settings.printer or state is PrintState.NONE:
            return
        if state is PrintState.FAILED:
            self.printer, self.printer_error = printer_health(error), error
        else:
            self.printer, self.printer_error = Printer.READY, ""
