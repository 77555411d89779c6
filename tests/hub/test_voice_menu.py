"""The hub as the phone voice menu (okno ivr) sees it, over real gRPC with its own device
certificate: a caller's ticket by its digits, a booking by the keys of its code and the
caller's number, the code by SMS only when the caller agreed, the kiosk's booking rules
and limits, and nothing beyond the voice menu's column of the permission table.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from hub.booking import CodePool
from hub.domain.appointments import codes
from hub.notify.backoff import Backoff
from hub.notify.notifier import Notifier
from hub.notify.sim import SimulatedSmsGateway
from hub.notify.sms import SmsGateway
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    applications_pb2,
    applications_pb2_grpc,
    appointments_pb2,
    appointments_pb2_grpc,
    common_pb2,
    feed_pb2,
    feed_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)
from tests.hub.applications.helpers import accepted
from tests.hub.conftest import MINUTE, Served
from tests.hub.devices import device, refused, voice_menu
from tests.hub.test_api import call_next, issue, open_desk
from tests.hub.test_appointments_api import AT_10_20, CALL_CENTRE, KIOSK, book, refusal
from tests.polling import eventually

if TYPE_CHECKING:
    from protos.okno.v1.appointments_pb2_grpc import AppointmentsAsyncStub
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

DAY = 24 * 60 * MINUTE
PHONE = "+79161234567"
OTHER = "+79167654321"
NOT_YOURS = (
    grpc.StatusCode.NOT_FOUND,
    "no booking has this code and phone number: check the code in the message or on the "
    "slip, and give the phone number the booking was made with",
    "unknown_code",
)


@pytest.fixture
async def line(served: Served, tmp_path: Path) -> AsyncIterator[grpc.aio.Channel]:
    async with voice_menu(served, tmp_path) as channel:
        yield channel


def bookings(channel: grpc.aio.Channel) -> AppointmentsAsyncStub:
    return appointments_pb2_grpc.AppointmentsStub(channel)


def queue(channel: grpc.aio.Channel) -> QueueServiceAsyncStub:
    return queue_pb2_grpc.QueueServiceStub(channel)


async def phone_book(
    channel: grpc.aio.Channel,
    slot_ms: int = AT_10_20,
    service: str = "passport",
    phone: str = PHONE,
    **fields: Any,
) -> appointments_pb2.Booking:
    """A booking as the voice menu makes it: by phone, with the caller's number."""
    answer = await bookings(channel).Book(
        appointments_pb2.BookRequest(
            service_id=service,
            slot_start_unix_ms=slot_ms,
            channel=CALL_CENTRE,
            phone=phone,
            **fields,
        )
    )
    return answer.booking


def by_keys(channel: grpc.aio.Channel, keys: str, phone: str = PHONE) -> Any:
    return bookings(channel).FindBookingByKeys(
        appointments_pb2.FindBookingByKeysRequest(keys=keys, phone=phone)
    )


async def waits(channel: grpc.aio.Channel, digits: str) -> list[tuple[str, int]]:
    """What "my ticket" finds for the digits: each ticket's number and the people ahead."""
    answer = await queue(channel).FindTicketWait(queue_pb2.FindTicketWaitRequest(digits=digits))
    return [(w.ticket.number, w.estimate.people_ahead) for w in answer.waits]


async def test_a_caller_hears_their_ticket_by_its_digits(
    served: Served, line: grpc.aio.Channel
) -> None:
    await open_desk(served, "desk-01")
    await issue(served)
    await issue(served)
    await issue(served, "foreign-passport")
    assert await waits(line, "2") == [("А002", 1)]
    assert await waits(line, "002") == [("А002", 1)]
    assert await waits(line, "1") == [("А001", 0), ("Б001", 0)]
    assert await waits(line, "99") == []

    answer = await queue(line).FindTicketWait(queue_pb2.FindTicketWaitRequest(digits="2"))
    [found] = answer.waits
    told = await served.hub.ticket_estimate(found.ticket.id)
    assert (found.estimate.estimated_wait_s, found.estimate.known) == (told.wait_s, told.known)
    assert found.estimate.known and found.estimate.estimated_wait_s > 0

    # Called: still the caller's ticket (go to the desk); served: no longer found.
    called = (await call_next(served, "desk-01")).ticket
    assert called.state == common_pb2.TICKET_STATE_CALLED
    assert (called.number, 0) in await waits(line, called.number[1:])
    await served.queue.StartService(queue_pb2.DeskRequest(desk_id="desk-01"))
    assert called.number not in [n for n, _ in await waits(line, called.number[1:])]


@pytest.mark.parametrize("digits", ["", "A17", "17#", "1234567", "１７"])
async def test_digits_that_are_no_ticket_number_are_refused(
    line: grpc.aio.Channel, digits: str
) -> None:
    code, message, reason = await refusal(
        queue(line).FindTicketWait(queue_pb2.FindTicketWaitRequest(digits=digits))
    )
    assert (code, reason) == (grpc.StatusCode.INVALID_ARGUMENT, "bad_digits")
    assert "a ticket's number is typed as its digits, 1 to 6 of them" in message


async def test_a_caller_finds_their_booking_by_its_keys_and_their_number(
    line: grpc.aio.Channel,
) -> None:
    booked = await phone_book(line, send_code=True)
    keys = codes.keys(booked.code)
    assert len(keys) == 6 and set(keys) <= set("23456789")

    found = (await by_keys(line, keys, "8 916 123-45-67")).booking
    assert (found.code, found.day, found.time) == (booked.code, "2026-11-23", "10:20")
    assert found.channel == CALL_CENTRE
    assert await refusal(by_keys(line, keys, OTHER)) == NOT_YOURS

    # The code it found then moves and cancels it, with the caller's number only.
    move = appointments_pb2.MoveRequest(code=found.code, slot_start_unix_ms=AT_10_20 + DAY)
    assert await refusal(bookings(line).Move(move)) == NOT_YOURS
    move.phone = PHONE
    moved = (await bookings(line).Move(move)).booking
    assert (moved.code, moved.day) == (booked.code, "2026-11-24")
    look = appointments_pb2.GetBookingRequest(code=found.code)
    assert await refusal(bookings(line).GetBooking(look)) == NOT_YOURS
    cancel = appointments_pb2.CancelBookingRequest(code=found.code, phone=PHONE)
    cancelled = (await bookings(line).Cancel(cancel)).booking
    assert cancelled.state == appointments_pb2.BOOKING_STATE_CANCELLED
    assert await refusal(by_keys(line, keys)) == NOT_YOURS


@pytest.mark.parametrize(
    ("keys", "phone", "status", "reason"),
    [
        ("57647", PHONE, grpc.StatusCode.INVALID_ARGUMENT, "bad_code"),
        ("576471", PHONE, grpc.StatusCode.INVALID_ARGUMENT, "bad_code"),
        ("K7M4QX", PHONE, grpc.StatusCode.INVALID_ARGUMENT, "bad_code"),
        ("", PHONE, grpc.StatusCode.INVALID_ARGUMENT, "invalid_request"),
        ("576479", "", grpc.StatusCode.INVALID_ARGUMENT, "invalid_request"),
        ("576479", "12", grpc.StatusCode.INVALID_ARGUMENT, "bad_phone"),
    ],
)
async def test_keys_or_a_number_that_cannot_be_are_refused(
    line: grpc.aio.Channel, keys: str, phone: str, status: grpc.StatusCode, reason: str
) -> None:
    code, _, told = await refusal(by_keys(line, keys, phone))
    assert (code, told) == (status, reason)


async def test_wrong_keys_count_as_wrong_codes_for_each_caller(
    served: Served, line: grpc.aio.Channel
) -> None:
    booked = await phone_book(line)
    keys = codes.keys(booked.code)
    for _ in range(10):
        assert await refusal(by_keys(line, "222222", OTHER)) == NOT_YOURS
    code, message, reason = await refusal(by_keys(line, keys, OTHER))
    assert (code, reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "too_many_attempts")
    assert message.startswith("too many wrong booking codes from voice_menu-V-1/caller-")
    assert OTHER[1:] not in message and PHONE[1:] not in message
    # Every caller comes through the one voice menu: the one guessing is the one stopped.
    assert (await by_keys(line, keys, PHONE)).booking.code == booked.code
    served.clock.advance(16)
    assert await refusal(by_keys(line, keys, OTHER)) == NOT_YOURS


async def test_two_bookings_typed_by_the_same_keys_are_for_a_person_to_tell_apart(
    served: Served, line: grpc.aio.Channel
) -> None:
    twins = itertools.cycle(["K7M4QX", "J7M4QX"])  # K and J are both on the 5 key
    served.hub.bookings.codes = CodePool(
        lambda drawn: served.hub.read_store(lambda r: r.codes_taken(drawn)),
        served.hub.appointments.in_use,
        draw=lambda: next(twins),
    )
    first = await phone_book(line)
    second = await phone_book(line, AT_10_20 + 7 * DAY)
    assert {first.code, second.code} == {"K7M4QX", "J7M4QX"}
    code, message, reason = await refusal(by_keys(line, "576479"))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "ambiguous_keys")
    assert message == (
        "2 bookings made with this phone number are typed by these keys: transfer the caller "
        "to an operator, who finds them by the number"
    )


async def test_the_voice_menu_is_refused_what_its_column_leaves_out(
    line: grpc.aio.Channel,
) -> None:
    denied = (grpc.StatusCode.PERMISSION_DENIED, "not_allowed")
    appointments = bookings(line)
    assert (
        await refused(appointments.FindBookings(appointments_pb2.FindBookingsRequest(phone=PHONE)))
        == denied
    )
    assert (
        await refused(
            appointments.CheckIn(appointments_pb2.CheckInRequest(code="K7M4QX", phone=PHONE))
        )
        == denied
    )
    feed = feed_pb2_grpc.HallFeedStub(line).Subscribe(feed_pb2.SubscribeRequest())
    assert await refused(feed.read()) == denied
    assert await refused(queue(line).CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))) == denied
    assert (
        await refused(queue(line).IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport")))
        == denied
    )
    admin = admin_pb2_grpc.AdminStub(line)
    assert await refused(admin.ListDesks(admin_pb2.ListDesksRequest())) == denied
    assert (
        await refused(
            applications_pb2_grpc.ApplicationsStub(line).Get(
                applications_pb2.GetApplicationRequest(number="1")
            )
        )
        == denied
    )


async def test_a_phone_and_a_kiosk_racing_for_the_last_seat_one_gets_it(
    served: Served, line: grpc.aio.Channel, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "kiosk", "K-1") as kiosk:
        for n in range(5):
            slot = AT_10_20 + n * 20 * MINUTE
            await book(served, slot)  # the first of the slot's two seats
            answers = await asyncio.gather(
                bookings(line).Book(
                    appointments_pb2.BookRequest(
                        service_id="passport",
                        slot_start_unix_ms=slot,
                        channel=CALL_CENTRE,
                        phone=f"+7916000000{n}",
                        request_id=f"phone-{n}",
                    )
                ),
                bookings(kiosk).Book(
                    appointments_pb2.BookRequest(
                        service_id="passport",
                        slot_start_unix_ms=slot,
                        channel=KIOSK,
                        request_id=f"kiosk-{n}",
                    )
                ),
                return_exceptions=True,
            )
            won = [a for a in answers if isinstance(a, appointments_pb2.BookingResponse)]
            lost = [a for a in answers if isinstance(a, grpc.aio.AioRpcError)]
            assert (len(won), len(lost)) == (1, 1), answers
            assert lost[0].code() == grpc.StatusCode.FAILED_PRECONDITION
            assert dict(lost[0].trailing_metadata() or ())["okno-error"] == "slot_full"
    with sqlite3.connect(served.db) as database:
        seats = database.execute(
            "SELECT slot_ms, count(*) FROM appointments GROUP BY slot_ms ORDER BY slot_ms"
        ).fetchall()
    assert seats == [(AT_10_20 + n * 20 * MINUTE, 2) for n in range(5)]


async def test_a_phone_booking_meets_the_per_person_limits(
    served: Served, line: grpc.aio.Channel
) -> None:
    await book(served, phone="8 916 123-45-67")  # at the kiosk, this week
    code, message, reason = await refusal(
        phone_book(line, AT_10_20 + 2 * DAY, "foreign-passport", send_code=True)
    )
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "booking_limit")
    assert "per phone number or card: one is already booked for 2026-11-23 10:20" in message
    assert await phone_book(line, AT_10_20 + 7 * DAY, send_code=True)
    # Declining the SMS keeps the number for the limits all the same.
    assert await phone_book(line, AT_10_20 + DAY, phone=OTHER, send_code=False)
    code, _, reason = await refusal(phone_book(line, AT_10_20 + 2 * DAY, phone=OTHER))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "booking_limit")


async def test_the_code_goes_by_sms_only_to_a_caller_who_agreed(
    served: Served, line: grpc.aio.Channel
) -> None:
    gateway = SimulatedSmsGateway()
    await gateway.start()
    notifier = Notifier(
        served.hub,
        [SmsGateway(gateway.url, "MFC", timeout_s=0.5)],
        backoff=Backoff(first_s=0.05, factor=2, longest_s=0.3),
        tick_s=0.05,
    )
    await notifier.start()
    try:
        agreed = await phone_book(line, phone="+79160000001", send_code=True)
        declined = await phone_book(line, phone="+79160000002", send_code=False)
        # A kiosk or a web page says nothing of it: the visitor's contact is told, as before.
        at_kiosk = await book(served, AT_10_20 + 20 * MINUTE, phone="+79160000003")
        moved = appointments_pb2.MoveRequest(
            code=declined.code, slot_start_unix_ms=AT_10_20 + 40 * MINUTE, phone="+79160000002"
        )
        await bookings(line).Move(moved)

        async def planned() -> bool:
            return notifier.planned_seq >= served.hub.committed_seq

        await eventually(planned)
        sent = await gateway.wait_for(2)
        await asyncio.sleep(0.3)  # a message to the one who declined would be sent by now
        assert sorted(m.to for m in gateway.messages) == ["+79160000001", "+79160000003"]
        texts = {m.to: m.text for m in sent}
        assert agreed.code in texts["+79160000001"]
        assert at_kiosk.code in texts["+79160000003"]
        with sqlite3.connect(served.db) as database:
            rows = database.execute(
                "SELECT o.kind FROM notify_outbox o JOIN appointments a "
                "ON a.id = o.appointment_id WHERE a.code = ?",
                (declined.code,),
            ).fetchall()
        assert rows == []
    finally:
        await notifier.stop()
        await gateway.stop()


async def test_only_a_caller_from_the_applications_phone_hears_its_status(
    served: Served, line: grpc.aio.Channel
) -> None:
    application = await accepted(served, phone=PHONE)
    stub = applications_pb2_grpc.ApplicationsStub(line)

    def look_up(phone: str) -> Any:
        return stub.LookUp(
            applications_pb2.LookUpApplicationRequest(number=application.number, phone=phone)
        )

    found = await look_up("8 916 123-45-67")
    assert (found.number, found.status) == (application.number, application.status)
    assert not found.phone
    for _ in range(10):
        code, _, reason = await refusal(look_up(OTHER))
        assert (code, reason) == (grpc.StatusCode.NOT_FOUND, "unknown_application")
    code, message, reason = await refusal(look_up(OTHER))
    assert (code, reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "too_many_attempts")
    assert OTHER[1:] not in message
    # The one guessing is stopped, not every caller of the voice menu.
    assert (await look_up(PHONE)).number == application.number


def test_a_code_is_typed_as_the_keys_that_carry_its_letters() -> None:
    assert codes.keys("K7M4QX") == "576479"
    # The letters by ITU E.161; there is no I or O in a code.
    assert codes.keys(codes.ALPHABET) == "23456789" + "222333445556677778889999"
