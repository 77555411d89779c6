"""The board model: the same feed gives the same board, whether followed or resynced."""

from __future__ import annotations

import pytest

from hall_display.board import Board, Connection, Link
from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2
from tests.hall_display import scenes
from tests.hall_display.scenes import NOON, call_event, desk, event, ticket


def numbers(board: Board) -> list[str]:
    return [c.number for c in board.calls]


def test_the_newest_call_is_first_and_a_recall_moves_it_up_once() -> None:
    board = Board()
    for seq, number in enumerate(["А001", "А002", "А003"], start=1):
        board.apply(call_event(seq, number, "passport", seq, NOON + seq * 1000), NOON)
    board.apply(call_event(4, "А001", "passport", 1, NOON + 9000, recall=True), NOON)
    assert numbers(board) == ["А001", "А003", "А002"]
    assert board.calls[0].recall and board.calls[0].desk == 1
    assert board.seq == 4


def test_calls_in_the_same_millisecond_keep_the_feed_order() -> None:
    board = Board()
    for seq, number in enumerate(["Б001", "Б002", "Б003"], start=1):
        board.apply(call_event(seq, number, "snils", seq, NOON), NOON)
    assert numbers(board) == ["Б003", "Б002", "Б001"]


def test_an_event_already_applied_is_not_applied_again() -> None:
    board = Board()
    assert board.apply(call_event(1, "А001", "passport", 1, NOON), NOON)
    finished = ticket("А001", "passport", common_pb2.TICKET_STATE_DONE)
    assert board.apply(event(2, feed_pb2.EVENT_KIND_SERVICE_FINISHED, ticket_=finished), NOON)
    assert not board.apply(call_event(1, "А001", "passport", 1, NOON), NOON)
    assert board.calls == [] and board.seq == 2


def test_a_call_is_highlighted_for_the_blink_time_and_a_recall_highlights_it_again() -> None:
    board = Board(blink_s=8)
    board.apply(call_event(1, "А001", "passport", 1, NOON), NOON)
    call = board.calls[0]
    assert board.highlighted(call, NOON + 7_999)
    assert not board.highlighted(call, NOON + 8_000)
    board.apply(call_event(2, "А001", "passport", 1, NOON + 20_000, recall=True), NOON + 20_000)
    assert board.highlighted(board.calls[0], NOON + 20_500)
    assert board.newest_highlighted(NOON + 20_500) == board.calls[0]


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (feed_pb2.EVENT_KIND_SERVICE_FINISHED, common_pb2.TICKET_STATE_DONE),
        (feed_pb2.EVENT_KIND_TICKET_NO_SHOW, common_pb2.TICKET_STATE_NO_SHOW),
        (feed_pb2.EVENT_KIND_TICKET_TRANSFERRED, common_pb2.TICKET_STATE_WAITING),
        (feed_pb2.EVENT_KIND_TICKET_CANCELLED, common_pb2.TICKET_STATE_CANCELLED),
    ],
)
def test_a_ticket_that_leaves_its_desk_leaves_the_board(
    kind: feed_pb2.EventKind.ValueType, state: common_pb2.TicketState.ValueType
) -> None:
    board = Board()
    board.apply(call_event(1, "А001", "passport", 1, NOON), NOON)
    board.apply(event(2, kind, ticket_=ticket("А001", "passport", state)), NOON)
    assert board.calls == []
    waiting = state == common_pb2.TICKET_STATE_WAITING
    assert board.waiting("passport", NOON)[0] == int(waiting)


def test_a_snapshot_replaces_the_board_with_the_hubs_state() -> None:
    followed = Board()
    followed.apply(call_event(1, "Ж001", "property", 12, NOON - 5000), NOON)
    followed.apply(scenes.snapshot(500), NOON)
    fresh = Board()
    fresh.apply(scenes.snapshot(500), NOON)
    assert numbers(followed) == numbers(fresh) == [n for n, _, _ in reversed(scenes.CALLED[:-1])]
    assert followed.seq == 500
    assert followed.queues(NOON) == fresh.queues(NOON)
    assert not any(followed.highlighted(c, NOON) for c in followed.calls)


def test_waiting_counts_follow_configuration_order_and_name_services_it_does_not_know() -> None:
    board = Board(scenes.services()[:2])
    board.apply(scenes.snapshot(), NOON)
    counted = [(w.service_id, w.prefix, w.count) for w in board.queues(NOON)]
    assert counted[:2] == [("passport", "А", 9), ("foreign-passport", "Б", 4)]
    assert ("snils", "Г", 12) in counted
    assert board.waiting("passport", NOON) == (9, 600)


def test_a_desk_shows_its_ticket_or_that_it_is_closed_or_on_a_break() -> None:
    board = Board()
    board.apply(scenes.snapshot(), NOON)
    by_number, by_id = board.desk(6), board.desk("desk-05")
    assert by_number is not None and by_number.ticket == ""
    assert by_id is not None and by_id.ticket == "А016" and by_id.number == 5
    paused, closed = board.desk("11"), board.desk(14)
    assert paused is not None and paused.paused and not paused.closed
    assert closed is not None and closed.closed
    assert board.desk(99) is None
    board.apply(call_event(501, "Б008", "foreign-passport", 6, NOON), NOON)
    called = board.desk(6)
    assert called is not None and called.ticket == "Б008"
    board.apply(
        event(502, feed_pb2.EVENT_KIND_DESK_CLOSED, desk_=desk(6, common_pb2.DESK_STATE_CLOSED)),
        NOON,
    )
    assert board.desks(common_pb2.DESK_STATE_CLOSED)[0] == 6


def test_the_link_keeps_the_moment_it_was_lost() -> None:
    board = Board()
    assert board.connection.state is Link.CONNECTING
    board.set_connection(Link.LOST, NOON)
    board.set_connection(Link.LOST, NOON + 5000)
    assert board.connection.since_ms == NOON
    board.set_connection(Link.LIVE, NOON + 6000)
    assert board.connection == Connection(Link.LIVE, NOON + 6000)


def test_a_call_to_a_desk_the_board_has_not_seen_still_shows() -> None:
    board = Board([admin_pb2.ServiceInfo(id="passport", prefix="А")])
    message = call_event(1, "А001", "passport", 7, NOON)
    message.event.ClearField("desk")
    board.apply(message, NOON)
    assert [(c.number, c.desk) for c in board.calls] == [("А001", 0)]
    assert board.calls[0].desk_id == "desk-07"
    assert not board.calls[0].recall
