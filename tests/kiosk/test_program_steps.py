"""Booking, a paid service and check-in by card end to end: a real hub on loopback, the
kiosk offscreen with its agent thread, the printer agent on the virtual printer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QApplication

from card_reader.sim import simulated_card
from hall_display.bench import enrolled
from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from kiosk import texts
from kiosk.agent import TERMINAL_KIND
from kiosk.core import Screen
from kiosk.errors import Refusal
from kiosk.hub_client import KioskHub
from kiosk.payment import Charge, Paid, PaidState
from okno.privacy import contacts_notice
from okno.runtime.hubtls import Connect
from payment_terminal.agent import Resolved
from payment_terminal.errors import PaymentError
from payment_terminal.sim import Mode, SimulatedTerminal
from protos.okno.v1 import (
    appointments_pb2,
    appointments_pb2_grpc,
    devices_pb2,
    devices_pb2_grpc,
    payments_pb2,
    payments_pb2_grpc,
    queue_pb2,
)
from tests.card_reader.conftest import READER_URL, Insert
from tests.hub.conftest import Served
from tests.kiosk.test_program import TERMINAL_SERIAL, WAIT_S, options, running, screen, until
from tests.ticket_printer.test_agent import PRINTER, admitted_printer

if TYPE_CHECKING:
    from protos.okno.v1.appointments_pb2_grpc import AppointmentsAsyncStub
    from protos.okno.v1.payments_pb2_grpc import PaymentsAsyncStub


# The sample holder of the virtual UEC (card_reader/applets.py).
SAMPLE_SNILS = "11223344595"
# A SNILS as a card reader hashes it with the branch key: 64 hex characters.
VISITOR_HASH = "9f" * 32
TIMEZONE = "Europe/Moscow"


def appointments(served: Served) -> AppointmentsAsyncStub:
    return appointments_pb2_grpc.AppointmentsStub(served.channel)


async def test_a_visitor_books_a_time_and_takes_the_slip_with_the_code(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    chosen = await options(tmp_path, served, ("printer", PRINTER))
    async with (
        admitted_printer(served, tmp_path) as hall,
        running(qapp, chosen, fake_voice, wav_sink) as kiosk,
    ):
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openBooking()
        view.choose("passport")
        await until(qapp, lambda: view.value("bookStep") == "day")
        days = view.choices.rows
        assert len(days) == 8 and days[0][1] == "Сегодня, 23 ноября"
        view.choose("2026-11-24")
        await until(qapp, lambda: view.value("bookStep") == "slot")
        first = view.choices.rows[0]
        view.choose(str(first[0]))
        for digit in "9161234567":
            view.phoneKey(digit)
        view.phoneDone(False)
        # What the web pages say of the phone, with the branch's days (examples/branch.toml).
        keep = served.hub.loaded.branch.appointments.keep_contacts_days
        assert view.value("bookPrivacy") == contacts_notice("ru", keep)
        view.confirmBooking()
        await until(qapp, lambda: view.value("bookStep") == "done")
        code = str(view.value("bookedCode"))
        booking = (
            await appointments(served).GetBooking(appointments_pb2.GetBookingRequest(code=code))
        ).booking
        assert (booking.day, booking.time, booking.service_id) == (
            "2026-11-24",
            first[1],
            "passport",
        )
        assert booking.channel == appointments_pb2.BOOKING_CHANNEL_KIOSK
        assert booking.phone_hint == "+7********67"
        await until(
            qapp, lambda: view.value("bookedPrint") == "Возьмите листок с кодом из принтера"
        )
        printed = await asyncio.to_thread(hall.sim.wait_for_tickets, 2, WAIT_S)
        assert f"Код записи: {code}" in printed[-1].text
        shot = kiosk.screenshot()
        assert shot is not None


async def test_a_slot_taken_meanwhile_offers_the_next_free_ones(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openBooking()
        view.choose("residence")  # one seat a slot
        await until(qapp, lambda: view.value("bookStep") == "day")
        view.choose("2026-11-24")
        taken_ms, taken_time = int(str(view.choices.rows[0][0])), view.choices.rows[0][1]
        view.choose(str(taken_ms))
        view.phoneDone(True)
        # Someone else (the call centre) takes the seat first.
        await appointments(served).Book(
            appointments_pb2.BookRequest(
                request_id="call-1",
                service_id="residence",
                slot_start_unix_ms=taken_ms,
                channel=appointments_pb2.BOOKING_CHANNEL_CALL_CENTRE,
                phone="+79160000001",
            )
        )
        view.confirmBooking()
        await until(qapp, lambda: view.value("bookNote") != "" and view.value("bookStep") == "slot")
        assert view.value("bookNote") == "Это время только что заняли. Ближайшее свободное:"
        offered = view.choices.rows
        assert offered and all(int(str(row[0])) > taken_ms for row in offered)
        assert taken_time not in [row[1] for row in offered]
        view.choose(str(offered[0][0]))
        view.phoneDone(True)
        view.confirmBooking()
        await until(qapp, lambda: view.value("bookStep") == "done")
        assert len(str(view.value("bookedCode"))) == 6


class TerminalInTest:
    """A payer standing in for the payment agent: prompts, then the outcome it is given,
    recorded on the hub as the agent would (so a ticket may name the payment)."""

    ready = True

    async def recover(self) -> list[Resolved]:
        return []

    def __init__(self, outcome: PaidState, connect: Connect) -> None:
        """``connect``: an enrolled payment terminal's channels (payments are the terminal's)."""
        self.outcome = outcome
        self.charges: list[Charge] = []
        self.go = asyncio.Event()
        # The kiosk's agent runs its own event loop: a channel is opened on it, per sale.
        self._connect = connect

    async def pay(self, charge: Charge, on_prompt: Callable[[str], None]) -> Paid:
        self.charges.append(charge)
        on_prompt("Вставьте карту")
        await self.go.wait()
        on_prompt("Введите PIN-код")
        lines = ("МФЦ", "ОПЛАТА 500,00 RUB", "ОДОБРЕНО")
        async with self._connect() as channel:
            return await self._record(payments_pb2_grpc.PaymentsStub(channel), charge, lines)

    async def _record(
        self, payments: PaymentsAsyncStub, charge: Charge, lines: tuple[str, ...]
    ) -> Paid:
        approved = self.outcome is PaidState.APPROVED
        begun = await payments.Begin(
            payments_pb2.BeginPaymentRequest(
                idempotency_key=charge.idempotency_key,
                service_id=charge.service_id,
                amount_kopecks=charge.amount_kopecks,
                purpose=charge.purpose,
            )
        )
        await payments.Settle(
            payments_pb2.SettlePaymentRequest(
                payment_id=begun.payment_id,
                state=_HUB_STATES[self.outcome],
                terminal_receipt="1" if approved else "",
            )
        )
        return Paid(self.outcome, begun.payment_id, "", "", lines if approved else ())


_HUB_STATES = {
    PaidState.APPROVED: payments_pb2.PAYMENT_STATE_APPROVED,
    PaidState.DECLINED: payments_pb2.PAYMENT_STATE_DECLINED,
}


async def test_a_fee_is_paid_at_the_terminal_the_receipt_printed_then_the_ticket(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    link = await enrolled(served.address, served.socket, tmp_path, TERMINAL_KIND)
    terminal = TerminalInTest(PaidState.APPROVED, link.connect)
    chosen = await options(tmp_path, served, ("printer", PRINTER))
    async with (
        admitted_printer(served, tmp_path) as hall,
        running(qapp, chosen, fake_voice, wav_sink, payer=terminal) as kiosk,
    ):
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openGroup("consultations")
        view.tapService("state-duty")
        assert view.value("payAmount") == "500\u00a0₽"
        view.payNow()
        view.payNow()
        await until(qapp, lambda: view.value("payPrompt") == "Вставьте карту")
        view.payNow()
        terminal.go.set()
        await until(qapp, lambda: view.value("payOutcome") == "Оплачено")
        assert len(terminal.charges) == 1
        assert terminal.charges[0].amount_kopecks == 50000
        await until(qapp, lambda: view.value("payReceipt") == "Возьмите чек из принтера")
        printed = await asyncio.to_thread(hall.sim.wait_for_tickets, 2, WAIT_S)
        assert "ОПЛАТА 500,00 RUB" in printed[-1].text
        view.takeTicket()
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.service_id for t in state.tickets] == ["state-duty"]
    (paid,) = [t.payment_id for t in state.tickets]
    assert paid, "the ticket names the payment, so the operator sees the fee paid"


PAY_AT_DESK = "Картой здесь оплатить нельзя. Возьмите талон и оплатите у окна, когда вас вызовут"


async def test_without_a_terminal_card_payment_is_not_offered_and_the_desk_is_named(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    async with running(qapp, await options(tmp_path, served), fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openGroup("consultations")
        view.tapService("state-duty")
        assert not view.value("payCard")
        assert view.value("payWhere") == PAY_AT_DESK
        view.payNow()
        view.takeTicket()
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert view.value("payOutcome") == ""


async def test_a_terminal_that_does_not_answer_is_not_offered_for_card_payment(  # noqa: PLR0917
    qapp: QApplication,
    served: Served,
    fake_voice: Voice,
    wav_sink: WavFileSink,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.agent")
    # A port that does not open, as with a terminal unplugged. (Not a closed simulator's
    # pty: another test's simulator may be given the same /dev/pts number meanwhile.)
    url = f"serial://{tmp_path / 'unplugged-terminal'}?baudrate=9600"
    chosen = await options(tmp_path, served, terminal=url)
    async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openGroup("consultations")
        view.tapService("state-duty")
        await until(qapp, lambda: "payment terminal not answering" in caplog.text)
        qapp.processEvents()
        assert not view.value("payCard")
        assert view.value("payWhere") == PAY_AT_DESK
        view.payNow()
        assert view.value("payStep") == "offer", "no payment is started"


async def test_the_real_payment_agent_charges_once_on_the_simulated_terminal(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    with SimulatedTerminal(card_time=0.5) as sim:
        chosen = await options(
            tmp_path,
            served,
            ("printer", PRINTER),
            terminal=f"serial://{sim.port_path}?baudrate=9600",
        )
        async with (
            admitted_printer(served, tmp_path) as hall,
            running(qapp, chosen, fake_voice, wav_sink) as kiosk,
        ):
            view = kiosk.view
            await until(qapp, lambda: screen(kiosk) is Screen.HOME)
            view.openGroup("consultations")
            view.tapService("state-duty")
            await until(qapp, lambda: bool(view.value("payCard")))
            view.payNow()
            view.payNow()
            await until(qapp, lambda: view.value("payStep") == "paying")
            view.payNow()
            view.takeTicket()
            await until(qapp, lambda: view.value("payOutcome") == "Оплачено", timeout_s=30)
            payment = kiosk.flow.payment
            assert payment is not None and payment.prompt == "Введите PIN"
            await until(qapp, lambda: view.value("payReceipt") == "Возьмите чек из принтера")
            printed = await asyncio.to_thread(hall.sim.wait_for_tickets, 2, WAIT_S)
            assert "Сумма: 500.00 RUB" in printed[-1].text
            view.takeTicket()
            await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
            # The terminal is a device of its own, present in the technician's fleet view.
            listed = await devices_pb2_grpc.ProvisioningStub(served.local).ListDevices(
                devices_pb2.ListDevicesRequest()
            )
            (found,) = [d for d in listed.devices if d.id == f"{TERMINAL_KIND}-{TERMINAL_SERIAL}"]
            assert found.presence == devices_pb2.PRESENCE_ONLINE
        assert sim.charged() == 500_00 and len(sim.ledger) == 1


async def test_a_declined_card_is_said_and_a_new_try_is_a_new_payment(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    with SimulatedTerminal(Mode.DECLINE) as sim:
        chosen = await options(tmp_path, served, terminal=f"serial://{sim.port_path}?baudrate=9600")
        async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
            view = kiosk.view
            await until(qapp, lambda: screen(kiosk) is Screen.HOME)
            view.openGroup("consultations")
            view.tapService("state-duty")
            await until(qapp, lambda: bool(view.value("payCard")))
            view.payNow()
            await until(qapp, lambda: view.value("payOutcome") != "", timeout_s=30)
            assert view.value("payOutcome") == "Оплата не прошла"
            assert view.value("payRetry")
            sim.mode = Mode.APPROVE
            view.payNow()
            await until(qapp, lambda: view.value("payOutcome") == "Оплачено", timeout_s=30)
        assert sim.charged() == 500_00


async def test_a_card_in_the_kiosks_reader_asks_its_pin_on_screen_then_checks_in(  # noqa: PLR0917
    qapp: QApplication,
    served: Served,
    fake_voice: Voice,
    wav_sink: WavFileSink,
    tmp_path: Path,
    insert: Insert,
) -> None:
    slots = await appointments(served).ListSlots(
        appointments_pb2.ListSlotsRequest(service_id="passport")
    )
    (slot,) = [s for s in slots.slots if s.time == "10:20" and s.day == "2026-11-23"]
    await appointments(served).Book(
        appointments_pb2.BookRequest(
            request_id="online-1",
            service_id="passport",
            slot_start_unix_ms=slot.start_unix_ms,
            channel=appointments_pb2.BOOKING_CHANNEL_ONLINE,
            snils=SAMPLE_SNILS,  # typed on the web page; the hub keeps only its hash
        )
    )
    served.clock.advance(6)  # 10:06: check-in for 10:20 is open
    chosen = await options(
        tmp_path,
        served,
        ("snils_hash_key", served.hub.snils_key.hex()),
        card_reader=READER_URL,
    )
    async with running(qapp, chosen, fake_voice, wav_sink) as kiosk:
        view, flow = kiosk.view, kiosk.flow
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        await asyncio.to_thread(insert, simulated_card("uec"))
        await until(qapp, lambda: screen(kiosk) is Screen.CARD_PIN)
        assert view.value("pinTitle") == "Введите PIN-код карты"
        assert view.value("pinMessage") == "Осталось попыток: 3"
        for digit in "9999":
            view.pinKey(digit)
        assert view.value("pinDots") == "●●●●"
        view.submitPin()
        await until(
            qapp, lambda: view.value("pinMessage") == "Неверный PIN-код. Осталось попыток: 2"
        )
        for digit in "1234":
            view.pinKey(digit)
        view.submitPin()
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        await until(qapp, lambda: kiosk.agent.sink.current is not None)
        view.identifyWithCard()
        assert view.value("greeting") == "Здравствуйте, Мария И."
        assert view.value("cardCheckIn")
        shot = kiosk.screenshot()
        assert shot is not None
        view.checkInByCard()
        await until(qapp, lambda: screen(kiosk) is Screen.TICKET)
        assert view.value("ticketAppointment") == "По записи на 10:20"
        assert flow.card.digits == bytearray()
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.priority for t in state.tickets] == ["appointment"]


class BrokenAgent:
    """A payment agent that fails mid-sale: whether the card was charged is not known."""

    ready = True

    async def recover(self) -> list[Resolved]:
        return []

    async def pay(self, charge: Charge, on_prompt: Callable[[str], None]) -> Paid:
        on_prompt("Вставьте карту")
        raise PaymentError("the terminal's port vanished")


async def test_a_failed_payment_agent_shows_an_unknown_outcome_and_no_second_try(
    qapp: QApplication, served: Served, fake_voice: Voice, wav_sink: WavFileSink, tmp_path: Path
) -> None:
    chosen = await options(tmp_path, served)
    async with running(qapp, chosen, fake_voice, wav_sink, payer=BrokenAgent()) as kiosk:
        view = kiosk.view
        await until(qapp, lambda: screen(kiosk) is Screen.HOME)
        view.openGroup("consultations")
        view.tapService("state-duty")
        view.payNow()
        await until(qapp, lambda: view.value("payOutcome") != "")
        assert view.value("payOutcome") == "Не удалось узнать, прошла ли оплата"
        assert not view.value("payRetry")
        assert screen(kiosk) is Screen.PAYMENT


async def test_a_booking_made_with_a_cards_hash_is_checked_in_by_that_card(
    served: Served,
) -> None:
    hub = KioskHub(served.channel)
    listing = await hub.slots("passport")
    (slot,) = [s for s in listing.slots if (s.day, s.time) == ("2026-11-23", "10:20")]
    booked = await hub.book("kiosk-b-1", "passport", slot.start_ms, "", snils_hash=VISITOR_HASH)
    again = await hub.book("kiosk-b-1", "passport", slot.start_ms, "", snils_hash=VISITOR_HASH)
    assert booked.code == again.code and booked.time == "10:20"
    served.clock.advance(6)
    ticket = await hub.check_in_by_card("kiosk-c-1", VISITOR_HASH, "", TIMEZONE, "2026-11-23")
    assert ticket.appointment == "10:20"


async def test_a_card_too_early_is_told_its_booking_time_and_when_check_in_opens(
    served: Served,
) -> None:
    hub = KioskHub(served.channel)
    listing = await hub.slots("passport")
    (slot,) = [s for s in listing.slots if (s.day, s.time) == ("2026-11-23", "11:20")]
    await hub.book("kiosk-b-2", "passport", slot.start_ms, "", snils_hash=VISITOR_HASH)
    with pytest.raises(Refusal) as caught:
        await hub.check_in_by_card("kiosk-c-2", VISITOR_HASH, "", TIMEZONE, "2026-11-23")
    refusal = caught.value
    assert refusal.reason == "check_in_too_early"
    notice = texts.refusal(refusal.reason, refusal.detail, "ru")
    assert notice.title == "Регистрация на приём в 11:20 начнётся в 11:05"
