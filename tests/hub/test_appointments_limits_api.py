"""Booking limits over real gRPC: the refusal and its facts, every channel, a card, a move,
and simultaneous bookings of one phone of which only one may pass.

The example branch allows one passport booking (of either kind) a week per person.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import grpc
import pytest

from okno.snils import snils_hash
from protos.okno.v1 import appointments_pb2
from tests.hub.conftest import MINUTE, Served
from tests.hub.test_appointments_api import AT_10_20, CALL_CENTRE, ONLINE, book, refusal, stub

DAY = 24 * 60 * MINUTE
PHONE = "+79161234567"
LIMIT = (
    'at most 1 booking(s) per week for "passport", "foreign-passport" per phone number or '
    "card: one is already booked for 2026-11-23 10:20 "
)


async def facts(call: Awaitable[object]) -> dict[str, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return {str(k): str(v) for k, v in caught.value.trailing_metadata() or ()}


@pytest.mark.parametrize("channel", [CALL_CENTRE, ONLINE])
async def test_a_second_booking_is_refused_with_the_limit_and_the_held_booking(
    served: Served, channel: appointments_pb2.BookingChannel.ValueType
) -> None:
    first = await book(served, phone="8 916 123-45-67")
    second = appointments_pb2.BookRequest(
        service_id="foreign-passport",
        slot_start_unix_ms=AT_10_20 + 2 * DAY,
        channel=channel,
        phone=PHONE,
    )
    assert await refusal(stub(served).Book(second)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        LIMIT + '("passport"); cancel or move it first',
        "booking_limit",
    )
    told = await facts(stub(served).Book(second))
    assert told == {
        "okno-error": "booking_limit",
        "okno-limit-most": "1",
        "okno-limit-per": "week",
        "okno-limit-services": "passport,foreign-passport",
        "okno-held-service": "passport",
        "okno-slot-ms": str(AT_10_20),
    }
    assert first.code not in str(told)
    # Another number, and the next week, are free.
    assert (await book(served, AT_10_20 + 2 * DAY, phone="+79160000000")).code
    assert (await book(served, AT_10_20 + 7 * DAY, phone=PHONE)).code


async def test_a_card_is_limited_by_its_snils_hash(served: Served) -> None:
    card = snils_hash(served.hub.snils_key, "112-233-445 95")
    await book(served, snils_hash=card)
    code, _, reason = await refusal(
        stub(served).Book(
            appointments_pb2.BookRequest(
                service_id="passport",
                slot_start_unix_ms=AT_10_20 + DAY,
                channel=ONLINE,
                phone="+79160000000",
                snils="112-233-445 95",
            )
        )
    )
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "booking_limit")


async def test_a_move_counts_the_others_not_itself(served: Served) -> None:
    this_week = await book(served, phone=PHONE)
    next_week = await book(served, AT_10_20 + 7 * DAY, phone=PHONE)
    moved = await stub(served).Move(
        appointments_pb2.MoveRequest(code=this_week.code, slot_start_unix_ms=AT_10_20 + DAY)
    )
    assert moved.booking.day == "2026-11-24"
    # Saturday 28 November is in the first booking's week.
    saturday = AT_10_20 + 5 * DAY + 100 * MINUTE
    _, message, reason = await refusal(
        stub(served).Move(
            appointments_pb2.MoveRequest(code=next_week.code, slot_start_unix_ms=saturday)
        )
    )
    assert reason == "booking_limit"
    assert "one is already booked for 2026-11-24 10:20" in message


async def test_simultaneous_bookings_of_one_phone_let_exactly_one_through(
    served: Served,
) -> None:
    asks = [
        stub(served).Book(
            appointments_pb2.BookRequest(
                service_id="passport",
                slot_start_unix_ms=AT_10_20 + n * 20 * MINUTE,
                channel=ONLINE,
                phone=PHONE,
                request_id=f"burst-{n}",
            )
        )
        for n in range(8)
    ]
    answers = await asyncio.gather(*asks, return_exceptions=True)
    booked = [a for a in answers if isinstance(a, appointments_pb2.BookingResponse)]
    refused = [a for a in answers if isinstance(a, grpc.aio.AioRpcError)]
    assert len(booked) == 1
    assert len(refused) == 7
    assert {dict(r.trailing_metadata() or ())["okno-error"] for r in refused} == {"booking_limit"}
    found = await stub(served).FindBookings(appointments_pb2.FindBookingsRequest(phone=PHONE))
    assert [b.code for b in found.bookings] == [booked[0].booking.code]
