"""The kiosk in known states, without a hub: the example branch, fixed waits, a stepped clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.catalogue import Catalogue, Group, Service, Wait, grouped
from kiosk.flow import CardVisitor, Issued, KioskFlow, PrintState
from kiosk.settings import KioskSettings
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

    def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
    ) -> None:
        self.sent.append(("ticket", request_id, service_id, printer_id))
        self.visitors.append(visitor)

    def check_in(self, request_id: str, code: str, printer_id: str) -> None:
        self.sent.append(("checkin", request_id, code, printer_id))

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
}


def catalogue(url: str = "http://okno-hub.local:8080/t/{ticket}") -> Catalogue:
    services, groups = grouped(SERVICES, GROUPS, {})
    return Catalogue("МФЦ района Хамовники", "Europe/Moscow", services, groups, ticket_page_url=url)


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


def scene(card: CardSlot | None = None, **settings: object) -> Scene:
    """A kiosk at Monday 10:00 on its home screen, the branch's waits known; with ``card``,
    a card reader."""
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
    view.set_catalogue(catalogue())
    view.set_waits(WAITS, MONDAY_10_00)
    return Scene(flow, view, clock, requests, speaker, card)
