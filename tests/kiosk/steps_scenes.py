"""The booking, payment and card check-in screens in known states (test_screens.py)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.payment import Paid, PaidState
from kiosk.states import PrintState
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import SLOT_MS, Scene, slot_list

TEN_40 = MONDAY_10_00 + 2 * SLOT_MS


def book_service(s: Scene) -> None:
    s.view.openBooking()


def book_day(s: Scene) -> None:
    book_service(s)
    s.view.choose("passport")
    s.view.slots_listed(s.requests.last_id, slot_list(full_days=(2,)))


def book_slot(s: Scene) -> None:
    book_day(s)
    s.view.choose("2026-11-23")


def book_phone(s: Scene) -> None:
    book_slot(s)
    s.view.choose(str(TEN_40))
    for digit in "916123":
        s.view.phoneKey(digit)


def book_confirm(s: Scene) -> None:
    book_phone(s)
    for digit in "4567":
        s.view.phoneKey(digit)
    s.view.phoneDone(False)


def book_taken(s: Scene) -> None:
    book_confirm(s)
    s.view.confirmBooking()
    s.view.slots_listed(s.requests.last_id, slot_list(taken=("10:40", "11:00")))


def booked(s: Scene) -> None:
    book_confirm(s)
    s.view.confirmBooking()
    s.booked()


def booked_printed(s: Scene) -> None:
    booked(s)
    s.view.print_update(52, PrintState.PRINTED, "")


def booking_busy(s: Scene) -> None:
    book_confirm(s)
    s.view.confirmBooking()


def pay_offer(s: Scene) -> None:
    s.view.openGroup("consultations")
    s.view.tapService("state-duty")


def paying(s: Scene) -> None:
    pay_offer(s)
    s.view.payNow()
    s.view.payment_prompt(s.requests.last_id, "Вставьте или приложите карту")


def paid_as(state: PaidState, reason_ru: str = "", reason_en: str = "") -> Callable[[Scene], None]:
    def make(s: Scene) -> None:
        paying(s)
        lines = ("ОПЛАТА 500,00 RUB", "ОДОБРЕНО") if state is PaidState.APPROVED else ()
        paid = Paid(state, 7, reason_ru, reason_en, lines)
        receipt = (61, PrintState.SENDING, "") if lines else (0, PrintState.NONE, "")
        s.view.paid(s.requests.last_id, paid, receipt)

    return make


def card_checkin(s: Scene) -> None:
    from tests.kiosk.test_card import VISITOR

    assert s.card is not None
    s.card.current = VISITOR
    s.view.identifyWithCard()


def card_pin(s: Scene) -> None:
    s.view.card_pin_asked(2, True)
    for digit in "12":
        s.view.pinKey(digit)


STEPS: list[tuple[str, Callable[[Scene], None]]] = [
    ("book-service", book_service),
    ("book-day", book_day),
    ("book-slot", book_slot),
    ("book-phone", book_phone),
    ("book-confirm", book_confirm),
    ("book-taken", book_taken),
    ("booking-busy", booking_busy),
    ("booked", booked),
    ("booked-printed", booked_printed),
    ("pay-offer", pay_offer),
    # No card terminal answers: where to pay instead.
    ("pay-desk", pay_offer),
    ("paying", paying),
    ("paid", paid_as(PaidState.APPROVED)),
    ("pay-declined", paid_as(PaidState.DECLINED, "Недостаточно средств", "Insufficient funds")),
    ("pay-cancelled", paid_as(PaidState.CANCELLED)),
    ("pay-unknown", paid_as(PaidState.UNKNOWN)),
    ("pay-unavailable", paid_as(PaidState.UNAVAILABLE)),
    ("card-checkin", card_checkin),
    ("card-pin", card_pin),
]
