"""Visitors' ratings: the rules, the event in the log, and the Ratings RPC on a real hub."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from hub.bench import visits
from hub.domain import rating as rules
from hub.domain.model import RatingChannel
from hub.errors import AlreadyRated, BadScore, NotFound, NotRatable, RatingClosed
from hub.service import Hub
from protos.okno.v1 import feed_pb2, ratings_pb2, ratings_pb2_grpc
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device, refused

DESK = "desk-01"
KIOSK = ratings_pb2.RATING_CHANNEL_KIOSK
OPERATOR = "ivanova-a"


async def serve_one(hub: Hub, desk: str = DESK, service: str = "passport") -> str:
    """Serve the next visitor of ``desk`` to the end as OPERATOR; the finished ticket's id."""
    return await visits.serve_one(hub, service, desk=desk, operator_id=OPERATOR)


def rated_payloads(served: Served) -> list[dict[str, object]]:
    with sqlite3.connect(served.db) as db:
        rows = db.execute(
            "SELECT ticket_id, payload FROM events WHERE kind = 'ticket_rated'"
        ).fetchall()
    found = []
    for ticket_id, payload in rows:
        rating = json.loads(payload)["rating"]
        assert rating["ticket_id"] == ticket_id
        found.append(rating)
    return found


def test_the_rules_refuse_what_a_rating_cannot_be() -> None:
    served = rules.Served("2026-11-23/А001", "А001", "passport", DESK, OPERATOR, 1_000)
    ok = rules.rate(
        served, served.ticket_id, rated=False, score=5, channel=RatingChannel.SMS, now_ms=2_000
    )
    assert (ok.score, ok.operator_id, ok.channel) == (5, OPERATOR, RatingChannel.SMS)
    for score in (0, 6, -1):
        with pytest.raises(BadScore, match="from 1 to 5"):
            rules.rate(
                served,
                served.ticket_id,
                rated=False,
                score=score,
                channel=RatingChannel.SMS,
                now_ms=2_000,
            )
    with pytest.raises(NotRatable):
        rules.rate(
            None, "2026-11-23/А002", rated=False, score=4, channel=RatingChannel.KIOSK, now_ms=2_000
        )
    with pytest.raises(AlreadyRated, match="rated already"):
        rules.rate(
            served, served.ticket_id, rated=True, score=4, channel=RatingChannel.KIOSK, now_ms=2_000
        )
    late = 1_000 + rules.WINDOW_MS + 1
    with pytest.raises(RatingClosed, match="24 h"):
        rules.rate(
            served, served.ticket_id, rated=False, score=4, channel=RatingChannel.KIOSK, now_ms=late
        )
    with pytest.raises(BadScore, match="the channels are kiosk, desk, sms"):
        rules.channel_of("telegram")


async def test_a_finished_service_is_rated_once_with_who_served_it(served: Served) -> None:
    hub = served.hub
    ticket_id = await serve_one(hub)
    event = await hub.ratings.rate(ticket_id, 4, RatingChannel.KIOSK)
    assert event.rating is not None and event.ticket is None
    with pytest.raises(AlreadyRated):
        await hub.ratings.rate(ticket_id, 5, RatingChannel.SMS)
    assert rated_payloads(served) == [
        {
            "ticket_id": ticket_id,
            "service_id": "passport",
            "desk_id": DESK,
            "operator_id": OPERATOR,
            "score": 4,
            "channel": "kiosk",
        }
    ]


async def test_two_ratings_racing_for_one_ticket_record_one(served: Served) -> None:
    hub = served.hub
    ticket_id = await serve_one(hub)
    results = await asyncio.gather(
        *(hub.ratings.rate(ticket_id, s, RatingChannel.SMS) for s in (1, 5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, AlreadyRated) for r in results) == 1
    assert len(rated_payloads(served)) == 1


async def test_a_rating_survives_a_restart_and_is_still_refused_twice(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as first:
        ticket_id = await serve_one(first.hub)
        await first.hub.ratings.rate(ticket_id, 3, RatingChannel.KIOSK)
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as again:
        assert (await again.hub.ratings.facts(ticket_id)).rated
        with pytest.raises(AlreadyRated):
            await again.hub.ratings.rate(ticket_id, 5, RatingChannel.SMS)


async def test_a_ticket_not_served_or_served_too_long_ago_is_refused(served: Served) -> None:
    hub = served.hub
    waiting = await hub.run(lambda e, now: e.issue("passport", now))
    assert waiting.ticket is not None
    with pytest.raises(NotRatable, match="no finished service"):
        await hub.ratings.rate(waiting.ticket.id, 5, RatingChannel.KIOSK)
    ticket_id = await serve_one(hub)
    served.clock.advance(24 * 60 + 1)
    with pytest.raises(RatingClosed):
        await hub.ratings.rate(ticket_id, 5, RatingChannel.KIOSK)


async def test_a_rating_link_stands_for_its_ticket_only(served: Served) -> None:
    ratings = served.hub.ratings
    token = await ratings.token("2026-11-23/А001")
    assert await ratings.ticket_of(token) == "2026-11-23/А001"
    assert "А001" not in token
    other = await ratings.token("2026-11-23/А002")
    forged = token.split(".")[0] + "." + other.split(".")[1]
    for bad in (forged, token[:-2], "x", "", token + "x"):
        with pytest.raises(NotFound):
            await ratings.ticket_of(bad)


async def test_the_desk_box_rates_the_visitor_who_just_left(served: Served) -> None:
    hub = served.hub
    with pytest.raises(NotRatable, match="desk 1 has no visitor"):
        await hub.ratings.rate_at_desk(DESK, 5)
    ticket_id = await serve_one(hub)
    event = await hub.ratings.rate_at_desk(DESK, 2)
    assert event.rating is not None
    assert (event.rating.ticket_id, event.rating.channel) == (ticket_id, RatingChannel.DESK)
    with pytest.raises(AlreadyRated):
        await hub.ratings.rate_at_desk(DESK, 5)


async def test_rate_service_over_grpc(served: Served, tmp_path: Path) -> None:
    """The rating box of desk-01 rates the service its desk just gave, and only that."""
    ticket_id = await serve_one(served.hub)
    async with device(served, tmp_path, "staff_desk", "U-1", desk=DESK) as unit:
        stub = ratings_pb2_grpc.RatingsStub(unit)
        answer = await stub.RateService(ratings_pb2.RateServiceRequest(desk_id=DESK, score=5))
        assert (answer.rating.ticket_id, answer.rating.operator_id) == (ticket_id, OPERATOR)
        assert answer.rating.channel == ratings_pb2.RATING_CHANNEL_DESK
        assert answer.sequence == served.hub.committed_seq
        refusals = [
            (ratings_pb2.RateServiceRequest(desk_id=DESK, score=5), "already_rated"),
            (ratings_pb2.RateServiceRequest(desk_id=DESK, score=9), "bad_score"),
            (ratings_pb2.RateServiceRequest(ticket_id=ticket_id, desk_id=DESK, score=3), "invalid"),
            (ratings_pb2.RateServiceRequest(desk_id="desk-02", score=3), "not_your_desk"),
            # A ticket is rated at its own desk's box, not by its number from anywhere.
            (
                ratings_pb2.RateServiceRequest(ticket_id=ticket_id, score=3, channel=KIOSK),
                "not_your_desk",
            ),
        ]
        for request, code in refusals:
            _, error = await refused(stub.RateService(request))
            assert error.startswith(code), (request, error)


async def test_the_hall_feed_carries_a_rating_as_its_kind_only(served: Served) -> None:
    ticket_id = await serve_one(served.hub)
    before = served.hub.committed_seq
    await served.hub.ratings.rate(ticket_id, 5, RatingChannel.KIOSK)
    stream = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=before))
    message = await stream.read()
    stream.cancel()
    assert isinstance(message, feed_pb2.FeedMessage)
    assert message.event.kind == feed_pb2.EVENT_KIND_TICKET_RATED
    assert not message.event.HasField("ticket")


async def test_the_desk_box_does_not_rate_once_the_next_service_started(served: Served) -> None:
    hub = served.hub
    await serve_one(hub)
    await hub.run(lambda e, now: e.issue("passport", now))
    await hub.run(lambda e, now: e.call_next(DESK, now))
    # The next visitor is called, not yet served: the one who left may still rate.
    await hub.ratings.rate_at_desk(DESK, 5)
    await hub.run(lambda e, now: e.start(DESK, now))
    with pytest.raises(NotRatable, match="desk 1 has no visitor who has just been served"):
        await hub.ratings.rate_at_desk(DESK, 1)
    await hub.run(lambda e, now: e.finish(DESK, now))
    served.clock.advance(11)
    with pytest.raises(NotRatable):
        await hub.ratings.rate_at_desk(DESK, 1)
    assert [r["score"] for r in rated_payloads(served)] == [5]
