"""A card read at a desk's reader, on a real hub over gRPC: to that desk's operator only.

The reader is an admitted card_reader device on the device port with a ``desk`` setting;
the operators sign in over TLS. Nothing of the card reaches the hall feed or the log of
events, and the hub forgets it on removal, on the desk's next call and after its time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc

from hub.desk_cards import KEEP_MS, CardAtDesk, DeskCards
from okno.snils import snils_hash
from protos.okno.v1 import (
    applications_pb2,
    desk_cards_pb2,
    desk_cards_pb2_grpc,
    feed_pb2,
    queue_pb2,
    queue_pb2_grpc,
)
from tests.hub.applications.helpers import accepted
from tests.hub.conftest import Served
from tests.hub.devices import device, refused
from tests.hub.test_appointments_api import AT_10_20, ONLINE, book

SNILS = "112-233-445 95"
# Another visitor's, whose booking the desk must not show.
OTHER_SNILS = "123-456-789 64"
NAME = "Иванов Иван Иванович"
# examples/branch.toml: ivanova-a may open desk-01, petrov-s desk-02.
AT_01, AT_02 = "ivanova-a", "petrov-s"


@asynccontextmanager
async def reader_at(
    served: Served, folder: Path, desk: str
) -> AsyncIterator[desk_cards_pb2_grpc.DeskCardsAsyncStub]:
    """A card reader admitted with its ``desk`` setting, as a technician sets it."""
    serial = f"CR-{desk}"
    async with device(served, folder, "card_reader", serial, desk=desk) as channel:
        yield desk_cards_pb2_grpc.DeskCardsStub(channel)


def read(served: Served, desk: str, snils: str = SNILS) -> desk_cards_pb2.PresentCardRequest:
    """What the reader at ``desk`` sends for the sample card: the name, the SNILS hashed."""
    return desk_cards_pb2.PresentCardRequest(
        desk_id=desk,
        name=NAME,
        snils_hash=snils_hash(served.hub.snils_key, snils),
        pin_verified=True,
        profile="uec",
    )


async def operator_at(served: Served, operator_id: str, desk: str) -> grpc.aio.Channel:
    """``operator_id`` signed in with their desk open, as the panel does."""
    channel = await served.staff_channel(operator_id)
    await queue_pb2_grpc.QueueServiceStub(channel).OpenDesk(
        queue_pb2.OpenDeskRequest(request_id=f"open-{desk}", desk_id=desk)
    )
    return channel


async def at_desk(channel: grpc.aio.Channel, desk: str) -> desk_cards_pb2.DeskCard:
    return await desk_cards_pb2_grpc.DeskCardsStub(channel).GetDeskCard(
        desk_cards_pb2.GetDeskCardRequest(desk_id=desk)
    )


async def next_message(
    feed: grpc.aio.UnaryStreamCall[feed_pb2.SubscribeRequest, feed_pb2.FeedMessage],
) -> feed_pb2.FeedMessage:
    message = await asyncio.wait_for(feed.read(), 5)
    assert isinstance(message, feed_pb2.FeedMessage), "the feed ended"
    return message


async def test_a_card_read_at_a_desk_reaches_that_desks_operator_and_nobody_else(
    served: Served, tmp_path: Path
) -> None:
    application = await accepted(served, snils=SNILS)
    # The application was taken at desk-01 by the administrator; its operator works it now.
    await served.queue.CloseDesk(queue_pb2.DeskRequest(request_id="c", desk_id="desk-01"))
    booking = await book(served, AT_10_20, channel=ONLINE, snils=SNILS)
    await book(served, AT_10_20, channel=ONLINE, snils=OTHER_SNILS)
    first, second = (
        await operator_at(served, AT_01, "desk-01"),
        await operator_at(served, AT_02, "desk-02"),
    )
    feed = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0))
    seen = [await next_message(feed)]
    async with reader_at(served, tmp_path, "desk-01") as reader:
        logged = served.hub.committed_seq
        assert (await reader.Present(read(served, "desk-01"))).desk_id == "desk-01"

        card = await at_desk(first, "desk-01")
        assert (card.present, card.name, card.pin_verified) == (True, NAME, True)
        assert [b.code for b in card.bookings] == [booking.code]
        assert [(a.number, a.status) for a in card.applications] == [
            (application.number, applications_pb2.APPLICATION_STATUS_ACCEPTED)
        ]
        assert (await at_desk(served.channel, "desk-01")).name == NAME  # an administrator
        assert not (await at_desk(second, "desk-02")).present
        assert await refused(at_desk(second, "desk-01")) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "not_your_desk",
        )
        # A reader bound to desk-01 cannot put its card on desk-02's screen.
        assert await refused(reader.Present(read(served, "desk-02"))) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "not_your_desk",
        )
        assert not (await at_desk(second, "desk-02")).present
        assert served.hub.committed_seq == logged, "a card read is no event of the branch"

        issued = await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        while not (seen[-1].HasField("event") and seen[-1].event.ticket.id == issued.ticket.id):
            seen.append(await next_message(feed))
        assert not [m for m in seen if "Иванов" in str(m) or booking.code in str(m)]

        await reader.Withdraw(desk_cards_pb2.WithdrawCardRequest(desk_id="desk-01"))
        assert not (await at_desk(first, "desk-01")).present
    feed.cancel()
    for channel in (first, second):
        await channel.close()


async def test_the_hub_forgets_the_card_after_its_time_and_at_the_desks_next_call(
    served: Served, tmp_path: Path
) -> None:
    operator = await operator_at(served, AT_01, "desk-01")
    async with reader_at(served, tmp_path, "1") as reader:
        await reader.Present(read(served, "1"))  # the desk by its number, as the unit reads it
        served.clock.advance(KEEP_MS / 60_000 - 1)
        assert (await at_desk(operator, "desk-01")).present
        served.clock.advance(1)
        assert not (await at_desk(operator, "desk-01")).present
        assert len(served.hub.desk_cards) == 0

        await reader.Present(read(served, "1"))
        await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        await queue_pb2_grpc.QueueServiceStub(operator).CallNext(
            queue_pb2.DeskRequest(request_id="next", desk_id="desk-01")
        )
        assert not (await at_desk(operator, "desk-01")).present
    await operator.close()


async def test_a_reader_without_a_desk_or_with_a_bad_card_is_refused(
    served: Served, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "card_reader", "CR-NONE") as channel:
        assert await refused(
            desk_cards_pb2_grpc.DeskCardsStub(channel).Present(read(served, "desk-01"))
        ) == (grpc.StatusCode.PERMISSION_DENIED, "not_your_desk")
    async with reader_at(served, tmp_path, "desk-01") as reader:
        for bad in (
            desk_cards_pb2.PresentCardRequest(desk_id="desk-01", name=" ", profile="uec"),
            desk_cards_pb2.PresentCardRequest(desk_id="desk-01", name="x" * 201, profile="uec"),
            desk_cards_pb2.PresentCardRequest(desk_id="desk-01", name=NAME, profile="sim"),
            desk_cards_pb2.PresentCardRequest(
                desk_id="desk-01", name=NAME, profile="uec", snils_hash=SNILS
            ),
        ):
            assert await refused(reader.Present(bad)) == (
                grpc.StatusCode.INVALID_ARGUMENT,
                "invalid_request",
            )
    assert len(served.hub.desk_cards) == 0


def test_a_card_at_a_desk_a_reload_dropped_is_forgotten() -> None:
    cards = DeskCards()
    cards.present(CardAtDesk("desk-09", NAME, "", False, "emv", 0, ""))
    cards.present(CardAtDesk("desk-01", NAME, "", False, "emv", 0, ""))
    tickets = {"desk-01": ""}
    assert cards.at("desk-01", 1, tickets.get) is not None
    assert cards.at("desk-09", 1, tickets.get) is None
    assert len(cards) == 1
    assert NAME not in repr(cards.at("desk-01", 1, tickets.get))
