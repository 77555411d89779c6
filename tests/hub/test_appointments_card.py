"""Check-in by card: a booking made with a SNILS (typed, or read from a card) is found by
the card at the kiosk, and the hub keeps only the branch's keyed hash of it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import grpc
import pytest

from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession
from okno.snils import snils_hash
from protos.okno.v1 import appointments_pb2, devices_pb2, devices_pb2_grpc
from tests.hub.conftest import MINUTE, Served
from tests.hub.devices import device_port, enrolled
from tests.hub.test_appointments_api import AT_10_20, ONLINE, book, refusal, stub

SNILS = "112-233-445 95"
OTHER_SNILS = "112-233-446 94"


def card(served: Served, snils: str = SNILS) -> str:
    """What the kiosk's card reader sends: the card's SNILS under the key the hub gave it."""
    return snils_hash(served.hub.snils_key, snils)


def by_card(
    served: Served, hashed: str, request_id: str = ""
) -> grpc.aio.UnaryUnaryCall[
    appointments_pb2.CheckInByCardRequest, appointments_pb2.CheckInResponse
]:
    return stub(served).CheckInByCard(
        appointments_pb2.CheckInByCardRequest(snils_hash=hashed, request_id=request_id)
    )


async def test_a_visitor_who_booked_online_with_a_snils_checks_in_with_the_card(
    served: Served,
) -> None:
    booked = await book(served, AT_10_20, channel=ONLINE, snils=SNILS)
    served.clock.advance(10)

    checked = await by_card(served, card(served), request_id="tap-1")
    assert checked.booking.code == booked.code
    assert checked.booking.state == appointments_pb2.BOOKING_STATE_CHECKED_IN
    assert checked.ticket.number

    again = await by_card(served, card(served), request_id="tap-1")
    assert again.ticket.id == checked.ticket.id


async def test_a_booking_made_at_the_kiosk_with_the_card_is_found_by_the_same_card(
    served: Served,
) -> None:
    booked = await book(served, AT_10_20, snils_hash=card(served))
    served.clock.advance(10)
    checked = await by_card(served, card(served))
    assert checked.booking.code == booked.code


async def test_another_card_or_no_booking_says_what_to_do(served: Served) -> None:
    await book(served, AT_10_20, channel=ONLINE, snils=SNILS)
    served.clock.advance(10)
    status, message, code = await refusal(by_card(served, card(served, OTHER_SNILS)))
    assert (status, code) == (grpc.StatusCode.NOT_FOUND, "no_booking_for_card")
    assert "take a ticket" in message


async def test_a_card_too_early_is_told_when_check_in_opens(served: Served) -> None:
    at_11_20 = AT_10_20 + 60 * MINUTE
    await book(served, at_11_20, channel=ONLINE, snils=SNILS)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await by_card(served, card(served))
    metadata = dict(tuple(caught.value.trailing_metadata() or ()))
    assert metadata["okno-error"] == "check_in_too_early"
    # For the kiosk's screen, which has no code to look the booking up with.
    assert metadata["okno-slot-ms"] == str(at_11_20)
    assert metadata["okno-check-in-from-ms"] == str(at_11_20 - 15 * MINUTE)


async def test_a_wrong_snils_or_a_snils_sent_as_a_hash_is_refused_without_repeating_it(
    served: Served,
) -> None:
    status, message, _ = await refusal(
        stub(served).Book(
            appointments_pb2.BookRequest(
                service_id="passport",
                slot_start_unix_ms=AT_10_20,
                channel=ONLINE,
                snils="112-233-445 96",
            )
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    assert "11 digits" in message and "445" not in message and "96" not in message
    status, message, _ = await refusal(by_card(served, "11223344595"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    assert "11223344595" not in message


async def test_the_hub_keeps_no_snils_and_its_log_no_hash(served: Served) -> None:
    await book(served, AT_10_20, channel=ONLINE, snils=SNILS)
    with sqlite3.connect(served.db) as database:
        dump = "\n".join(database.iterdump())
    assert "11223344595" not in dump and SNILS not in dump
    assert dump.count(card(served)) == 1
    with sqlite3.connect(served.db) as database:
        payloads = [row[0] for row in database.execute("SELECT payload FROM events")]
    assert payloads and not any(card(served) in p for p in payloads)

    # Erased with the contacts, the day after next.
    served.clock.advance(2 * 24 * 60)
    await served.hub.run(served.hub.appointments.sweep)
    with sqlite3.connect(served.db) as database:
        assert database.execute("SELECT snils_hash FROM appointments").fetchone() == ("",)


async def test_kiosks_get_the_hubs_snils_key_and_the_technician_never_sees_it(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "k"), kind="kiosk")
    async with device_port(served) as address:
        seen: list[dict[str, str]] = []
        session = HubSession(address, credentials, heartbeat_s=0.05, on_config=seen.append)
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        stop.set()
        await running
    assert seen[0]["snils_hash_key"] == served.hub.snils_key.hex()
    listed = await devices_pb2_grpc.ProvisioningStub(served.channel).ListDevices(
        devices_pb2.ListDevicesRequest()
    )
    assert all("snils_hash_key" not in d.config for d in listed.devices)
