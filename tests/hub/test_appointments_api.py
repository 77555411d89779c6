"""Appointments over real gRPC, as a kiosk, a call-centre screen and a web page use them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from hub.domain.appointments import codes
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import (
    admin_pb2,
    appointments_pb2,
    appointments_pb2_grpc,
    common_pb2,
    feed_pb2,
    queue_pb2,
)
from tests.hub.conftest import MINUTE, Served, SteppedClock, serve_hub
from tests.hub.devices import device_port, enrolled
from tests.hub.test_api import next_messages
from tests.hub.test_printing import PRINTER, printer_online
from tests.polling import eventually

if TYPE_CHECKING:
    from protos.okno.v1.appointments_pb2_grpc import AppointmentsAsyncStub

KIOSK = appointments_pb2.BOOKING_CHANNEL_KIOSK
CALL_CENTRE = appointments_pb2.BOOKING_CHANNEL_CALL_CENTRE
ONLINE = appointments_pb2.BOOKING_CHANNEL_ONLINE
# SteppedClock starts on Monday 2026-11-23 at 10:00 in Moscow; slots are 20 minutes.
AT_10_20 = 1_795_418_400_000


def stub(served: Served) -> AppointmentsAsyncStub:
    return appointments_pb2_grpc.AppointmentsStub(served.channel)


async def book(
    served: Served, slot_ms: int = AT_10_20, service: str = "passport", **fields: Any
) -> appointments_pb2.Booking:
    fields.setdefault("channel", KIOSK)
    answer = await stub(served).Book(
        appointments_pb2.BookRequest(service_id=service, slot_start_unix_ms=slot_ms, **fields)
    )
    return answer.booking


async def refusal(call: Awaitable[object]) -> tuple[grpc.StatusCode, str, str]:
    """What a refused call tells: status, message, and the stable code for programs."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    metadata = dict(tuple(caught.value.trailing_metadata() or ()))
    return caught.value.code(), caught.value.details() or "", str(metadata.get("okno-error"))


def database(served: Served) -> sqlite3.Connection:
    return sqlite3.connect(served.db)


async def test_a_visitor_books_at_the_kiosk_and_checks_in_on_arrival(served: Served) -> None:
    listed = await stub(served).ListSlots(
        appointments_pb2.ListSlotsRequest(service_id="passport", to_day="2026-11-23")
    )
    assert (listed.first_day, listed.last_day) == ("2026-11-23", "2026-11-30")
    assert listed.timezone == "Europe/Moscow"
    first = listed.slots[0]
    assert (first.day, first.time, first.capacity, first.free) == ("2026-11-23", "10:20", 2, 2)
    assert (first.start_unix_ms, first.end_unix_ms) == (AT_10_20, AT_10_20 + 20 * MINUTE)
    assert listed.slots[-1].time == "19:40"

    booked = await book(served, first.start_unix_ms, phone="+7 916 123-45-67")
    assert codes.normalise(booked.code) == booked.code
    assert booked.state == appointments_pb2.BOOKING_STATE_BOOKED
    assert (booked.day, booked.time, booked.phone_hint) == ("2026-11-23", "10:20", "+7********67")
    assert booked.check_in_from_unix_ms == AT_10_20 - 15 * MINUTE
    assert booked.check_in_until_unix_ms == AT_10_20 + 10 * MINUTE

    early = await refusal(stub(served).CheckIn(appointments_pb2.CheckInRequest(code=booked.code)))
    assert early == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "check-in for the 10:20 booking opens at 10:05: come back then",
        "check_in_too_early",
    )

    served.clock.advance(6)
    checked = await stub(served).CheckIn(
        appointments_pb2.CheckInRequest(code=booked.code.lower(), request_id="kiosk-1:7")
    )
    assert checked.ticket.number == "А001"
    assert checked.ticket.priority == "appointment"
    assert checked.ticket.priority_from_unix_ms == AT_10_20
    assert checked.booking.state == appointments_pb2.BOOKING_STATE_CHECKED_IN
    assert checked.booking.ticket_id == checked.ticket.id
    assert checked.estimate.people_ahead == 0
    again = await stub(served).CheckIn(
        appointments_pb2.CheckInRequest(code=booked.code, request_id="kiosk-1:7")
    )
    assert again.ticket.id == checked.ticket.id
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.number for t in state.tickets] == ["А001"]


@pytest.mark.parametrize(
    ("make", "code", "words", "error_code"),
    [
        (
            lambda s, _: stub(s).CheckIn(appointments_pb2.CheckInRequest(code="ZZZZZZ")),
            grpc.StatusCode.NOT_FOUND,
            "no booking has this code: check the code in the message or on the slip",
            "unknown_code",
        ),
        (
            lambda s, _: stub(s).GetBooking(appointments_pb2.GetBookingRequest(code="K7M40X")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "a booking code has 6 characters, letters and the digits 2-9",
            "bad_code",
        ),
        (
            lambda s, _: stub(s).Book(
                appointments_pb2.BookRequest(service_id="passport", slot_start_unix_ms=AT_10_20)
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "missing channel: say where the booking is made",
            "invalid_request",
        ),
        (
            lambda s, _: book(s, AT_10_20, "snils"),
            grpc.StatusCode.FAILED_PRECONDITION,
            '"snils" takes no appointments: take a ticket at the kiosk on the day',
            "not_bookable",
        ),
        (
            lambda s, _: book(s, AT_10_20 - 20 * MINUTE),
            grpc.StatusCode.FAILED_PRECONDITION,
            "the slot at 2026-11-23 10:00 has begun or passed: choose a later one",
            "slot_unavailable",
        ),
        (
            lambda s, _: book(s, AT_10_20, channel=CALL_CENTRE),
            grpc.StatusCode.INVALID_ARGUMENT,
            "a call-centre booking needs the caller's phone number: ask for it",
            "invalid_request",
        ),
        (
            lambda s, _: book(s, AT_10_20, phone="12345"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "the phone number is not one an SMS can reach: give it as +7 916 123-45-67",
            "bad_phone",
        ),
        (
            lambda s, held: book(s, held.slot_start_unix_ms),
            grpc.StatusCode.FAILED_PRECONDITION,
            "the slot at 2026-11-23 10:20 is fully booked: the next free one is at 2026-11-23 "
            "10:40",
            "slot_full",
        ),
        (
            lambda s, held: stub(s).Move(
                appointments_pb2.MoveRequest(code=held.code, slot_start_unix_ms=AT_10_20 + 1)
            ),
            grpc.StatusCode.FAILED_PRECONDITION,
            'no slot of "passport" starts at 2026-11-23 10:20: choose one of the slots listed',
            "slot_unavailable",
        ),
        (
            lambda s, _: stub(s).FindFreeSlots(
                appointments_pb2.FindFreeSlotsRequest(service_id="passport", limit=500)
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "limit must be 1 to 50, not 500",
            "invalid_request",
        ),
        (
            lambda s, _: stub(s).ListSlots(
                appointments_pb2.ListSlotsRequest(service_id="passport", from_day="24.11.2026")
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            'from_day must be a date like "2026-11-24", not "24.11.2026"',
            "invalid_request",
        ),
    ],
)
async def test_refusals_get_a_status_a_code_and_words_to_act_on(
    served: Served,
    make: Callable[[Served, appointments_pb2.Booking], Awaitable[object]],
    code: grpc.StatusCode,
    words: str,
    error_code: str,
) -> None:
    held = await book(served)
    await book(served)
    status, message, stable = await refusal(make(served, held))
    assert (status, stable) == (code, error_code)
    assert message.startswith(words)


async def test_used_cancelled_and_missed_codes_are_refused_with_what_to_do(
    served: Served,
) -> None:
    used, cancelled, missed = [await book(served) for _ in range(2)] + [
        await book(served, AT_10_20 + 20 * MINUTE)
    ]
    await stub(served).Cancel(appointments_pb2.CancelBookingRequest(code=cancelled.code))
    served.clock.advance(10)
    await stub(served).CheckIn(appointments_pb2.CheckInRequest(code=used.code))
    assert await refusal(stub(served).CheckIn(appointments_pb2.CheckInRequest(code=used.code))) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "this booking was checked in at 10:10 and got ticket А001; it cannot be checked in "
        "again: wait for А001 to be called",
        "code_used",
    )
    assert await refusal(
        stub(served).CheckIn(appointments_pb2.CheckInRequest(code=cancelled.code))
    ) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "this booking was cancelled and its code is no longer valid: book again or take a "
        "ticket at the kiosk",
        "code_cancelled",
    )
    served.clock.advance(41)  # 10:51, the 10:40 booking's check-in closed at 10:50
    assert await refusal(
        stub(served).CheckIn(appointments_pb2.CheckInRequest(code=missed.code))
    ) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "check-in for the booking at 2026-11-23 10:40 closed at 10:50: take a ticket at the "
        "kiosk or book another time",
        "check_in_too_late",
    )
    await served.hub.run(served.hub.appointments.sweep)
    shown = await stub(served).GetBooking(appointments_pb2.GetBookingRequest(code=missed.code))
    assert shown.booking.state == appointments_pb2.BOOKING_STATE_NO_SHOW


async def test_the_call_centre_finds_a_free_slot_books_by_phone_moves_and_cancels(
    served: Served,
) -> None:
    two_pm = AT_10_20 + 220 * MINUTE
    await book(served, two_pm)
    await book(served, two_pm)
    found = await stub(served).FindFreeSlots(
        appointments_pb2.FindFreeSlotsRequest(service_id="passport", after_unix_ms=two_pm)
    )
    assert [s.time for s in found.slots] == ["14:20", "14:40", "15:00", "15:20", "15:40"]
    booked = await book(
        served,
        found.slots[0].start_unix_ms,
        channel=CALL_CENTRE,
        phone="8 (916) 123-45-67",
        name="Анна Иванова",
        email="Anna@Mail.ru",
        request_id="cc-1",
    )
    assert booked.channel == CALL_CENTRE
    assert (booked.phone_hint, booked.email_hint) == ("+7********67", "A***@mail.ru")
    mine = await stub(served).FindBookings(appointments_pb2.FindBookingsRequest(phone="9161234567"))
    assert [b.code for b in mine.bookings] == [booked.code]

    moved = await stub(served).Move(
        appointments_pb2.MoveRequest(
            code=booked.code, slot_start_unix_ms=found.slots[2].start_unix_ms
        )
    )
    assert (moved.booking.code, moved.booking.time) == (booked.code, "15:00")
    cancelled = await stub(served).Cancel(
        appointments_pb2.CancelBookingRequest(code=booked.code, reason="звонок отмены")
    )
    assert cancelled.booking.state == appointments_pb2.BOOKING_STATE_CANCELLED
    again = await stub(served).Cancel(appointments_pb2.CancelBookingRequest(code=booked.code))
    assert again.booking.state == appointments_pb2.BOOKING_STATE_CANCELLED
    listed = await stub(served).ListSlots(
        appointments_pb2.ListSlotsRequest(
            service_id="passport", from_day="2026-11-23", to_day="2026-11-23", only_free=True
        )
    )
    assert {s.time: s.free for s in listed.slots}["15:00"] == 2
    assert "14:00" not in {s.time for s in listed.slots}
    # A retried booking request gets its first answer, even after the booking was cancelled.
    retried = await book(
        served,
        found.slots[0].start_unix_ms,
        channel=CALL_CENTRE,
        phone="89161234567",
        request_id="cc-1",
    )
    assert (retried.code, retried.state) == (booked.code, appointments_pb2.BOOKING_STATE_CANCELLED)


async def test_a_resent_booking_gets_one_seat_and_one_code(served: Served) -> None:
    first = await book(served, request_id="web:42")
    again = await book(served, request_id="web:42")
    assert again.code == first.code
    listed = await stub(served).ListSlots(appointments_pb2.ListSlotsRequest(service_id="passport"))
    assert listed.slots[0].free == 1
    with database(served) as db:
        assert db.execute("SELECT count(*) FROM appointments").fetchone() == (1,)


async def test_bookings_survive_a_restart_of_the_hub(config_file: Path, tmp_path: Path) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as first:
        kept = [await book(first), await book(first, phone="89161234567")]
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as again:
        for booking in kept:
            shown = await stub(again).GetBooking(
                appointments_pb2.GetBookingRequest(code=booking.code)
            )
            assert shown.booking.code == booking.code
            assert shown.booking.state == appointments_pb2.BOOKING_STATE_BOOKED
            assert shown.booking.phone_hint == booking.phone_hint
        _, message, stable = await refusal(book(again))
        assert stable == "slot_full", message
        fresh = await book(again, AT_10_20 + 20 * MINUTE)
        assert fresh.code not in {b.code for b in kept}
        clock.advance(10)
        checked = await stub(again).CheckIn(appointments_pb2.CheckInRequest(code=kept[1].code))
        assert checked.ticket.priority == "appointment"


async def test_the_event_log_tells_of_bookings_but_keeps_no_code_or_contact(
    served: Served,
) -> None:
    booked = await book(served, phone="89161234567", email="anna@mail.ru", name="Анна")
    await stub(served).Move(
        appointments_pb2.MoveRequest(code=booked.code, slot_start_unix_ms=AT_10_20 + 20 * MINUTE)
    )
    with database(served) as db:
        rows = db.execute(
            "SELECT kind, payload FROM events WHERE kind LIKE 'appointment_%' ORDER BY seq"
        ).fetchall()
        stored = db.execute("SELECT code, phone, email, name FROM appointments").fetchone()
    assert [kind for kind, _ in rows] == ["appointment_booked", "appointment_moved"]
    for _, payload in rows:
        assert booked.code not in payload
        assert "9161234567" not in payload and "anna@" not in payload and "Анна" not in payload
        appointment = json.loads(payload)["appointment"]
        assert appointment["service_id"] == "passport"
        assert appointment["has_contact"] is True
    assert stored == (booked.code, "+79161234567", "anna@mail.ru", "Анна")

    # The day after next: the contact is erased, and the erasure is in the log too.
    served.clock.advance(2 * 24 * 60)
    await served.hub.run(served.hub.appointments.sweep)
    with database(served) as db:
        assert db.execute("SELECT code, phone, email, name FROM appointments").fetchone() == (
            booked.code,
            "",
            "",
            "",
        )
        kinds = [k for (k,) in db.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds[-2:] == ["appointment_no_show", "appointment_contact_erased"]


async def test_the_hall_feed_shows_that_a_booking_happened_and_nothing_of_it(
    served: Served,
) -> None:
    await book(served)
    stream = served.feed.Subscribe(
        feed_pb2.SubscribeRequest(after_sequence=served.hub.committed_seq)
    )
    await book(served, phone="89161234567")
    (message,) = await next_messages(aiter(stream), 1)
    event = message.event
    assert event.kind == feed_pb2.EVENT_KIND_APPOINTMENT_BOOKED
    assert not event.HasField("ticket") and not event.HasField("desk")
    assert event.detail == ""
    stream.cancel()


async def test_guessing_codes_is_stopped_and_a_typo_is_not_counted(served: Served) -> None:
    for _ in range(10):
        status, _, _ = await refusal(
            stub(served).GetBooking(appointments_pb2.GetBookingRequest(code="ZZZZZZ"))
        )
        assert status == grpc.StatusCode.NOT_FOUND
    status, message, stable = await refusal(
        stub(served).CheckIn(appointments_pb2.CheckInRequest(code="ZZZZZ2"))
    )
    assert (status, stable) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "too_many_attempts")
    assert message.startswith("too many wrong booking codes from 127.0.0.1: wait 900 s")
    served.clock.advance(15)
    booked = await book(served)
    shown = await stub(served).GetBooking(appointments_pb2.GetBookingRequest(code=booked.code))
    assert shown.booking.code == booked.code


async def test_a_kiosk_books_and_checks_in_over_mutual_tls(served: Served, tmp_path: Path) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "k"), "kiosk", "K-1")
    async with (
        device_port(served) as address,
        grpc.aio.secure_channel(address, credentials) as channel,
    ):
        kiosk = appointments_pb2_grpc.AppointmentsStub(channel)
        booked = await kiosk.Book(
            appointments_pb2.BookRequest(
                service_id="ready-documents",
                slot_start_unix_ms=AT_10_20,
                channel=KIOSK,
                phone="+79161234567",
            )
        )
        served.clock.advance(5)
        # A kiosk gives the booking's phone number with its code (the visitor's own booking).
        checked = await kiosk.CheckIn(
            appointments_pb2.CheckInRequest(code=booked.booking.code, phone="+79161234567")
        )
    assert checked.ticket.service_id == "ready-documents"
    assert checked.ticket.state == common_pb2.TICKET_STATE_WAITING
    with database(served) as db:
        assert db.execute("SELECT checked_in_by FROM appointments").fetchone() == ("kiosk-K-1",)


async def test_a_configuration_that_drops_a_booked_service_is_not_taken(
    served: Served,
) -> None:
    await book(served, service="property")
    text = served.config.read_text()
    start = text.index('[[services]]\nid = "property"')
    end = text.index("[[services]]", start + 1)
    without = text[:start] + text[end:]
    without = without.replace("property = 2.0, egrn = 1.0", "egrn = 1.0")
    without = without.replace("property = 2.0, egrn = 1.5", "egrn = 1.5")
    without = without.replace("egrn = 2.0, property = 1.0, residence = 1.0", "egrn = 2.0")
    without = without.replace(" property = 2,", "")
    served.config.write_text(without)
    status, message, _ = await refusal(served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest()))
    assert status == grpc.StatusCode.FAILED_PRECONDITION
    assert message == (
        'the configuration drops service "property" while a booking for it is at 2026-11-23 '
        "10:20: keep the service until its bookings are over, or cancel them"
    )


async def test_a_checked_in_ticket_is_printed_with_its_appointment_time(
    served: Served, tmp_path: Path
) -> None:
    booked = await book(served)
    served.clock.advance(10)
    async with printer_online(served, tmp_path) as (printer, _):
        checked = await stub(served).CheckIn(
            appointments_pb2.CheckInRequest(code=booked.code, printer_id=PRINTER, request_id="k")
        )
        retried = await stub(served).CheckIn(
            appointments_pb2.CheckInRequest(code=booked.code, printer_id=PRINTER, request_id="k")
        )
        assert checked.print_job.state == common_pb2.PRINT_JOB_STATE_QUEUED
        assert retried.print_job.job_id == checked.print_job.job_id

        async def printed() -> bool:
            return len(printer.jobs) == 1

        await eventually(printed)
    (slip,) = printer.jobs
    assert (slip.number, slip.appointment_unix_ms) == ("А001", AT_10_20)
