"""Booking a time, paying a fee and checking in by card, as a visitor goes through them."""

from __future__ import annotations

from dataclasses import replace

from kiosk.booking import Draft, day_label, phone_shown, slip_lines
from kiosk.core import Screen
from kiosk.payment import Paid, PaidState, rubles
from kiosk.payment import Step as PayStep
from kiosk.states import PrintState
from kiosk.steps.payment import PAYING_GUARD_S
from okno.privacy import contacts_notice
from tests.kiosk.scenes import CardSlot, catalogue, scene, slot_list
from tests.kiosk.steps_scenes import (
    TEN_40,
    book_confirm,
    book_service,
    book_slot,
    pay_offer,
    paying,
)
from tests.kiosk.test_card import VISITOR


def test_a_visitor_books_a_time_and_sees_the_code_large() -> None:
    s = scene()
    s.view.openBooking()
    assert s.view.value("bookStep") == "service"
    s.view.choose("passport")
    assert s.requests.sent[-1][:3] == ("slots", "request-1", "passport")
    assert s.view.value("busy")
    s.view.slots_listed("request-1", slot_list(full_days=(2,)))
    days = s.view.choices.rows
    assert [row[1] for row in days[:3]] == [
        "Сегодня, 23 ноября",
        "Завтра, 24 ноября",
        "ср, 25 ноября",
    ]
    assert days[2][2:] == ("мест нет", False)
    s.view.choose("2026-11-25")  # a full day: nothing happens
    assert s.view.value("bookStep") == "day"
    s.view.choose("2026-11-23")
    assert s.view.choices.rows[0][1] == "10:20"
    s.view.choose(str(TEN_40))
    for digit in "89161234567":  # a leading 8 is not typed: +7 is there
        s.view.phoneKey(digit)
    assert s.view.value("phoneText") == "+7 916 123-45-67"
    s.view.phoneDone(False)
    summary = s.view.value("summary")
    # The visitor who just typed the number checks it in full before booking.
    assert isinstance(summary, list) and summary[2] == ["СМС-напоминание", "+7 916 123-45-67"]
    s.view.confirmBooking()
    s.view.confirmBooking()
    books = [sent for sent in s.requests.sent if sent[0] == "book"]
    assert books == [("book", "request-2", f"passport@{TEN_40}", "+79161234567")]
    s.booked()
    assert s.view.value("bookedCode") == "K7M4QX"
    assert s.view.value("bookedWhen") == "Сегодня, 23 ноября в 10:40"
    assert s.view.value("bookedPrint") == "Печатаем листок с кодом…"
    s.view.print_update(52, PrintState.PRINTED, "")
    assert s.view.value("bookedPrint") == "Возьмите листок с кодом из принтера"


def test_a_first_digit_other_than_9_is_refused_with_what_the_keypad_expects() -> None:
    s = scene(voice="on")
    book_slot(s)
    s.view.choose(str(TEN_40))
    hint = s.view.value("bookNote")
    s.view.phoneKey("4")
    assert s.view.value("phoneText") == "+7 ___ ___-__-__"
    assert s.view.value("bookNote") == "Номер мобильного начинается с 9: +7 9XX XXX-XX-XX"
    assert s.speaker.texts[-1] == "Номер мобильного начинается с 9: +7 9XX XXX-XX-XX"
    s.view.phoneKey("8")
    assert s.view.value("bookNote") == "+7 уже набрано: наберите номер без 8, с цифры 9"
    s.view.phoneKey("9")
    assert s.view.value("phoneText") == "+7 9__ ___-__-__"
    assert s.view.value("bookNote") == hint == "Необязательно: можно без напоминания"
    s.view.toggleLanguage()
    s.view.erase()
    s.view.phoneKey("7")
    assert s.view.value("bookNote") == "A mobile number starts with 9: +7 9XX XXX-XX-XX"


def test_a_day_the_centre_is_closed_says_so_and_a_full_day_says_no_seats() -> None:
    s = scene()
    book_service(s)
    s.view.choose("passport")
    listing = slot_list(full_days=(2,))
    # No reception on Sunday 29.11, and today's times all begun: the hub lists no slot.
    open_days = tuple(o for o in listing.slots if o.day not in ("2026-11-23", "2026-11-29"))
    s.view.slots_listed(s.requests.last_id, replace(listing, slots=open_days))
    rows = {row[1]: row[2:] for row in s.view.choices.rows}
    assert rows["Сегодня, 23 ноября"] == ("приём окончен", False)
    assert rows["ср, 25 ноября"] == ("мест нет", False)
    assert rows["вс, 29 ноября"] == ("МФЦ не работает", False)
    assert rows["пн, 30 ноября"] == ("свободно: 23", True)
    s.view.toggleLanguage()
    rows = {row[1]: row[2:] for row in s.view.choices.rows}
    assert rows["Sun, November 29"] == ("the centre is closed", False)


def test_a_slot_taken_meanwhile_offers_the_next_free_ones() -> None:
    s = scene()
    book_confirm(s)
    s.view.confirmBooking()
    s.view.slots_listed(s.requests.last_id, slot_list(taken=("10:40", "11:00")))
    assert s.view.value("bookStep") == "slot"
    assert s.view.value("bookNote") == "Это время только что заняли. Ближайшее свободное:"
    assert [row[1] for row in s.view.choices.rows] == [
        "10:20",
        "11:20",
        "11:40",
        "12:00",
        "12:20",
        "12:40",
    ]


def test_no_free_time_and_a_service_without_appointments_are_said() -> None:
    s = scene()
    s.view.openBooking()
    s.view.choose("passport")
    s.view.slots_listed(s.requests.last_id, slot_list(full_days=tuple(range(8))))
    assert s.view.value("bookNote") == (
        "Свободного времени на эти дни нет: возьмите талон в общую очередь"
    )
    s.view.back()
    s.view.choose("inn")
    s.view.refused(s.requests.last_id, "not_bookable", {})
    assert s.view.value("screen") == "notice"
    assert s.view.value("noticeTitle") == "На эту услугу запись не ведётся"
    s.view.back()
    assert s.view.value("screen") == "booking" and s.view.value("bookStep") == "service"


def test_the_hub_unreachable_while_booking_shows_out_of_service() -> None:
    s = scene()
    book_confirm(s)
    s.view.confirmBooking()
    s.view.unreachable(s.requests.last_id)
    assert s.flow.screen is Screen.OUT


def test_a_booking_code_stays_on_screen_then_the_kiosk_starts_over() -> None:
    s = scene()
    book_confirm(s)
    s.view.confirmBooking()
    s.booked()
    s.view.set_link(False)
    assert s.view.value("bookedCode") == "K7M4QX"
    s.view.set_link(True)
    s.clock.advance(s.flow.settings.result_s + 1)
    s.view.tick()
    assert s.flow.screen is Screen.HOME and s.flow.draft is None


def test_a_visitor_identified_by_card_books_with_the_snils_hash() -> None:
    card = CardSlot(VISITOR)
    s = scene(card)
    s.view.identifyWithCard()
    book_confirm(s)
    s.view.confirmBooking()
    assert s.requests.visitors[-1] == VISITOR


def test_a_paid_service_offers_to_pay_now_or_at_the_desk() -> None:
    s = scene(paid=True)
    pay_offer(s)
    assert s.flow.screen is Screen.PAYMENT
    assert s.view.value("payAmount") == "500\u00a0₽"
    s.view.takeTicket()
    assert s.requests.sent[-1][:3] == ("ticket", "request-1", "state-duty")


def test_without_a_terminal_that_answers_card_payment_is_not_offered_and_the_desk_is_named() -> (
    None
):
    s = scene(paid=True, terminal=False, voice="on")
    pay_offer(s)
    s.view.tapService("state-duty")  # with voice guidance, the second tap takes it
    assert not s.view.value("payCard")
    assert s.view.value("payWhere") == (
        "Картой здесь оплатить нельзя. Возьмите талон и оплатите у окна, когда вас вызовут"
    )
    assert "Картой здесь оплатить нельзя" in s.speaker.texts[-1]
    s.view.payNow()
    assert s.requests.charges == [], "a tap where no terminal answers charges nothing"
    s.view.terminal_state(True)
    assert s.view.value("payCard") and s.view.value("payWhere") == ""
    s.view.payNow()
    assert len(s.requests.charges) == 1


def test_an_unavailable_terminal_offers_no_retry_and_the_next_visitor_no_card() -> None:
    s = scene(paid=True)
    paying(s)
    down = Paid(PaidState.UNAVAILABLE, 0, "Терминал оплаты не отвечает", "No answer", ())
    s.view.terminal_state(False)
    s.view.paid(s.requests.last_id, down, (0, PrintState.NONE, ""))
    assert s.view.value("payOutcome") == "Терминал оплаты не работает"
    assert not s.view.value("payRetry")
    s.view.payNow()
    assert len(s.requests.charges) == 1
    s.view.back()
    s.view.tapService("state-duty")
    assert not s.view.value("payCard")


def test_a_double_tap_on_pay_starts_one_payment_with_one_key() -> None:
    s = scene(paid=True)
    pay_offer(s)
    s.view.payNow()
    s.view.payNow()
    s.view.takeTicket()
    assert [sent[0] for sent in s.requests.sent] == ["pay"]
    (charge,) = s.requests.charges
    assert (charge.amount_kopecks, charge.service_id, charge.payer_identified) == (
        50000,
        "state-duty",
        False,
    )
    assert not s.view.value("busy")  # the terminal's prompts, not "Подождите"
    s.view.payment_prompt(s.requests.last_id, "Введите PIN-код")
    assert s.view.value("payPrompt") == "Введите PIN-код"


def test_a_declined_payment_may_be_tried_again_under_a_new_key() -> None:
    s = scene(paid=True)
    paying(s)
    declined = Paid(PaidState.DECLINED, 3, "Недостаточно средств", "Insufficient funds", ())
    s.view.paid(s.requests.last_id, declined, (0, PrintState.NONE, ""))
    assert s.view.value("payOutcome") == "Оплата не прошла"
    assert str(s.view.value("payNext")).startswith("Недостаточно средств. Попробуйте другую карту")
    s.view.payNow()
    first, again = s.requests.charges
    assert first.idempotency_key != again.idempotency_key


def test_an_unknown_outcome_offers_no_second_payment() -> None:
    s = scene(paid=True)
    paying(s)
    s.clock.advance(PAYING_GUARD_S + 1)
    s.view.tick()
    assert s.flow.payment is not None and s.flow.payment.step is PayStep.OUTCOME
    assert s.view.value("payOutcome") == "Не удалось узнать, прошла ли оплата"
    assert not s.view.value("payRetry")
    s.view.payNow()
    assert len(s.requests.charges) == 1
    s.view.takeTicket()
    assert s.requests.sent[-1][0] == "ticket"
    assert s.requests.payments[-1] == 0, "an unknown payment does not stand for the fee"


def test_an_approved_payment_prints_its_receipt_then_the_ticket() -> None:
    s = scene(paid=True)
    paying(s)
    approved = Paid(PaidState.APPROVED, 9, "", "", ("ОПЛАТА 500,00 RUB",))
    s.view.paid(s.requests.last_id, approved, (61, PrintState.SENDING, ""))
    assert s.view.value("payReceipt") == "Печатаем чек…"
    s.view.print_update(61, PrintState.PRINTED, "")
    assert s.view.value("payReceipt") == "Возьмите чек из принтера"
    s.view.takeTicket()
    assert s.requests.payments[-1] == 9, "the ticket names the payment: the operator sees it paid"
    s.ticket(service="state-duty")
    assert s.flow.screen is Screen.TICKET


def test_a_visitor_identified_by_card_checks_in_without_the_code() -> None:
    card = CardSlot(VISITOR)
    s = scene(card)
    assert not s.view.value("cardCheckIn")
    s.view.identifyWithCard()
    assert s.view.value("cardCheckIn")
    s.view.checkInByCard()
    assert s.requests.sent[-1][:3] == ("card_checkin", "request-1", VISITOR.snils_hash)
    s.view.refused(s.requests.last_id, "no_booking_for_card", {})
    assert s.view.value("noticeTitle") == "Записи на сегодня по этой карте не найдено"
    s.view.back()
    s.view.checkInByCard()
    s.ticket(number="А019", appointment="10:20")
    assert s.view.value("ticketAppointment") == "По записи на 10:20"


def test_the_draft_steps_back_and_keeps_only_a_mobile_number() -> None:
    draft = Draft()
    draft.listed(slot_list())
    assert draft.choose_day("2026-11-24") and draft.choose_slot(draft.free_slots()[0].start_ms)
    for digit in "5551234567":
        draft.phone_key(digit)
    assert draft.phone == "" and not draft.phone_done(skip=False)
    assert draft.phone_done(skip=True) and draft.phone_number() == ""
    assert draft.back() and draft.step.value == "phone"
    assert draft.back() and draft.back() and draft.step.value == "day"


def test_words_for_days_phones_amounts_and_the_slip() -> None:
    assert day_label("2026-11-26", "2026-11-23", "en") == "Thu, November 26"
    assert phone_shown("916") == "+7 916 ___-__-__"
    assert rubles(35050) == "350,50\u00a0₽"
    assert rubles(200000) == "2\u00a0000\u00a0₽"
    draft = Draft()
    draft.listed(slot_list())
    from kiosk.booking import Booked

    lines = slip_lines(Booked("r", "K7M4QX", "passport", "2026-11-24", "10:20"), "Паспорт", "МФЦ")
    assert "Код записи: K7M4QX" in lines and "Приём: 24.11.2026 в 10:20" in lines


def test_the_summary_says_what_the_web_pages_say_about_the_phone_kept() -> None:
    s = scene()
    s.view.set_catalogue(replace(catalogue(), keep_contacts_days=2))
    book_confirm(s)
    assert s.view.value("bookPrivacy") == (
        "Телефон и почта нужны только для сообщений о записи и талоне и хранятся ещё 2 дн. "
        "после дня приёма. Ответьте СТОП на SMS, чтобы сообщения прекратились."
    )
    assert s.view.value("bookPrivacy") == contacts_notice("ru", 2)
    s.view.toggleLanguage()
    assert s.view.value("bookPrivacy") == contacts_notice("en", 2)
    s.view.back()
    s.view.phoneDone(True)
    assert s.view.value("bookPrivacy") == "", "no phone given: nothing kept to speak of"


def test_a_wrong_pin_is_said_even_when_the_card_keeps_its_counter_to_itself() -> None:
    s = scene()
    s.view.card_pin_asked(3, False)
    assert s.view.value("pinMessage") == "Осталось попыток: 3"
    s.view.card_pin_asked(2, True)
    assert s.view.value("pinMessage") == "Неверный PIN-код. Осталось попыток: 2"
    # A card that answers a wrong PIN with a bare 6300 tells no count (ISO 7816-4).
    s.view.card_pin_asked(-1, False)
    assert s.view.value("pinMessage") == ""
    s.view.card_pin_asked(-1, True)
    assert s.view.value("pinMessage") == "Неверный PIN-код. Введите его ещё раз"
