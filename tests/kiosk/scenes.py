"""The kiosk in known states, without a hub: the example branch, fixed waits, a stepped clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.booking import Booked, SlotList, SlotOffer
from kiosk.catalogue import Catalogue, Group, Service, Wait, grouped
from kiosk.core import CardVisitor
from kiosk.flow import KioskFlow
from kiosk.payment import Charge
from kiosk.settings import KioskSettings
from kiosk.states import PrintState
from kiosk.ticket import Issued
from kiosk.view import KioskView
from tests.hub.conftest import MONDAY_10_00

PRINTER = "ticket_printer-P-1"
PIN = "2468"
# kiosk.pin.hash_pin(PIN, salt=b"okno-test-salt", iterations=1000)
PIN_HASH = "pbkdf2_sha256$1000$b2tuby10ZXN0LXNhbHQ$9s5XcLGR8GQuJd2W56FJggKLS9DzNKLm1VSVb08jcNA"


class Clock:
    """The kiosk's monotonic clock in tests, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Requests:
    """The flow's requests, kept for the test to answer."""

    sent: list[tuple[str, str, str, str]] = field(default_factory=list)
    visitors: list[CardVisitor | None] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    # The payment each ticket was asked with (0: none).
    payments: list[int] = field(default_factory=list)
    # The priority category each ticket was claimed with ("": none).
    priorities: list[str] = field(default_factory=list)
    # Whether each ticket was asked in large type (the visitor guided by the voice).
    large: list[bool] = field(default_factory=list)
    # The card PINs handed to the reader, the very buffers (None: cancelled).
    pins: list[bytearray | None] = field(default_factory=list)

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
        self.sent.append(("ticket", request_id, service_id, printer_id))
        self.visitors.append(visitor)
        self.payments.append(payment_id)
        self.priorities.append(priority)
        self.large.append(large)

    def check_in(self, request_id: str, code: str, printer_id: str) -> None:
        self.sent.append(("checkin", request_id, code, printer_id))

    def check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None:
        self.sent.append(("card_checkin", request_id, snils_hash, printer_id))

    def list_slots(self, request_id: str, service_id: str) -> None:
        self.sent.append(("slots", request_id, service_id, ""))

    def book(
        self,
        request_id: str,
        service_id: str,
        slot_start_ms: int,
        *,
        phone: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
    ) -> None:
        self.sent.append(("book", request_id, f"{service_id}@{slot_start_ms}", phone))
        self.visitors.append(visitor)

    def pay(self, request_id: str, charge: Charge, printer_id: str) -> None:
        self.sent.append(("pay", request_id, charge.idempotency_key, printer_id))
        self.charges.append(charge)

    def card_pin(self, pin: bytearray | None) -> None:
        self.pins.append(pin)

    def look_up(self, request_id: str, number: str, phone: str) -> None:
        self.sent.append(("lookup", request_id, number, phone))

    def look_up_by_card(self, request_id: str, snils_hash: str) -> None:
        self.sent.append(("lookup_card", request_id, snils_hash, ""))

    def print_checklist(
        self, request_id: str, service_id: str, printer_id: str, language: str
    ) -> None:
        self.sent.append(("checklist", request_id, service_id, f"{printer_id}/{language}"))

    def send_link(self, request_id: str, service_id: str, phone: str, language: str) -> None:
        self.sent.append(("link", request_id, service_id, phone))

    @property
    def last_id(self) -> str:
        return self.sent[-1][1]


@dataclass
class Speaker:
    said: list[tuple[str, str]] = field(default_factory=list)

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.said]


GROUPS = (
    Group("documents", "Паспорта и документы", "Passports and documents"),
    Group("social", "Социальные услуги и пособия", "Social services and benefits"),
    Group("property", "Недвижимость и регистрация", "Property and registration"),
    Group("consultations", "Консультации и выдача документов", "Consultations and ready documents"),
)
SERVICES = (
    Service("passport", "А", "Паспорт гражданина РФ", "Russian internal passport", "documents"),
    Service("foreign-passport", "Б", "Заграничный паспорт", "International passport", "documents"),
    Service(
        "residence",
        "В",
        "Регистрация по месту жительства",
        "Registration at the place of residence",
        "property",
    ),
    Service("snils", "Г", "СНИЛС", "Pension insurance number (SNILS)", "social"),
    Service("child-benefits", "Д", "Пособия на детей", "Child benefits", "social"),
    Service("maternity-capital", "Е", "Материнский капитал", "Maternity capital", "social"),
    Service(
        "property",
        "Ж",
        "Регистрация недвижимости (Росреестр)",
        "Real estate registration (Rosreestr)",
        "property",
    ),
    Service(
        "egrn",
        "И",
        "Выписка из ЕГРН",
        "Extract from the real estate register (EGRN)",
        "property",
    ),
    Service("inn", "К", "ИНН", "Taxpayer number (INN)", "documents"),
    Service("oms", "Л", "Полис ОМС", "Health insurance policy (OMS)", "social"),
    Service(
        "ready-documents",
        "М",
        "Выдача готовых документов",
        "Collect ready documents",
        "consultations",
    ),
    Service("consultation", "Н", "Консультация", "Consultation", "consultations"),
)
# A paid service, as in examples/branch.toml: 500 ₽ at the kiosk's terminal.
PAID = Service(
    "state-duty",
    "П",
    "Оплата госпошлины",
    "Pay a state duty",
    "consultations",
    50000,
    "Госпошлина за выдачу выписки",
)
WAITS = {
    "passport": Wait(7, 18, True),
    "foreign-passport": Wait(3, 12, True),
    "residence": Wait(0, 0, True),
    "snils": Wait(2, 4, True),
    "child-benefits": Wait(5, 35, True),
    "maternity-capital": Wait(1, 9, True),
    "property": Wait(4, 0, False),
    "egrn": Wait(0, 0, True),
    "inn": Wait(1, 3, True),
    "oms": Wait(12, 22, True),
    "ready-documents": Wait(0, 0, True),
    "consultation": Wait(2, 6, True),
    "state-duty": Wait(0, 0, True),
}
DAY_MS = 86_400_000
SLOT_MS = 20 * 60_000


def slot_list(full_days: tuple[int, ...] = (), taken: tuple[str, ...] = ()) -> SlotList:
    """Passport slots from Monday 23.11 to Monday 30.11, 10:20-17:40 (two seats each);
    ``full_days`` (0 = today) have no seat left, ``taken`` times of today none either."""
    slots = []
    for n in range(8):
        day = f"2026-11-{23 + n}"
        for k in range(23):
            start = MONDAY_10_00 + n * DAY_MS + (k + 1) * SLOT_MS
            minutes = 10 * 60 + (k + 1) * 20
            time = f"{minutes // 60:02d}:{minutes % 60:02d}"
            full = n in full_days or (n == 0 and time in taken)
            slots.append(SlotOffer(start, day, time, 0 if full else 2))
    return SlotList("2026-11-23", "2026-11-30", tuple(slots))


def catalogue(
    url: str = "http://okno-hub.local:8080/t/{ticket}", *, paid: bool = False
) -> Catalogue:
    services, groups = grouped((*SERVICES, PAID) if paid else SERVICES, GROUPS, {})
    return Catalogue(
        "МФЦ района Хамовники",
        "Europe/Moscow",
        services,
        groups,
        ticket_page_url=url,
        collect_service="ready-documents",
    )


@dataclass
class CardSlot:
    """A card reader: the visitor of the card in it, or None."""

    current: CardVisitor | None = None


@dataclass
class Scene:
    flow: KioskFlow
    view: KioskView
    clock: Clock
    requests: Requests
    speaker: Speaker
    card: CardSlot | None = None

    def ticket(
        self,
        number: str = "А018",
        service: str = "passport",
        state: PrintState = PrintState.SENDING,
        error: str = "",
        appointment: str = "",
    ) -> Issued:
        """Answer the flow's last request with a ticket."""
        issued = Issued(
            self.requests.last_id,
            f"2026-11-23/{number}",
            number,
            service,
            7,
            18,
            True,
            MONDAY_10_00 + 60_000,
            41,
            state,
            error,
            appointment,
        )
        self.view.issued(issued)
        return issued

    def booked(self, state: PrintState = PrintState.SENDING, code: str = "K7M4QX") -> Booked:
        """Answer the flow's last booking request with a booking."""
        draft = self.flow.draft
        assert draft is not None and draft.slot is not None
        booked = Booked(
            self.requests.last_id,
            code,
            draft.service_id,
            draft.slot.day,
            draft.slot.time,
            52,
            state,
        )
        self.view.booked(booked)
        return booked


def scene(
    card: CardSlot | None = None,
    *,
    paid: bool = False,
    terminal: bool | None = None,
    **settings: object,
) -> Scene:
    """A kiosk at Monday 10:00 on its home screen, the branch's waits known; with ``card``,
    a card reader; with ``paid``, a paid service and (unless ``terminal`` is False) a card
    terminal that answers."""
    config = {"printer": PRINTER, "dpi": "96", **{k: str(v) for k, v in settings.items()}}
    clock = Clock()
    requests, speaker = Requests(), Speaker()
    flow = KioskFlow(
        KioskSettings().updated(config),
        requests,
        speaker,
        clock=clock,
        new_id=iter(f"request-{n}" for n in range(1, 10_000)).__next__,
        identity=(lambda: card.current) if card is not None else None,
    )
    view = KioskView(flow)
    view.set_catalogue(catalogue(paid=paid))
    view.set_waits(WAITS, MONDAY_10_00)
    view.terminal_state(paid if terminal is None else terminal)
    return Scene(flow, view, clock, requests, speaker, card)
