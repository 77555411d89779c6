"""The queue engine as desks and kiosks meet it: numbers, calls, refusals."""

from __future__ import annotations

import pytest

from hub.domain import estimate
from hub.domain.branch import Branch, ConfigProblem
from hub.domain.engine import QueueEngine
from hub.domain.model import DeskState, EventKind, TicketState, WaitBasis
from hub.errors import (
    BranchClosed,
    DeskBusy,
    DeskNotOpen,
    IllegalTransition,
    InvalidRequest,
    NoCurrentTicket,
    NotServedHere,
    RecallLimitReached,
    Refused,
    TicketsStopped,
    UnknownDesk,
    UnknownPriority,
    UnknownService,
)
from tests.hub.conftest import MINUTE, MONDAY_10_00, make_branch

pytestmark = pytest.mark.clock

T = MONDAY_10_00


def test_numbers_count_up_per_service_and_read_like_the_board(engine: QueueEngine) -> None:
    numbers = [engine.issue(s, T).ticket.number for s in ("passport", "passport", "snils")]  # type: ignore[union-attr]
    assert numbers == ["А001", "А002", "Б001"]


def test_numbering_starts_again_next_day_and_leftovers_are_cancelled(engine: QueueEngine) -> None:
    first = engine.issue("passport", T).ticket
    assert first is not None
    next_day = engine.issue("passport", T + 24 * 60 * MINUTE)
    assert next_day.ticket is not None
    assert next_day.ticket.number == "А001"
    assert next_day.ticket.id != first.id
    cancelled = [e for e in next_day.events if e.kind is EventKind.TICKET_CANCELLED]
    assert [e.ticket.id for e in cancelled if e.ticket] == [first.id]


def test_a_ticket_goes_through_a_whole_visit(engine: QueueEngine) -> None:
    engine.open_desk("d1", T, operator_id="ivanova")
    issued = engine.issue("passport", T).ticket
    assert issued is not None
    called = engine.call_next("d1", T + MINUTE)
    assert called.ticket is not None and called.ticket.id == issued.id
    assert called.ticket.state is TicketState.CALLED and called.desk is not None
    assert called.desk.current_ticket_id == issued.id
    assert engine.start("d1", T + 2 * MINUTE).ticket.state is TicketState.SERVING  # type: ignore[union-attr]
    done = engine.finish("d1", T + 12 * MINUTE)
    assert done.ticket is not None and done.ticket.state is TicketState.DONE
    assert done.desk is not None and done.desk.current_ticket_id == ""
    kinds = [e.kind for e in done.events]
    assert kinds == [EventKind.SERVICE_FINISHED]


def test_event_sequence_has_no_gaps(engine: QueueEngine) -> None:
    seqs: list[int] = []
    for outcome in (
        engine.open_desk("d1", T),
        engine.issue("passport", T),
        engine.call_next("d1", T),
        engine.no_show("d1", T),
    ):
        seqs.extend(e.seq for e in outcome.events)
    assert seqs == [1, 2, 3, 4]


def test_call_next_on_an_empty_queue_calls_nobody(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    outcome = engine.call_next("d1", T)
    assert outcome.ticket is None
    assert outcome.events == []


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (lambda e: e.issue("visa", T), UnknownService),
        (lambda e: e.issue("passport", T, priority="vip"), UnknownPriority),
        (lambda e: e.call_next("d9", T), UnknownDesk),
        (lambda e: e.call_next("d1", T), DeskNotOpen),
        (lambda e: e.start("d1", T), NoCurrentTicket),
        (lambda e: e.issue("passport", T, priority_from_ms=T), InvalidRequest),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(engine: QueueEngine, action, error) -> None:  # type: ignore[no-untyped-def]
    before = engine.seq
    with pytest.raises(error):
        action(engine)
    assert engine.seq == before


def test_errors_say_what_to_do(engine: QueueEngine) -> None:
    with pytest.raises(UnknownService, match='"passport"'):
        engine.issue("visa", T)
    engine.open_desk("d1", T)
    engine.issue("passport", T)
    engine.call_next("d1", T)
    with pytest.raises(DeskBusy, match="finish it, transfer it or mark a no-show"):
        engine.call_next("d1", T)
    with pytest.raises(IllegalTransition, match=r"start service before finishing"):
        engine.finish("d1", T)


def test_recalls_are_limited(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    engine.issue("passport", T)
    engine.call_next("d1", T)
    assert engine.recall("d1", T).ticket.recalls == 1  # type: ignore[union-attr]
    assert engine.recall("d1", T).ticket.recalls == 2  # type: ignore[union-attr]
    with pytest.raises(RecallLimitReached, match="start service or mark a no-show"):
        engine.recall("d1", T)


def test_tickets_are_issued_only_in_opening_hours() -> None:
    sunday = T - 24 * 60 * MINUTE
    with pytest.raises(BranchClosed, match="closed today"):
        QueueEngine(make_branch(), sunday).issue("passport", sunday)
    evening = T + 9 * 60 * MINUTE + 30 * MINUTE  # 19:30: property stops an hour early
    engine = QueueEngine(make_branch(), evening)
    assert engine.issue("passport", evening).ticket is not None
    with pytest.raises(TicketsStopped, match="to 19:00"):
        engine.issue("property", evening)


def test_a_retried_request_returns_the_first_answer(engine: QueueEngine) -> None:
    first = engine.issue("passport", T, request_id="kiosk-1:42")
    again = engine.issue("passport", T, request_id="kiosk-1:42")
    assert again.replayed and again.events == []
    assert again.ticket == first.ticket
    engine.open_desk("d1", T)
    called = engine.call_next("d1", T, request_id="press-7")
    double_press = engine.call_next("d1", T, request_id="press-7")
    assert double_press.ticket == called.ticket
    with pytest.raises(InvalidRequest, match="already used for another request"):
        engine.recall("d1", T, request_id="press-7")


def test_transfer_keeps_the_number_and_only_the_target_desk_calls_it(engine: QueueEngine) -> None:
    for desk in ("d1", "d2", "d3"):
        engine.open_desk(desk, T)
    ticket = engine.issue("snils", T).ticket
    assert ticket is not None
    engine.call_next("d1", T)
    engine.start("d1", T)
    moved = engine.transfer("d1", T + MINUTE, to_desk_id="d3", comment="нужна выписка")
    assert moved.ticket is not None and moved.ticket.number == ticket.number
    assert moved.ticket.state is TicketState.WAITING
    assert moved.events[0].detail == "нужна выписка"
    assert engine.call_next("d2", T + MINUTE).ticket is None
    with pytest.raises(NotServedHere, match="only that desk calls it"):
        engine.call_ticket("d2", ticket.id, T + MINUTE)
    assert engine.call_next("d3", T + MINUTE).ticket.id == ticket.id  # type: ignore[union-attr]


def test_transfer_to_another_service(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    engine.open_desk("d3", T)
    engine.issue("passport", T)
    engine.call_next("d1", T)
    moved = engine.transfer("d1", T, to_service_id="property")
    assert moved.ticket is not None and moved.ticket.service_id == "property"
    assert engine.call_next("d3", T).ticket.number == "А001"  # type: ignore[union-attr]


def test_a_transferred_ticket_is_callable_only_while_a_desk_for_it_is_open(
    engine: QueueEngine,
) -> None:
    engine.open_desk("d1", T)
    engine.issue("passport", T)
    engine.call_next("d1", T)
    to_service = engine.transfer("d1", T, to_service_id="property").ticket
    assert to_service is not None and not engine.callable_now(to_service)
    engine.open_desk("d3", T)
    assert engine.callable_now(to_service)
    engine.call_next("d3", T)
    to_desk = engine.transfer("d3", T, to_desk_id="d2").ticket
    assert to_desk is not None and not engine.callable_now(to_desk)
    engine.open_desk("d2", T)
    assert engine.callable_now(to_desk)


def test_desk_cannot_close_with_a_visitor(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    engine.issue("passport", T)
    engine.call_next("d1", T)
    with pytest.raises(DeskBusy, match="still has ticket А001"):
        engine.close_desk("d1", T)
    engine.no_show("d1", T)
    assert engine.pause_desk("d1", T).desk.state is DeskState.PAUSED  # type: ignore[union-attr]
    assert engine.close_desk("d1", T).desk.state is DeskState.CLOSED  # type: ignore[union-attr]


def test_priority_waits_for_its_slot_time(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    engine.issue("passport", T)
    engine.issue("passport", T + MINUTE, priority="appointment", priority_from_ms=T + 30 * MINUTE)
    early = engine.call_next("d1", T + 2 * MINUTE).ticket
    assert early is not None and early.number == "А001"


def test_weights_prefer_a_service_until_another_nears_its_target() -> None:
    engine = QueueEngine(make_branch(), T)
    engine.open_desk("d2", T)  # passport weight 3, property weight 1
    engine.issue("property", T)
    engine.issue("passport", T + 2 * MINUTE)
    # Property waited 4 min, passport 2 min x 3: passport goes first.
    assert engine.call_next("d2", T + 4 * MINUTE).ticket.service_id == "passport"  # type: ignore[union-attr]
    engine.no_show("d2", T + 4 * MINUTE)
    engine.issue("passport", T + 5 * MINUTE)
    engine.issue("property", T + 5 * MINUTE)
    # At 14 min the first property ticket is within the 2-minute guard of 15: it goes first.
    assert engine.call_next("d2", T + 14 * MINUTE).ticket.number == "В001"  # type: ignore[union-attr]


def test_estimate_uses_open_desks_and_service_times(engine: QueueEngine) -> None:
    unknown = engine.estimate("property")
    assert not unknown.known and "no open desk" in unknown.reason
    engine.open_desk("d3", T)
    for _ in range(4):
        engine.issue("property", T)
    estimate = engine.estimate("property")
    assert estimate.known and estimate.people_ahead == 4
    assert estimate.wait_s == 4 * 10 * 60


def test_prefixes_that_look_alike_on_the_board_are_refused() -> None:
    services = [
        {"id": "b", "prefix": "А", "name_ru": "Кириллица", "name_en": "Cyrillic"},
        {"id": "a", "prefix": "A", "name_ru": "Латинская", "name_en": "Latin"},
    ]
    with pytest.raises(ConfigProblem, match='the Cyrillic "А"') as refused:
        make_branch(services=services, desks=[{"id": "d1", "number": 1, "services": {"a": 1}}])
    assert refused.value.loc == ("services", 1, "prefix")


def test_a_clock_stepped_back_never_restarts_the_numbers(engine: QueueEngine) -> None:
    engine.issue("passport", T)
    tomorrow = T + 24 * 60 * MINUTE
    assert engine.issue("passport", tomorrow).ticket.number == "А001"  # type: ignore[union-attr]
    back = engine.issue("passport", T + MINUTE).ticket
    assert back is not None
    assert back.number == "А002"
    assert back.day == engine.day


def test_a_quiet_night_ends_the_day_by_itself(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    left = engine.issue("passport", T).ticket
    assert engine.roll_day(T + 60 * MINUTE).events == []
    ended = engine.roll_day(T + 24 * 60 * MINUTE)
    assert [(e.kind, e.detail) for e in ended.events] == [
        (EventKind.TICKET_CANCELLED, "day ended"),
        (EventKind.DESK_CLOSED, "day ended"),
    ]
    assert ended.events[0].ticket is not None and left is not None
    assert ended.events[0].ticket.id == left.id


def test_a_reused_request_id_must_mean_the_same_request(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    engine.open_desk("d2", T)
    engine.issue("passport", T, request_id="k-1")
    with pytest.raises(InvalidRequest, match="already used for another request"):
        engine.issue("snils", T, request_id="k-1")
    engine.call_next("d1", T, request_id="press-1")
    with pytest.raises(InvalidRequest, match="already used for another request"):
        engine.call_next("d2", T, request_id="press-1")


def test_a_reload_that_drops_an_open_desk_closes_it(engine: QueueEngine, branch: Branch) -> None:
    engine.open_desk("d3", T)
    smaller = make_branch(desks=[d.model_dump() for d in branch.desks if d.id != "d3"])
    outcome = engine.reconfigure(smaller, T, "digest")
    assert [e.kind for e in outcome.events] == [EventKind.DESK_CLOSED, EventKind.CONFIG_RELOADED]
    assert outcome.events[0].desk is not None and outcome.events[0].desk.id == "d3"


def test_a_start_with_a_configuration_that_strands_a_ticket_is_refused(branch: Branch) -> None:
    engine = QueueEngine(branch, T)
    ticket = engine.issue("property", T).ticket
    assert ticket is not None
    without_property = make_branch(
        services=[s.model_dump() for s in branch.services if s.id != "property"],
        desks=[{"id": "d1", "number": 1, "services": {"passport": 1.0}}],
    )
    with pytest.raises(Refused, match='drops service "property" while ticket В001'):
        QueueEngine(without_property, T, tickets=[ticket], seq=engine.seq)


@pytest.mark.parametrize(
    ("capacity", "free", "ahead", "minutes"),
    [
        (2.0, 2, 1, 1),  # a free desk for everyone ahead and for them: called at once
        (2.0, 2, 0, 0),
        (1.0, 1, 3, 30),  # the free desk takes the first now; each next turn is a visit
        (1.0, 0, 0, 5),  # nobody ahead, the desk busy: half a visit on average
        (2.0, 0, 3, 18),  # (3 + 1 - 0.5) turns of 10 min over two desks, rounded up
    ],
)
def test_the_wait_told_counts_free_and_busy_desks_in_whole_minutes(
    capacity: float, free: int, ahead: int, minutes: int
) -> None:
    told = estimate.told(WaitBasis(capacity, free, 600.0), ahead)
    assert told.known and (told.people_ahead, told.wait_s) == (ahead, minutes * 60)


def test_no_desk_open_is_an_unknown_wait_not_a_number() -> None:
    told = estimate.told(WaitBasis(0.0, 0, 600.0), 3)
    assert (told.known, told.people_ahead, told.wait_s) == (False, 3, 0)


def test_a_visitor_transferred_to_a_desk_is_ahead_of_the_regulars(engine: QueueEngine) -> None:
    engine.open_desk("d1", T)
    first = engine.issue("passport", T).ticket
    assert first is not None
    engine.call_next("d1", T + MINUTE)
    engine.transfer("d1", T + 2 * MINUTE, to_desk_id="d2")
    later = engine.issue("passport", T + 3 * MINUTE).ticket
    assert later is not None
    assert engine.ticket_estimate(later.id, T + 3 * MINUTE).people_ahead == 1
    assert engine.estimate("passport").people_ahead == 2
