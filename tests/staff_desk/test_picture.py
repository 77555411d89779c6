"""The desk's picture from hall feed messages and answers to presses: pure, no hub."""

from __future__ import annotations

from protos.okno.v1 import common_pb2, feed_pb2
from staff_desk.light import Light
from staff_desk.picture import Picture, light_for

OPEN = common_pb2.DESK_STATE_OPEN
CALLED = common_pb2.TICKET_STATE_CALLED
SERVING = common_pb2.TICKET_STATE_SERVING


def desk(
    state: common_pb2.DeskState.ValueType = OPEN, ticket: str = "", id_: str = "desk-05"
) -> common_pb2.Desk:
    return common_pb2.Desk(id=id_, number=5, state=state, current_ticket_id=ticket)


def ticket(state: common_pb2.TicketState.ValueType, id_: str = "d/А001") -> common_pb2.Ticket:
    return common_pb2.Ticket(id=id_, number="А001", state=state, desk_id="desk-05")


def snapshot(sequence: int, *desks: common_pb2.Desk) -> feed_pb2.FeedMessage:
    state = common_pb2.QueueState(sequence=sequence, desks=desks)
    return feed_pb2.FeedMessage(snapshot=state)


def event(
    sequence: int,
    kind: feed_pb2.EventKind.ValueType,
    d: common_pb2.Desk,
    t: common_pb2.Ticket | None = None,
) -> feed_pb2.FeedMessage:
    body = feed_pb2.Event(sequence=sequence, kind=kind, desk=d, ticket=t)
    return feed_pb2.FeedMessage(event=body)


def test_the_feed_draws_the_desk_and_its_ticket() -> None:
    picture = Picture()
    assert picture.resolve("5") is None
    picture.apply(snapshot(10, desk(), desk(id_="desk-06")))
    assert picture.resolve("5") == "desk-05"
    assert picture.resolve("desk-06") == "desk-06"
    assert picture.resolve("7") is None
    assert light_for(picture.view("desk-05")) is Light.IDLE
    picture.apply(
        event(11, feed_pb2.EVENT_KIND_TICKET_CALLED, desk(ticket="d/А001"), ticket(CALLED))
    )
    assert light_for(picture.view("desk-05")) is Light.CALLING
    picture.apply(
        event(12, feed_pb2.EVENT_KIND_SERVICE_STARTED, desk(ticket="d/А001"), ticket(SERVING))
    )
    assert light_for(picture.view("desk-05")) is Light.SERVING
    done = ticket(common_pb2.TICKET_STATE_DONE)
    picture.apply(event(13, feed_pb2.EVENT_KIND_SERVICE_FINISHED, desk(), done))
    assert picture.view("desk-05").ticket is None


def test_an_answer_shows_at_once_and_gives_way_when_the_feed_catches_up() -> None:
    picture = Picture()
    picture.apply(snapshot(10, desk()))
    picture.answer(desk(ticket="d/А001"), ticket(CALLED), 12)
    assert light_for(picture.view("desk-05")) is Light.CALLING
    # An older event arriving late does not turn the light back.
    picture.apply(event(11, feed_pb2.EVENT_KIND_TICKET_ISSUED, desk()))
    assert light_for(picture.view("desk-05")) is Light.CALLING
    # At the answer's sequence the feed has the last word, with what others did meanwhile.
    closed = desk(common_pb2.DESK_STATE_CLOSED)
    picture.apply(event(12, feed_pb2.EVENT_KIND_DESK_CLOSED, closed))
    assert light_for(picture.view("desk-05")) is Light.CLOSED
    assert picture.view("desk-06").desk is None


def test_a_reloaded_configuration_asks_for_a_fresh_snapshot() -> None:
    picture = Picture()
    picture.apply(snapshot(10, desk()))
    assert not picture.apply(event(11, feed_pb2.EVENT_KIND_CONFIG_RELOADED, desk()))
