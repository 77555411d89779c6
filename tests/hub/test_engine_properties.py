"""Properties of the queue engine that must hold whatever the hall does.

The example tests in ``test_engine.py`` show single situations; here hypothesis drives
the engine through long random days of kiosks and desks and checks what a branch
manager relies on: nobody is called twice, nobody is lost, numbers never repeat, a
double-pressed button does nothing twice, and priority visitors take turns with the
others by the configured ratio without starving anyone.

The model the state machine checks against is built only from the events the engine
emits: events are what the hub stores and what the boards show, so they alone must
tell the whole story.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hub.domain.branch import Branch
from hub.domain.dispatcher import REGULAR, Candidate, pick
from hub.domain.engine import QueueEngine
from hub.domain.model import Desk, DeskState, Event, EventKind, Outcome, Ticket, TicketState
from hub.domain.payments import FeePaid, Payment, PaymentState
from hub.domain.position import position
from hub.errors import BranchClosed, DeskNotOpen, HubError, InvalidRequest, PaymentNotUsable
from tests.hub.conftest import MINUTE, MONDAY_10_00, make_branch

# Modest sizes: the whole file runs in a few seconds; raise max_examples locally to dig.
MACHINE_SETTINGS = settings(
    max_examples=100,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
GIVEN_SETTINGS = settings(max_examples=150, deadline=None)

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY_08_00 = MONDAY_10_00 - 120 * MINUTE
DAY_ENDED = "day ended"

SERVICES = ("passport", "snils", "property")
DESKS = ("d1", "d2", "d3")
CATEGORIES = ("disabled", "appointment")

W, C, S = TicketState.WAITING, TicketState.CALLED, TicketState.SERVING
ACTIVE = frozenset({W, C, S})
DESK_KINDS = frozenset({EventKind.DESK_OPENED, EventKind.DESK_CLOSED, EventKind.DESK_PAUSED})

# Ticket event -> (states it may follow, state it leaves, what it does to the desk).
# "take": the desk now has this ticket; "keep": it still has it; "free": it has none.
TICKET_RULES: dict[EventKind, tuple[frozenset[TicketState], TicketState, str]] = {
    EventKind.TICKET_CALLED: (frozenset({W}), C, "take"),
    EventKind.TICKET_RECALLED: (frozenset({C}), C, "keep"),
    EventKind.SERVICE_STARTED: (frozenset({C}), S, "keep"),
    EventKind.SERVICE_FINISHED: (frozenset({S}), TicketState.DONE, "free"),
    EventKind.TICKET_NO_SHOW: (frozenset({C}), TicketState.NO_SHOW, "free"),
    EventKind.TICKET_TRANSFERRED: (frozenset({C, S}), W, "free"),
    EventKind.TICKET_CANCELLED: (frozenset({W, C}), TicketState.CANCELLED, "free"),
}


def local_day(now_ms: int) -> date:
    return datetime.fromtimestamp(now_ms / 1000, MOSCOW).date()


def at_local(day: date, hour: int, minute: int = 0) -> int:
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW)
    return int(moment.timestamp() * 1000)


# -- the hall as told by the events ----------------------------------------------------


@dataclass
class Shadow:
    """Tickets and desks rebuilt from emitted events alone, checking each event on the way.

    Every event must be a legal step from what the earlier events said: that is how
    "no ticket called twice" and "no ticket current at two desks" are checked at the
    moment they would happen, not only afterwards.
    """

    branch: Branch
    day: str
    seq: int = 0
    state: dict[str, TicketState] = field(default_factory=dict)
    latest: dict[str, Ticket] = field(default_factory=dict)
    desk_state: dict[str, DeskState] = field(
        default_factory=lambda: dict.fromkeys(DESKS, DeskState.CLOSED)
    )
    desk_current: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DESKS, ""))
    desk_operator: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DESKS, ""))
    last_serial: dict[tuple[str, str], int] = field(default_factory=dict)
    numbers: dict[str, set[str]] = field(default_factory=dict)

    def active(self) -> set[str]:
        return {i for i, s in self.state.items() if s in ACTIVE}

    def open_desks(self) -> set[str]:
        return {
            d for d in DESKS if self.desk_state[d] is not DeskState.CLOSED or self.desk_current[d]
        }

    def apply_batch(self, events: list[Event], today: str) -> None:
        """One command's events; the first of a new day must end the old one first."""
        if events and events[0].day != self.day:
            self._end_day(events, today)
        for event in events:
            self.apply(event)

    def _end_day(self, events: list[Event], today: str) -> None:
        """Midnight: yesterday's visitors are sent home, the desks closed, numbers restart."""
        assert events[0].day == today > self.day, f"day {events[0].day} after {self.day}"
        ended = list(itertools.takewhile(lambda e: e.detail == DAY_ENDED, events))
        cancelled = [e.ticket.id for e in ended if e.ticket is not None]
        closed = [e.desk.id for e in ended if e.desk is not None]
        assert [e.kind for e in ended] == [EventKind.TICKET_CANCELLED] * len(cancelled) + [
            EventKind.DESK_CLOSED
        ] * len(closed), "the day ends with its visitors first, then its desks"
        assert sorted(cancelled) == sorted(self.active()), "a visitor lost at midnight"
        assert sorted(closed) == sorted(self.open_desks()), "a desk left open overnight"
        self.day = today

    def apply(self, event: Event) -> None:
        assert event.seq == self.seq + 1, f"event seq {event.seq} after {self.seq}: gap or repeat"
        self.seq = event.seq
        assert event.day == self.day, f"event of day {event.day} on {self.day}"
        if event.kind in DESK_KINDS:
            self._desk_event(event)
        else:
            self._ticket_event(event)

    def _ticket_event(self, event: Event) -> None:
        ticket = event.ticket
        assert ticket is not None, f"{event.kind} without its ticket"
        before = self.state.get(ticket.id)
        if event.kind is EventKind.TICKET_ISSUED:
            assert before is None, f"ticket id {ticket.id} issued twice"
            assert event.desk is None
            self._check_number(ticket)
            after, effect = W, "none"
        else:
            assert before is not None, f"{event.kind} of ticket {ticket.id} never issued"
            assert ticket.number == self.latest[ticket.id].number, "a ticket changed its number"
            allowed, after, effect = TICKET_RULES[event.kind]
            if event.kind is EventKind.TICKET_CANCELLED and event.detail == DAY_ENDED:
                # Midnight ends every visit; the desk's own DESK_CLOSED event follows.
                allowed, effect = ACTIVE, "none"
            elif event.kind is EventKind.TICKET_CANCELLED and before is W:
                effect = "none"
            assert before in allowed, f"{event.kind.value} of {ticket.number}, which is {before}"
        assert ticket.state is after, f"{event.kind.value} left {ticket.number} {ticket.state}"
        if effect == "none":
            assert event.desk is None, f"{event.kind.value} of a waiting ticket names a desk"
        else:
            self._desk_effect(event, ticket, effect)
        if event.kind is EventKind.TICKET_RECALLED:
            assert ticket.recalls == self.latest[ticket.id].recalls + 1
            assert ticket.recalls <= self.branch.max_recalls
        self.state[ticket.id] = after
        self.latest[ticket.id] = ticket

    def _check_number(self, ticket: Ticket) -> None:
        service = self.branch.service(ticket.service_id)
        assert service is not None and ticket.prefix == service.prefix
        assert ticket.day == self.day
        key = (ticket.day, ticket.prefix)
        issued_today = self.numbers.setdefault(ticket.day, set())
        # Strictly increasing and gap-free: a refused request must not burn a number.
        assert ticket.serial == self.last_serial.get(key, 0) + 1, (
            f"{ticket.number} after serial {self.last_serial.get(key, 0)} of {ticket.prefix}"
        )
        assert ticket.number == f"{ticket.prefix}{ticket.serial:03d}"
        assert ticket.number not in issued_today, f"number {ticket.number} reused on {ticket.day}"
        self.last_serial[key] = ticket.serial
        issued_today.add(ticket.number)

    def _desk_effect(self, event: Event, ticket: Ticket, effect: str) -> None:
        desk = event.desk
        assert desk is not None, f"{event.kind.value} of {ticket.number} names no desk"
        assert self.desk_state[desk.id] is DeskState.OPEN, f"desk {desk.id} is not open"
        if effect == "take":
            assert self.desk_current[desk.id] == "", (
                f"{ticket.number} called at desk {desk.id}, which has {self.desk_current[desk.id]}"
            )
            assert ticket.id not in self.desk_current.values(), "ticket at two desks"
            assert ticket.desk_id == desk.id
            if ticket.target_desk_id:
                assert ticket.target_desk_id == desk.id, "called away from the desk sent to"
            else:
                config = self.branch.desk(desk.id)
                assert config is not None and ticket.service_id in config.services
            self.desk_current[desk.id] = ticket.id
        else:
            assert self.desk_current[desk.id] == ticket.id, (
                f"{event.kind.value} of {ticket.number} at desk {desk.id}, which has "
                f"{self.desk_current[desk.id] or 'nobody'}"
            )
            if effect == "free":
                self.desk_current[desk.id] = ""
        assert desk.current_ticket_id == self.desk_current[desk.id]
        assert desk.state is self.desk_state[desk.id]

    def _desk_event(self, event: Event) -> None:
        desk = event.desk
        assert desk is not None and event.ticket is None
        before = self.desk_state[desk.id]
        if event.kind is EventKind.DESK_CLOSED and event.detail == DAY_ENDED:
            assert before is not DeskState.CLOSED or self.desk_current[desk.id]
            self.desk_current[desk.id] = ""
        else:
            assert self.desk_current[desk.id] == "", f"desk {desk.id} left with a visitor"
        if event.kind is EventKind.DESK_OPENED:
            assert before is not DeskState.OPEN
            after = DeskState.OPEN
        elif event.kind is EventKind.DESK_PAUSED:
            assert before is DeskState.OPEN
            after = DeskState.PAUSED
        else:
            assert before is not DeskState.CLOSED or event.detail == DAY_ENDED
            after = DeskState.CLOSED
        assert desk.state is after and desk.current_ticket_id == ""
        self.desk_state[desk.id] = after
        self.desk_operator[desk.id] = desk.operator_id

    def waiting(self) -> list[Ticket]:
        return [self.latest[i] for i, s in self.state.items() if s is W]

    def check_against(self, engine: QueueEngine, now_ms: int, today: str) -> None:
        """The engine's own picture equals the one the events paint."""
        # No two desks share a ticket; a called or served ticket is at exactly its desk.
        at_desks = [t for t in self.desk_current.values() if t]
        assert len(at_desks) == len(set(at_desks)), "a ticket is current at two desks"
        for desk_id, ticket_id in self.desk_current.items():
            if ticket_id:
                assert self.state[ticket_id] in {C, S}
                assert self.latest[ticket_id].desk_id == desk_id
        for ticket_id, state in self.state.items():
            if state in {C, S}:
                assert ticket_id in at_desks, f"{ticket_id} is {state.value} at no desk"

        snapshot = engine.snapshot(now_ms)
        assert snapshot.seq == self.seq
        if snapshot.day != self.day:
            # The day rolled with nothing to tell: nobody was in and every desk closed.
            assert self.day < snapshot.day <= today
            assert not self.active() and not self.open_desks()
        active = {i: self.latest[i] for i, s in self.state.items() if s in ACTIVE}
        assert all(t.day == self.day for t in active.values()), "yesterday's visitor still in"
        # No ticket lost, none invented: the hall holds exactly the active tickets.
        assert {t.id: t for t in snapshot.tickets} == active
        desks = {d.id: (d.state, d.current_ticket_id, d.operator_id) for d in snapshot.desks}
        assert desks == {
            d: (self.desk_state[d], self.desk_current[d], self.desk_operator[d]) for d in DESKS
        }
        waiting = Counter(t.service_id for t in self.waiting())
        assert {q.service_id: q.waiting for q in snapshot.queues} == {
            s: waiting[s] for s in SERVICES
        }


# -- the state machine ---------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A command sent with a request id, so that it can be sent again."""

    request_id: str
    kind: EventKind
    send: Callable[[int], Outcome]
    ticket_id: str
    desk_id: str


MINUTES = st.integers(0, 20)
SERVICE = st.sampled_from(SERVICES)
DESK = st.sampled_from(DESKS)


class HallDay(RuleBasedStateMachine):
    """Kiosks and desks acting in random order while the clock only moves forward."""

    def __init__(self) -> None:
        super().__init__()
        self.branch = make_branch()
        self.now = MONDAY_08_00
        self.engine = QueueEngine(self.branch, self.now)
        self.shadow = Shadow(self.branch, local_day(self.now).isoformat())
        self.day_end = self._day_end()
        self.under_way = self._under_way()
        self.ids = itertools.count(1)
        self.requests: list[Request] = []
        self.settled = True

    def _day_end(self) -> int:
        # Ordinary steps never cross midnight; overnight() does it on purpose.
        return at_local(local_day(self.now), 23)

    @property
    def today(self) -> str:
        return local_day(self.now).isoformat()

    def _under_way(self) -> int:
        # The day ends only after a working morning, so that days are worth checking.
        return at_local(local_day(self.now), 11)

    # -- running a command -----------------------------------------------------------

    def attempt(self, command: Callable[[int], Outcome], wait: int = 0) -> Outcome | HubError:
        """Run a command after ``wait`` minutes; a refusal must leave everything as it was.

        Except midnight: the first command of a day ends the old one even if it is then
        refused, and the hub collects those events with take_undelivered(), as here.
        """
        self.settled = False
        self.now = min(self.now + wait * MINUTE, self.day_end)
        seq, before = self.engine.seq, self.engine.snapshot(self.now)
        refusal: HubError | None = None
        try:
            outcome = command(self.now)
        except HubError as error:
            refusal = error
        if refusal is not None:
            rolled = self.engine.take_undelivered()
            assert self.engine.seq == seq + len(rolled), f"{refusal!r} numbered events"
            assert all(e.detail == DAY_ENDED for e in rolled), f"{refusal!r} changed the hall"
            if self.engine.snapshot(self.now).day == before.day:
                assert self.engine.snapshot(self.now) == before, f"{refusal!r} changed the hall"
            self.shadow.apply_batch(rolled, self.today)
            return refusal
        assert self.engine.take_undelivered() == [], "events left behind by an answer"
        assert all(e.at_ms == self.now for e in outcome.events)
        self.shadow.apply_batch(outcome.events, self.today)
        if outcome.ticket is not None:
            assert outcome.ticket == self.shadow.latest[outcome.ticket.id], "stale ticket"
        if outcome.desk is not None:
            self._assert_current(outcome.desk)
        return outcome

    def _assert_current(self, desk: Desk) -> None:
        assert (desk.state, desk.current_ticket_id, desk.operator_id) == (
            self.shadow.desk_state[desk.id],
            self.shadow.desk_current[desk.id],
            self.shadow.desk_operator[desk.id],
        ), f"the outcome's desk {desk.id} is not the desk as it is now"

    def send(
        self,
        kind: EventKind,
        make: Callable[[str], Callable[[int], Outcome]],
        with_id: bool,
        wait: int,
    ) -> Outcome | HubError:
        """Run a command, with a fresh request id if asked, and remember it for retries."""
        request_id = f"press-{next(self.ids)}" if with_id else ""
        command = make(request_id)
        result = self.attempt(command, wait)
        # A command's own events follow those of a day's end that it may have caused.
        own = (
            [e for e in result.events if e.detail != DAY_ENDED]
            if isinstance(result, Outcome)
            else []
        )
        if isinstance(result, Outcome) and own:
            assert [e.kind for e in own] == [kind]
            assert own[0].request_id == request_id
            if request_id:
                ticket = result.ticket.id if result.ticket else ""
                desk = result.desk.id if result.desk else ""
                self.requests.append(Request(request_id, kind, command, ticket, desk))
        return result

    @initialize(desks=st.sets(DESK), operator=st.sampled_from(("", "ivanova")))
    def morning(self, desks: set[str], operator: str) -> None:
        """Some desks open with the branch; the rest stay closed for now."""
        for desk in sorted(desks):
            self.attempt(partial(self.engine.open_desk, desk, operator_id=operator))

    # -- visitors ----------------------------------------------------------------------

    @rule(
        service=SERVICE,
        category=st.sampled_from(("", *CATEGORIES)),
        slot_in=st.none() | st.integers(1, 90),
        with_id=st.booleans(),
        wait=MINUTES,
    )
    def take_a_ticket(
        self, service: str, category: str, slot_in: int | None, with_id: bool, wait: int
    ) -> None:
        def make(request_id: str) -> Callable[[int], Outcome]:
            def issue(now: int) -> Outcome:
                slot = now + slot_in * MINUTE if slot_in is not None else 0
                return self.engine.issue(
                    service, now, priority=category, priority_from_ms=slot, request_id=request_id
                )

            return issue

        result = self.send(EventKind.TICKET_ISSUED, make, with_id, wait)
        if isinstance(result, Outcome):
            assert result.ticket is not None and result.estimate is not None
            if not result.replayed:
                # The kiosk and the ticket are told what the page will say at once.
                now = result.ticket.issued_at_ms
                assert result.estimate == self.engine.ticket_estimate(result.ticket.id, now)
        else:
            assert isinstance(result, BranchClosed | InvalidRequest), repr(result)

    @precondition(lambda self: any(s in {W, C} for s in self.shadow.state.values()))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def visitor_leaves(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        """A visitor gives up: mostly one still waiting or just called, else any ticket."""
        leaving = sorted(i for i, s in self.shadow.state.items() if s in {W, C})
        anyone = st.sampled_from(sorted(self.shadow.state))
        ticket_id = data.draw(st.one_of(st.sampled_from(leaving), anyone), label="ticket")
        self.send(
            EventKind.TICKET_CANCELLED,
            lambda rid: lambda now: self.engine.cancel(ticket_id, now, request_id=rid),
            with_id,
            wait,
        )

    # -- desks ---------------------------------------------------------------------------

    def choose_desk(self, data: st.DataObject, likely: Callable[[str], bool]) -> str:
        """Mostly a desk where the command makes sense, else any (often to be refused)."""
        fitting = st.sampled_from([d for d in DESKS if likely(d)] or DESKS)
        return data.draw(st.one_of(fitting, fitting, DESK), label="desk")

    def is_open_and_idle(self, desk: str) -> bool:
        return self.shadow.desk_state[desk] is DeskState.OPEN and not self.shadow.desk_current[desk]

    def is_open(self, desk: str) -> bool:
        return self.shadow.desk_state[desk] is DeskState.OPEN

    def can_close(self, desk: str) -> bool:
        return self.shadow.desk_state[desk] is not DeskState.CLOSED and not self.has_visitor(desk)

    def has_visitor(self, desk: str) -> bool:
        return bool(self.shadow.desk_current[desk])

    def has_called(self, desk: str) -> bool:
        return self.has_visitor(desk) and self.shadow.state[self.shadow.desk_current[desk]] is C

    def is_serving(self, desk: str) -> bool:
        return self.has_visitor(desk) and self.shadow.state[self.shadow.desk_current[desk]] is S

    def can_call(self, desk: str) -> bool:
        return self.is_open_and_idle(desk) and any(
            self.serves(desk, t) for t in self.shadow.waiting()
        )

    @precondition(lambda self: not all(map(self.is_open, DESKS)))
    @rule(
        data=st.data(),
        operator=st.sampled_from(("", "ivanova")),
        with_id=st.booleans(),
        wait=MINUTES,
    )
    def open_desk(self, data: st.DataObject, operator: str, with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, lambda d: not self.is_open(d))
        self.send(
            EventKind.DESK_OPENED,
            lambda rid: (
                lambda now: self.engine.open_desk(desk, now, operator_id=operator, request_id=rid)
            ),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.can_close, DESKS)))
    @rule(data=st.data(), pause=st.booleans(), with_id=st.booleans(), wait=MINUTES)
    def step_away(self, data: st.DataObject, pause: bool, with_id: bool, wait: int) -> None:
        """The operator closes the desk or pauses it for a break."""
        if pause:
            desk = self.choose_desk(data, self.is_open_and_idle)
            self.send(
                EventKind.DESK_PAUSED,
                lambda rid: lambda now: self.engine.pause_desk(desk, now, request_id=rid),
                with_id,
                wait,
            )
            return
        desk = self.choose_desk(data, self.can_close)
        self.send(
            EventKind.DESK_CLOSED,
            lambda rid: lambda now: self.engine.close_desk(desk, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.can_call, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def call_next(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        """Whoever is called may be called here; nobody is left while someone could be."""
        desk = self.choose_desk(data, self.can_call)
        sent_here = [t for t in self.shadow.waiting() if t.target_desk_id == desk]
        served_here = [t for t in self.shadow.waiting() if self.serves(desk, t)]
        result = self.send(
            EventKind.TICKET_CALLED,
            lambda rid: lambda now: self.engine.call_next(desk, now, request_id=rid),
            with_id,
            wait,
        )
        if not isinstance(result, Outcome):
            return
        if result.ticket is None:
            assert not served_here, f"desk {desk} idle while {len(served_here)} could be called"
        elif sent_here:
            # Visitors sent to this very desk go first, longest waiting first.
            assert result.ticket.id in {t.id for t in sent_here}
            assert result.ticket.waiting_since_ms == min(t.waiting_since_ms for t in sent_here)
        else:
            assert result.ticket.id in {t.id for t in served_here}

    def serves(self, desk: str, ticket: Ticket) -> bool:
        """A desk may call a ticket sent to it, or one of its services sent to no desk."""
        if ticket.target_desk_id:
            return ticket.target_desk_id == desk
        config = self.branch.desk(desk)
        return config is not None and ticket.service_id in config.services

    @precondition(lambda self: any(map(self.can_call, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def call_ticket(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        """The operator picks a visitor from the list instead of the next one."""
        desk = self.choose_desk(data, self.can_call)
        callable_here = sorted(t.id for t in self.shadow.waiting() if self.serves(desk, t))
        anyone = sorted(self.shadow.state)
        pool = st.sampled_from(callable_here) | st.sampled_from(anyone)
        ticket_id = data.draw(pool if callable_here else st.sampled_from(anyone), label="ticket")
        self.send(
            EventKind.TICKET_CALLED,
            lambda rid: lambda now: self.engine.call_ticket(desk, ticket_id, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.has_called, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def recall(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, self.has_called)
        self.send(
            EventKind.TICKET_RECALLED,
            lambda rid: lambda now: self.engine.recall(desk, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.has_called, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def start(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, self.has_called)
        self.send(
            EventKind.SERVICE_STARTED,
            lambda rid: lambda now: self.engine.start(desk, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.is_serving, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def finish(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, self.is_serving)
        self.send(
            EventKind.SERVICE_FINISHED,
            lambda rid: lambda now: self.engine.finish(desk, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.has_called, DESKS)))
    @rule(data=st.data(), with_id=st.booleans(), wait=MINUTES)
    def no_show(self, data: st.DataObject, with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, self.has_called)
        self.send(
            EventKind.TICKET_NO_SHOW,
            lambda rid: lambda now: self.engine.no_show(desk, now, request_id=rid),
            with_id,
            wait,
        )

    @precondition(lambda self: any(map(self.has_visitor, DESKS)))
    @rule(
        data=st.data(),
        to=st.one_of(
            st.tuples(SERVICE, st.just("")),
            st.tuples(st.just(""), DESK),
            st.tuples(SERVICE, DESK),  # both: refused
        ),
        with_id=st.booleans(),
        wait=MINUTES,
    )
    def transfer(self, data: st.DataObject, to: tuple[str, str], with_id: bool, wait: int) -> None:
        desk = self.choose_desk(data, self.has_visitor)
        to_service, to_desk = to
        self.send(
            EventKind.TICKET_TRANSFERRED,
            lambda rid: (
                lambda now: self.engine.transfer(
                    desk,
                    now,
                    to_service_id=to_service,
                    to_desk_id=to_desk,
                    comment="нужна справка",
                    request_id=rid,
                )
            ),
            with_id,
            wait,
        )

    # -- retries -----------------------------------------------------------------------

    @precondition(lambda self: bool(self.requests))
    @rule(data=st.data(), same_command=st.booleans(), wait=MINUTES)
    def press_again(self, data: st.DataObject, same_command: bool, wait: int) -> None:
        """A retried request (a double press, a lost reply) answers again and does nothing.

        A request id is the request's own: sending it with another command is refused.
        """
        request = data.draw(st.sampled_from(self.requests), label="request")
        if same_command:
            result = self.attempt(request.send, wait)
            assert isinstance(result, Outcome), f"retry of {request.request_id}: {result!r}"
            assert result.replayed and result.events == []
            assert (result.ticket.id if result.ticket else "") == request.ticket_id
            assert (result.desk.id if result.desk else "") == request.desk_id
            return
        rid = request.request_id
        if request.kind is EventKind.TICKET_ISSUED:
            result = self.attempt(lambda now: self.engine.recall("d1", now, request_id=rid), wait)
        else:
            result = self.attempt(lambda now: self.engine.issue("snils", now, request_id=rid), wait)
        assert isinstance(result, InvalidRequest), repr(result)

    # -- midnight ------------------------------------------------------------------------

    @precondition(lambda self: self.now >= self.under_way)
    @rule(days=st.integers(1, 2), at=st.integers(0, 22 * 60))
    def overnight(self, days: int, at: int) -> None:
        """The clock moves to another day; whatever comes first there ends the old one.

        That may be anything: a ticket before opening (refused), a desk opening, a call,
        a finish of a visit left over from yesterday, even on a Sunday.
        """
        tomorrow = local_day(self.now) + timedelta(days=days)
        self.now = at_local(tomorrow, 0) + at * MINUTE
        self.day_end = self._day_end()
        self.under_way = self._under_way()
        # Retries are tested within a day: the engine forgets request ids at midnight.
        self.requests.clear()

    # -- checks ----------------------------------------------------------------------------

    @invariant()
    def every_surface_is_told_the_same_wait(self) -> None:
        """The engine's answer for a ticket and the snapshot's (the web page, the SMS) agree,
        in whole minutes, never no minutes with people ahead."""
        snapshot = self.engine.snapshot(self.now)
        for ticket in snapshot.tickets:
            if ticket.state is not TicketState.WAITING or ticket.day != self.engine.day:
                continue
            told = self.engine.ticket_estimate(ticket.id, self.now)
            assert told == position(snapshot, ticket)
            assert told.wait_s % 60 == 0
            assert not (told.known and told.people_ahead and not told.wait_s)

    @invariant()
    def events_tell_the_whole_story(self) -> None:
        self.shadow.check_against(self.engine, self.now, self.today)
        self.settled = True

    def teardown(self) -> None:
        """At the end of the day every waiting visitor can still be called: none is lost."""
        if not self.settled:
            return  # a check already failed; do not hide it behind another
        # The clock may stand on a later day: the first command here ends the old one.
        for desk in DESKS:
            operator = self.shadow.desk_operator[desk]
            opened = self.attempt(partial(self.engine.open_desk, desk, operator_id=operator))
            assert isinstance(opened, Outcome)
        for _ in range(len(self.shadow.state) + 1):
            called = False
            for desk in DESKS:
                if self.has_called(desk):
                    assert isinstance(self.attempt(partial(self.engine.start, desk)), Outcome)
                if self.is_serving(desk):
                    assert isinstance(self.attempt(partial(self.engine.finish, desk)), Outcome)
                result = self.attempt(partial(self.engine.call_next, desk))
                assert isinstance(result, Outcome)
                called = called or result.ticket is not None
            if not called:
                break
        self.shadow.check_against(self.engine, self.now, self.today)
        assert self.shadow.waiting() == [], "tickets nobody can call"


def test_a_day_in_the_hall_keeps_every_promise() -> None:
    """Random days of kiosks and desks: every event legal, every ticket accounted for."""
    run_state_machine_as_test(HallDay, settings=MACHINE_SETTINGS)


# -- the priority ratio through the engine ---------------------------------------------


@GIVEN_SETTINGS
@given(
    categories=st.sampled_from([("disabled",), ("appointment",), CATEGORIES]),
    calls=st.integers(1, 36),
    data=st.data(),
)
def test_priority_visitors_take_turns_with_regular_ones_by_their_ratio(
    categories: tuple[str, ...], calls: int, data: st.DataObject
) -> None:
    """With both kinds always waiting, calls split by ratio and regulars are never starved.

    A category of ratio r gets r calls for each regular one, so with "disabled" (2)
    two thirds of calls go to disabled visitors. At every point of the day each class
    is within one call of its share, and between two regular calls come at most as
    many priority calls as the ratios add up to. Wait targets are set out of reach,
    so urgency (which only orders tickets within a class) plays no part here.
    """
    branch = make_branch(max_wait_min=24 * 60)
    ratios = {p.id: p.ratio for p in branch.priorities if p.id in categories}
    weights = {REGULAR: 1} | ratios
    total = sum(weights.values())
    engine = QueueEngine(branch, MONDAY_10_00)
    now = MONDAY_10_00
    engine.open_desk("d1", now)
    waiting: Counter[str] = Counter()

    order: list[str] = []
    for _ in range(calls):
        now += data.draw(st.integers(0, 3), label="minutes") * MINUTE
        for klass in weights:
            arrivals = data.draw(st.integers(0, 2), label=f"arrivals {klass or 'regular'}")
            for _ in range(max(arrivals, 1 - waiting[klass])):
                service = data.draw(st.sampled_from(("passport", "snils")), label="service")
                engine.issue(service, now, priority=klass)
                waiting[klass] += 1
        called = engine.call_next("d1", now).ticket
        assert called is not None
        waiting[called.priority] -= 1
        order.append(called.priority)
        if data.draw(st.booleans(), label="came to the desk"):
            engine.start("d1", now)
            engine.finish("d1", now + MINUTE)
        else:
            engine.no_show("d1", now)

        for klass, weight in weights.items():
            share = len(order) * weight / total
            assert abs(order.count(klass) - share) <= 1, (klass, order)

    longest_priority_run = max(
        (
            len(list(run))
            for regular, run in itertools.groupby(o == REGULAR for o in order)
            if not regular
        ),
        default=0,
    )
    assert longest_priority_run <= sum(ratios.values()), order


# -- the dispatcher's choice -------------------------------------------------------------

NOW = MONDAY_10_00
CLASSES = (REGULAR, *CATEGORIES)


@st.composite
def hall(draw: st.DrawFn) -> list[Candidate]:
    """Heads of waiting lines: any class, wait, desk weight and service target."""
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CLASSES),
                st.integers(0, 60 * MINUTE),
                st.floats(0.1, 10, allow_nan=False),
                st.integers(1, 30).map(lambda m: m * MINUTE),
            ),
            max_size=8,
        )
    )
    return [
        Candidate(
            Ticket(
                id=f"2026-11-23/А{i:03d}",
                number=f"А{i:03d}",
                prefix="А",
                serial=i,
                day="2026-11-23",
                service_id="passport",
                state=W,
                issued_at_ms=NOW - waited,
                waiting_since_ms=NOW - waited,
                priority=klass,
            ),
            klass,
            weight,
            target,
        )
        for i, (klass, waited, weight, target) in enumerate(rows, start=1)
    ]


RATIOS = st.fixed_dictionaries({c: st.integers(1, 20) for c in CATEGORIES})
ROTATION = st.dictionaries(st.sampled_from(CLASSES), st.integers(-40, 40))
GUARD = st.integers(0, 5).map(lambda m: m * MINUTE)


def waited(candidate: Candidate) -> int:
    return NOW - candidate.ticket.waiting_since_ms


def deadline(candidate: Candidate) -> int:
    return candidate.ticket.waiting_since_ms + candidate.target_ms


@GIVEN_SETTINGS
@given(candidates=hall(), ratios=RATIOS, rotation=ROTATION, guard=GUARD)
def test_the_dispatcher_picks_the_most_pressing_of_the_class_whose_turn_it_is(
    candidates: list[Candidate], ratios: dict[str, int], rotation: dict[str, int], guard: int
) -> None:
    """The choice is one of the offered tickets, and within its class the right one.

    A ticket near its wait target (urgent) goes before all others of its class, the
    nearest deadline first, so the branch keeps its promise; otherwise the longest
    wait times the desk's weight for the service wins.
    """
    chosen, _ = pick(candidates, ratios, rotation, NOW, guard)
    if not candidates:
        assert chosen is None
        return
    assert chosen is not None
    assert any(chosen is c for c in candidates), "chose a ticket that was not offered"
    pool = [c for c in candidates if c.klass == chosen.klass]
    urgent = [c for c in pool if waited(c) >= c.target_ms - guard]
    if urgent:
        assert any(chosen is c for c in urgent), "an urgent ticket was passed over"
        assert deadline(chosen) == min(deadline(c) for c in urgent)
    else:
        assert waited(chosen) * chosen.weight == max(waited(c) * c.weight for c in pool)


@GIVEN_SETTINGS
@given(candidates=hall(), ratios=RATIOS, rotation=ROTATION, guard=GUARD)
def test_urgency_decides_who_within_a_class_never_whose_turn_it_is(
    candidates: list[Candidate], ratios: dict[str, int], rotation: dict[str, int], guard: int
) -> None:
    """However long anyone has waited, the class called and the turn bookkeeping match.

    The ratio is rule one: an overdue regular ticket cannot jump a priority turn (and
    vice versa), so a hall full of overdue tickets still splits calls by the ratio.
    """
    as_drawn, rotation_as_drawn = pick(candidates, ratios, rotation, NOW, guard)
    all_urgent, rotation_all_urgent = pick(candidates, ratios, rotation, NOW, 10**12)
    none_urgent, rotation_none_urgent = pick(candidates, ratios, rotation, NOW, -(10**12))
    classes = {c.klass if c else None for c in (as_drawn, all_urgent, none_urgent)}
    assert len(classes) == 1
    assert rotation_as_drawn == rotation_all_urgent == rotation_none_urgent


# -- paid tickets -----------------------------------------------------------------------


@GIVEN_SETTINGS
@given(
    state=st.sampled_from(PaymentState),
    paid_for=st.sampled_from(SERVICES),
    asked_for=st.sampled_from(SERVICES),
    earlier_ticket=st.sampled_from(("", "А007")),
    used_today=st.booleans(),
    retry=st.booleans(),
)
def test_a_fee_pays_for_one_ticket_of_its_own_service_once_approved(
    *,
    state: PaymentState,
    paid_for: str,
    asked_for: str,
    earlier_ticket: str,
    used_today: bool,
    retry: bool,
) -> None:
    """A paid ticket is issued only for an approved payment of the ticket's service that
    no ticket of any day holds; a refusal says which rule refused and changes nothing,
    and a retry of the request that took the payment gets its ticket again."""
    engine = QueueEngine(make_branch(), MONDAY_10_00)
    payment = Payment(
        id=7,
        idempotency_key="kiosk-1:fee",
        service_id=paid_for,
        amount=50_000,
        purpose="Госпошлина",
        payer_identified=False,
        terminal_id="payment-1",
        created_at_ms=MONDAY_10_00,
        state=state,
    )
    # Only an approved payment can have paid for a ticket already.
    used_today = used_today and state is PaymentState.APPROVED
    first = None
    if used_today:
        first = engine.issue(paid_for, MONDAY_10_00, request_id="take-1", fee=FeePaid(payment))
    retried = used_today and retry
    if state is not PaymentState.APPROVED:
        refusal = "payment_not_approved"
    elif paid_for != asked_for:
        refusal = "payment_other_service"
    elif earlier_ticket or (used_today and not retried):
        refusal = "payment_used"
    else:
        refusal = ""
    now = MONDAY_10_00 + MINUTE
    before = engine.snapshot(now)
    take = partial(
        engine.issue,
        asked_for,
        now,
        request_id="take-1" if retried else "take-2",
        fee=FeePaid(payment, earlier_ticket),
    )
    if refusal:
        with pytest.raises(PaymentNotUsable) as refused:
            take()
        assert refused.value.code == refusal
        assert engine.snapshot(now) == before
        return
    outcome = take()
    assert outcome.ticket is not None and outcome.ticket.payment_id == payment.id
    if first is not None:
        assert outcome.replayed and outcome.ticket == first.ticket


# -- engine bugs found by the properties above (kept as pinned reproductions) ----------


def test_a_refused_first_ticket_of_the_day_still_hands_over_the_day_end() -> None:
    """A kiosk pressed before opening is refused, but the day's end it caused is not lost.

    The day-end events are numbered when the day rolls; if a refusal swallowed them,
    the event log would have a gap and the boards would never hear that yesterday's
    visitors were sent home. The hub takes them with ``take_undelivered``.
    """
    engine = QueueEngine(make_branch(), MONDAY_10_00)
    leftover = engine.issue("passport", MONDAY_10_00).ticket
    assert leftover is not None
    tuesday_07_00 = MONDAY_10_00 + 21 * 60 * MINUTE
    before = engine.seq
    with pytest.raises(BranchClosed):
        engine.issue("passport", tuesday_07_00)
    owed = engine.take_undelivered()
    assert [e.seq for e in owed] == list(range(before + 1, engine.seq + 1))
    assert [(e.kind, e.ticket.id if e.ticket else "") for e in owed] == [
        (EventKind.TICKET_CANCELLED, leftover.id)
    ]
    assert engine.snapshot(tuesday_07_00).tickets == []


def test_a_retried_pause_is_answered_even_after_the_desk_closed() -> None:
    """A retry (say, the reply was lost) gets the first answer whatever happened since."""
    engine = QueueEngine(make_branch(), MONDAY_10_00)
    engine.open_desk("d1", MONDAY_10_00)
    engine.pause_desk("d1", MONDAY_10_00, request_id="press-1")
    engine.close_desk("d1", MONDAY_10_00 + MINUTE)
    try:
        again = engine.pause_desk("d1", MONDAY_10_00 + MINUTE, request_id="press-1")
    except DeskNotOpen:
        pytest.fail("the retry was refused")
    assert again.replayed and again.events == []


def test_the_first_call_of_the_morning_finds_the_desk_closed() -> None:
    """A desk left open overnight is closed at the day's end: the operator opens it anew."""
    engine = QueueEngine(make_branch(), MONDAY_10_00)
    engine.open_desk("d1", MONDAY_10_00)
    tuesday_10_00 = MONDAY_10_00 + 24 * 60 * MINUTE
    with pytest.raises(DeskNotOpen):
        engine.call_next("d1", tuesday_10_00)
    assert [e.kind for e in engine.take_undelivered()] == [EventKind.DESK_CLOSED]
    assert engine.desk("d1").state is DeskState.CLOSED
