"""The queue engine: commands in, events out, every rule checked before anything changes.

The engine holds the branch's live state in memory and is the only thing that changes
it. Each command either raises a HubError and changes nothing, or returns the events it
caused, numbered in one gap-free sequence. Persisting them is the caller's job: the hub
acknowledges a command only once its events are committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hub.domain import branch as cfg
from hub.domain import transitions
from hub.domain.branch import Branch, BranchIndex
from hub.domain.dispatcher import pick
from hub.domain.estimate import ServiceTimes, basis, people_ahead, told
from hub.domain.model import (
    Appointment,
    Desk,
    DeskState,
    Event,
    EventKind,
    Outcome,
    Rating,
    RequestRecord,
    ServiceQueue,
    Snapshot,
    Ticket,
    TicketState,
    WaitBasis,
    WaitEstimate,
)
from hub.domain.numbering import branch_day, local_time, ticket_id, ticket_number
from hub.domain.payments import FeePaid, Payment, check_fee
from hub.domain.waiting import WaitingLines
from hub.errors import (
    BranchClosed,
    DeskBusy,
    DeskNotOpen,
    InvalidRequest,
    NoCurrentTicket,
    NotServedHere,
    PaymentNotUsable,
    RecallLimitReached,
    Refused,
    TicketsStopped,
    UnknownDesk,
    UnknownOperator,
    UnknownPriority,
    UnknownService,
    UnknownTicket,
)


class QueueEngine:
    def __init__(
        self,
        config: Branch,
        now_ms: int,
        *,
        seq: int = 0,
        tickets: Iterable[Ticket] = (),
        desks: Iterable[Desk] = (),
        requests: dict[str, RequestRecord] | None = None,
        day: str = "",
    ) -> None:
        """Rebuild the live state from what was committed (nothing, on a new branch).

        ``day`` is the day of the last committed event: a hub started on a later day
        then ends that day at its first command, as if it had run through midnight.
        Tickets that today's hall still holds must fit ``config``, else Refused.
        """
        self.config = config
        self._index = BranchIndex.of(config)
        self.seq = seq
        self.day = day or branch_day(now_ms, config.timezone)
        self._tickets: dict[str, Ticket] = {}
        self._counters: dict[str, int] = {}
        self._waiting = WaitingLines()
        self._rotations: dict[str, dict[str, int]] = {}
        self._requests = dict(requests or {})
        self._times = ServiceTimes(_default_times(config))
        self._undelivered: list[Event] = []
        for ticket in sorted(tickets, key=lambda t: (t.waiting_since_ms, t.id)):
            self._load_ticket(ticket)
        saved = {d.id: d for d in desks}
        self._desks = {d.id: _desk_from_config(d, saved.get(d.id)) for d in config.desks}
        if self.day == branch_day(now_ms, config.timezone):
            self._check_fits(config, "the configuration", saved.values())

    def _load_ticket(self, ticket: Ticket) -> None:
        if ticket.day == self.day:
            self._counters[ticket.prefix] = max(self._counters.get(ticket.prefix, 0), ticket.serial)
        elif not ticket.state.active:
            return
        self._tickets[ticket.id] = ticket
        if ticket.state is TicketState.WAITING:
            self._waiting.add(ticket)
        if ticket.state is TicketState.DONE and ticket.called_at_ms:
            self._times.observe(
                ticket.service_id, (ticket.finished_at_ms - ticket.called_at_ms) / 1000
            )

    # -- reading ---------------------------------------------------------------

    def ticket(self, ticket_id_: str) -> Ticket:
        try:
            return self._tickets[ticket_id_]
        except KeyError:
            raise UnknownTicket(
                f'no ticket "{ticket_id_}" today: ticket ids look like "{self.day}/А001"'
            ) from None

    def desk(self, desk_id: str) -> Desk:
        try:
            return self._desks[desk_id]
        except KeyError:
            raise UnknownDesk(
                f'no desk "{desk_id}" in this branch: the desks are {_listing(self._desks)}'
            ) from None

    def estimate(self, service_id: str) -> WaitEstimate:
        """The wait of a regular visitor who would take a ticket for the service now."""
        self._service(service_id)
        return told(self._basis(service_id), self._waiting.count(service_id))

    def ticket_estimate(self, ticket_id_: str, now_ms: int) -> WaitEstimate:
        """The wait of one ticket now: what every surface tells its visitor."""
        ticket = self.ticket(ticket_id_)
        line = self._waiting.alongside(ticket)
        return told(self._basis(ticket.service_id), people_ahead(line, ticket, now_ms))

    def snapshot(self, now_ms: int) -> Snapshot:
        queues = []
        for service in self.config.services:
            since = self._waiting.longest_since_ms(service.id)
            waiting = self._waiting.count(service.id)
            ground = self._basis(service.id)
            queues.append(
                ServiceQueue(
                    service.id,
                    waiting,
                    max(0, (now_ms - since) // 1000) if since is not None else 0,
                    told(ground, waiting),
                    ground,
                )
            )
        active = sorted(
            (t for t in self._tickets.values() if t.state.active),
            key=lambda t: (t.issued_at_ms, t.id),
        )
        return Snapshot(self.seq, self.day, now_ms, active, list(self._desks.values()), queues)

    # -- visitors --------------------------------------------------------------

    def issue(
        self,
        service_id: str,
        now_ms: int,
        *,
        priority: str = "",
        priority_from_ms: int = 0,
        request_id: str = "",
        visitor_name: str = "",
        fee: FeePaid | None = None,
    ) -> Outcome:
        """A ticket for the service; ``visitor_name`` for a visitor identified by card,
        ``fee`` for one who paid first: it must pay for this service and no other ticket."""
        if fee is not None:
            check_fee(fee, service_id)
        service = self._service(service_id)
        replay = self._replay(request_id, EventKind.TICKET_ISSUED, prefix=service.prefix)
        if replay is not None:
            return replay
        payment_id = fee.payment.id if fee is not None else 0
        if payment_id:
            self._check_payment_unused(payment_id)
        if priority and priority not in {p.id for p in self.config.priorities}:
            raise UnknownPriority(
                f'no priority category "{priority}": the categories are '
                f"{_listing(p.id for p in self.config.priorities)}"
            )
        if priority_from_ms and not priority:
            raise InvalidRequest("a priority start time was given without a priority category")
        self._roll_day(now_ms)
        self._check_open(service.id, service.last_ticket_before_close_min, now_ms)
        serial = self._counters.get(service.prefix, 0) + 1
        self._counters[service.prefix] = serial
        number = ticket_number(service.prefix, serial)
        ticket = Ticket(
            id=ticket_id(self.day, number),
            number=number,
            prefix=service.prefix,
            serial=serial,
            day=self.day,
            service_id=service.id,
            state=TicketState.WAITING,
            issued_at_ms=now_ms,
            waiting_since_ms=now_ms,
            priority=priority,
            priority_from_ms=priority_from_ms,
            visitor_name=visitor_name,
            payment_id=payment_id,
        )
        self._put(ticket)
        event = self._emit(EventKind.TICKET_ISSUED, now_ms, ticket, request_id=request_id)
        ahead = self._waiting.ahead_of_newest(ticket, now_ms)
        return self._outcome(ticket, None, [event], told(self._basis(service.id), ahead))

    def cancel(
        self, ticket_id_: str, now_ms: int, *, reason: str = "", request_id: str = ""
    ) -> Outcome:
        replay = self._replay(request_id, EventKind.TICKET_CANCELLED, ticket_id=ticket_id_)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        ticket = self.ticket(ticket_id_)
        transitions.check("cancel", ticket.number, ticket.state)
        desk = self._release(ticket.desk_id) if ticket.state is TicketState.CALLED else None
        cancelled = self._put(replace(ticket, state=TicketState.CANCELLED, finished_at_ms=now_ms))
        event = self._emit(
            EventKind.TICKET_CANCELLED, now_ms, cancelled, desk, reason, request_id=request_id
        )
        return self._outcome(cancelled, desk, [event])

    # -- desks -----------------------------------------------------------------

    def call_next(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        replay = self._replay(request_id, EventKind.TICKET_CALLED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk = self._idle_open_desk(desk_id)
        ticket = self._waiting.targeted_head(desk.id)
        if ticket is None:
            config = self._desk_config(desk.id)
            candidates = list(
                self._waiting.candidates(
                    config.services, self._index.categories, self._index.targets_ms, now_ms
                )
            )
            chosen, rotation = pick(
                candidates,
                self._index.ratios,
                self._rotations.get(desk.id, {}),
                now_ms,
                int(self.config.deadline_guard_min * 60_000),
            )
            if chosen is None:
                return self._outcome(None, desk, [])
            self._rotations[desk.id] = rotation
            ticket = chosen.ticket
        return self._call(ticket, desk, now_ms, request_id)

    def call_ticket(
        self, desk_id: str, ticket_id_: str, now_ms: int, *, request_id: str = ""
    ) -> Outcome:
        replay = self._replay(
            request_id, EventKind.TICKET_CALLED, desk_id=desk_id, ticket_id=ticket_id_
        )
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk = self._idle_open_desk(desk_id)
        ticket = self.ticket(ticket_id_)
        transitions.check("call", ticket.number, ticket.state)
        if ticket.target_desk_id and ticket.target_desk_id != desk.id:
            raise NotServedHere(
                f"ticket {ticket.number} was transferred to desk "
                f"{self._desks[ticket.target_desk_id].number}: only that desk calls it"
            )
        if not ticket.target_desk_id and ticket.service_id not in desk.service_ids:
            raise NotServedHere(
                f'desk {desk.number} does not serve "{ticket.service_id}" of ticket '
                f"{ticket.number}: transfer the ticket to this desk first"
            )
        return self._call(ticket, desk, now_ms, request_id)

    def recall(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        replay = self._replay(request_id, EventKind.TICKET_RECALLED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk, ticket = self._current(desk_id)
        transitions.check("recall", ticket.number, ticket.state)
        if ticket.recalls >= self.config.max_recalls:
            raise RecallLimitReached(
                f"ticket {ticket.number} was recalled {ticket.recalls} times, the most this "
                "branch allows: start service or mark a no-show"
            )
        recalled = self._put(replace(ticket, recalls=ticket.recalls + 1, called_at_ms=now_ms))
        event = self._emit(EventKind.TICKET_RECALLED, now_ms, recalled, desk, request_id=request_id)
        return self._outcome(recalled, desk, [event])

    def start(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        replay = self._replay(request_id, EventKind.SERVICE_STARTED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk, ticket = self._current(desk_id)
        transitions.check("start", ticket.number, ticket.state)
        started = self._put(replace(ticket, state=TicketState.SERVING, started_at_ms=now_ms))
        event = self._emit(EventKind.SERVICE_STARTED, now_ms, started, desk, request_id=request_id)
        return self._outcome(started, desk, [event])

    def finish(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        replay = self._replay(request_id, EventKind.SERVICE_FINISHED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk, ticket = self._current(desk_id)
        transitions.check("finish", ticket.number, ticket.state)
        self._times.observe(ticket.service_id, (now_ms - ticket.called_at_ms) / 1000)
        done = self._put(replace(ticket, state=TicketState.DONE, finished_at_ms=now_ms))
        desk = self._release(desk.id)
        event = self._emit(EventKind.SERVICE_FINISHED, now_ms, done, desk, request_id=request_id)
        return self._outcome(done, desk, [event])

    def no_show(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        replay = self._replay(request_id, EventKind.TICKET_NO_SHOW, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk, ticket = self._current(desk_id)
        transitions.check("no_show", ticket.number, ticket.state)
        missed = self._put(replace(ticket, state=TicketState.NO_SHOW, finished_at_ms=now_ms))
        desk = self._release(desk.id)
        event = self._emit(EventKind.TICKET_NO_SHOW, now_ms, missed, desk, request_id=request_id)
        return self._outcome(missed, desk, [event])

    def transfer(
        self,
        desk_id: str,
        now_ms: int,
        *,
        to_service_id: str = "",
        to_desk_id: str = "",
        comment: str = "",
        request_id: str = "",
    ) -> Outcome:
        """End this visit; the same ticket waits again for another service or one desk."""
        replay = self._replay(request_id, EventKind.TICKET_TRANSFERRED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        if bool(to_service_id) == bool(to_desk_id):
            raise InvalidRequest("give exactly one of: the service or the desk to transfer to")
        desk, ticket = self._current(desk_id)
        transitions.check("transfer", ticket.number, ticket.state)
        if to_desk_id and self.desk(to_desk_id).id == desk.id:
            raise InvalidRequest(f"ticket {ticket.number} is already at desk {desk.number}")
        service_id = self._service(to_service_id).id if to_service_id else ticket.service_id
        if ticket.state is TicketState.SERVING:
            self._times.observe(ticket.service_id, (now_ms - ticket.called_at_ms) / 1000)
        moved = self._put(
            replace(
                ticket,
                state=TicketState.WAITING,
                service_id=service_id,
                target_desk_id=to_desk_id,
                desk_id="",
                waiting_since_ms=now_ms,
                recalls=0,
                called_at_ms=0,
                started_at_ms=0,
            )
        )
        desk = self._release(desk.id)
        event = self._emit(
            EventKind.TICKET_TRANSFERRED, now_ms, moved, desk, comment, request_id=request_id
        )
        return self._outcome(moved, desk, [event])

    def open_desk(
        self, desk_id: str, now_ms: int, *, operator_id: str = "", request_id: str = ""
    ) -> Outcome:
        replay = self._replay(request_id, EventKind.DESK_OPENED, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk = self.desk(desk_id)
        operators = {o.id for o in self.config.operators}
        if operator_id and operator_id not in operators:
            raise UnknownOperator(f'no operator "{operator_id}" in this branch')
        if desk.state is DeskState.OPEN:
            if desk.operator_id == operator_id:
                return self._outcome(None, desk, [])
            raise Refused(f"desk {desk.number} is open by another operator: close it first")
        opened = self._put_desk(replace(desk, state=DeskState.OPEN, operator_id=operator_id))
        event = self._emit(EventKind.DESK_OPENED, now_ms, None, opened, request_id=request_id)
        return self._outcome(None, opened, [event])

    def close_desk(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        return self._set_desk_state(
            desk_id, DeskState.CLOSED, EventKind.DESK_CLOSED, now_ms, request_id
        )

    def pause_desk(self, desk_id: str, now_ms: int, *, request_id: str = "") -> Outcome:
        return self._set_desk_state(
            desk_id, DeskState.PAUSED, EventKind.DESK_PAUSED, now_ms, request_id
        )

    def _set_desk_state(
        self, desk_id: str, state: DeskState, kind: EventKind, now_ms: int, request_id: str
    ) -> Outcome:
        replay = self._replay(request_id, kind, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        desk = self.desk(desk_id)
        if state is DeskState.PAUSED and desk.state is DeskState.CLOSED:
            raise DeskNotOpen(f"desk {desk.number} is closed: open it first")
        if desk.current_ticket_id:
            number = self._tickets[desk.current_ticket_id].number
            raise DeskBusy(
                f"desk {desk.number} still has ticket {number}: finish, transfer or mark it "
                "a no-show first"
            )
        if desk.state is state:
            return self._outcome(None, desk, [])
        operator = desk.operator_id if state is DeskState.PAUSED else ""
        changed = self._put_desk(replace(desk, state=state, operator_id=operator))
        return self._outcome(
            None, changed, [self._emit(kind, now_ms, None, changed, request_id=request_id)]
        )

    # -- configuration -----------------------------------------------------------

    def reconfigure(self, config: Branch, now_ms: int, detail: str) -> Outcome:
        """Take a new configuration unless it would strand tickets that are in the hall."""
        self._roll_day(now_ms)
        self._check_fits(config, "the new configuration", self._desks.values())
        dropped = [
            d
            for d in self._desks.values()
            if config.desk(d.id) is None and d.state is not DeskState.CLOSED
        ]
        closing = [
            self._emit(
                EventKind.DESK_CLOSED,
                now_ms,
                None,
                replace(d, state=DeskState.CLOSED, operator_id=""),
                "removed from the configuration",
            )
            for d in dropped
        ]
        self.config = config
        self._index = BranchIndex.of(config)
        self._times.reconfigure(_default_times(config))
        self._desks = {d.id: _desk_from_config(d, self._desks.get(d.id)) for d in config.desks}
        self._rotations = {k: v for k, v in self._rotations.items() if k in self._desks}
        reloaded = self._emit(EventKind.CONFIG_RELOADED, now_ms, detail=detail)
        return self._outcome(None, None, [*closing, reloaded])

    def _check_fits(self, config: Branch, what: str, desks: Iterable[Desk]) -> None:
        """Refuse a configuration that would strand a ticket in the hall or a desk's visitor."""
        services = {s.id for s in config.services}
        categories = {p.id for p in config.priorities}
        for ticket in self._tickets.values():
            if not ticket.state.active:
                continue
            if ticket.service_id not in services:
                raise Refused(
                    f'{what} drops service "{ticket.service_id}" while ticket {ticket.number} '
                    "is in the hall: keep the service until that ticket is served"
                )
            if ticket.priority and ticket.priority not in categories:
                raise Refused(
                    f'{what} drops priority "{ticket.priority}" while ticket {ticket.number} '
                    "has it: keep the category until that ticket is served"
                )
            if ticket.target_desk_id and config.desk(ticket.target_desk_id) is None:
                raise Refused(
                    f'{what} drops desk "{ticket.target_desk_id}" while ticket {ticket.number} '
                    "waits for it: keep the desk until that ticket is served"
                )
        for desk in desks:
            if desk.current_ticket_id and config.desk(desk.id) is None:
                raise Refused(
                    f'{what} drops desk "{desk.id}" while it has a visitor: keep the desk '
                    "until the visitor is served"
                )

    # -- helpers -----------------------------------------------------------------

    def _call(self, ticket: Ticket, desk: Desk, now_ms: int, request_id: str) -> Outcome:
        called = self._put(
            replace(
                ticket, state=TicketState.CALLED, desk_id=desk.id, called_at_ms=now_ms, recalls=0
            )
        )
        desk = self._put_desk(replace(desk, current_ticket_id=called.id))
        event = self._emit(EventKind.TICKET_CALLED, now_ms, called, desk, request_id=request_id)
        return self._outcome(called, desk, [event])

    def _put(self, ticket: Ticket) -> Ticket:
        old = self._tickets.get(ticket.id)
        if old is not None and old.state is TicketState.WAITING:
            self._waiting.remove(old)
        self._tickets[ticket.id] = ticket
        if ticket.state is TicketState.WAITING:
            self._waiting.add(ticket)
        return ticket

    def _put_desk(self, desk: Desk) -> Desk:
        self._desks[desk.id] = desk
        return desk

    def _release(self, desk_id: str) -> Desk:
        return self._put_desk(replace(self._desks[desk_id], current_ticket_id=""))

    def record(
        self,
        kind: EventKind,
        now_ms: int,
        appointment: Appointment,
        *,
        detail: str = "",
        request_id: str = "",
    ) -> Event:
        """Number a change of an appointment in the branch's one sequence of events.

        A past day is ended first, as for any command; its events wait for
        take_undelivered, which the caller must put before this one.
        """
        self._roll_day(now_ms)
        return self._emit(
            kind, now_ms, detail=detail, request_id=request_id, appointment=appointment
        )

    def rate(self, rating: Rating, now_ms: int) -> Outcome:
        """Number a visitor's rating; the rules (hub/domain/rating.py) were checked before."""
        self._roll_day(now_ms)
        return self._outcome(
            None, None, [self._emit(EventKind.TICKET_RATED, now_ms, rating=rating)]
        )

    def settle_payment(self, payment: Payment, now_ms: int) -> Outcome:
        """Number a payment's end, so the back office gets it with the rest of the log."""
        self._roll_day(now_ms)
        event = self._emit(EventKind.PAYMENT_SETTLED, now_ms, payment=payment)
        return self._outcome(None, None, [event])

    def callable_now(self, ticket: Ticket) -> bool:
        """Whether an open desk can call the waiting ``ticket`` now."""
        if ticket.target_desk_id:
            return self.desk(ticket.target_desk_id).state is DeskState.OPEN
        return any(
            ticket.service_id in config.services and self.desk(config.id).state is DeskState.OPEN
            for config in self.config.desks
        )

    def last_finished(self, desk_id: str) -> Ticket | None:
        """The ticket this desk finished last today, if any."""
        self.desk(desk_id)
        done = [
            t
            for t in self._tickets.values()
            if t.state is TicketState.DONE and t.desk_id == desk_id
        ]
        return max(done, key=lambda t: t.finished_at_ms, default=None)

    def _emit(
        self,
        kind: EventKind,
        now_ms: int,
        ticket: Ticket | None = None,
        desk: Desk | None = None,
        detail: str = "",
        *,
        request_id: str = "",
        appointment: Appointment | None = None,
        rating: Rating | None = None,
        payment: Payment | None = None,
    ) -> Event:
        self.seq += 1
        if request_id:
            self._requests[request_id] = RequestRecord(
                kind, ticket.id if ticket else "", desk.id if desk else ""
            )
        return Event(
            self.seq,
            now_ms,
            self.day,
            kind,
            ticket,
            desk,
            detail,
            request_id,
            appointment,
            rating,
            payment,
        )

    def _replay(
        self,
        request_id: str,
        kind: EventKind,
        *,
        desk_id: str = "",
        ticket_id: str = "",
        prefix: str = "",
    ) -> Outcome | None:
        """The first answer to a retried request; a reused id with other content is refused."""
        record = self._requests.get(request_id) if request_id else None
        if record is None:
            return None
        ticket = self._tickets.get(record.ticket_id) if record.ticket_id else None
        same = (
            record.kind is kind
            and (not desk_id or record.desk_id == desk_id)
            and (not ticket_id or record.ticket_id == ticket_id)
            and (not prefix or (ticket is not None and ticket.prefix == prefix))
        )
        if not same:
            raise InvalidRequest(
                f'request id "{request_id}" was already used for another request: '
                "use a new id for each new request"
            )
        desk = self._desks.get(record.desk_id) if record.desk_id else None
        return Outcome(ticket, desk, [], replayed=True)

    def _roll_day(self, now_ms: int) -> None:
        """At the first command of a new day: end what the old day left, restart numbers.

        Its events wait in ``_undelivered`` until an outcome carries them, so that a
        command refused right after the roll does not lose them (see take_undelivered).
        """
        day = branch_day(now_ms, self.config.timezone)
        if day <= self.day:
            # A clock stepped back must not restart the numbers of a day already used.
            return
        self.day = day
        for ticket in list(self._tickets.values()):
            if ticket.state.active:
                ended = self._put(
                    replace(ticket, state=TicketState.CANCELLED, finished_at_ms=now_ms)
                )
                self._undelivered.append(
                    self._emit(EventKind.TICKET_CANCELLED, now_ms, ended, detail="day ended")
                )
        for desk in list(self._desks.values()):
            if desk.state is not DeskState.CLOSED or desk.current_ticket_id:
                closed = self._put_desk(
                    replace(desk, state=DeskState.CLOSED, operator_id="", current_ticket_id="")
                )
                self._undelivered.append(
                    self._emit(EventKind.DESK_CLOSED, now_ms, None, closed, "day ended")
                )
        self._tickets = {}
        self._counters = {}
        self._requests = {}
        self._rotations = {}

    def roll_day(self, now_ms: int) -> Outcome:
        """End the day if it is over; the hub calls it by itself, so a quiet night ends too."""
        self._roll_day(now_ms)
        return self._outcome(None, None, [])

    def take_undelivered(self) -> list[Event]:
        """Events of a day's roll that no outcome carried yet: the caller must persist them."""
        events, self._undelivered = self._undelivered, []
        return events

    def _outcome(
        self,
        ticket: Ticket | None,
        desk: Desk | None,
        events: list[Event],
        estimate: WaitEstimate | None = None,
        *,
        replayed: bool = False,
    ) -> Outcome:
        return Outcome(ticket, desk, self.take_undelivered() + events, estimate, replayed)

    def _check_open(self, service_id: str, last_ticket_before_close_min: int, now_ms: int) -> None:
        local = local_time(now_ms, self.config.timezone)
        hours = self._index.hours[local.weekday()]
        if hours is None or local.date() in self._index.closed_dates:
            raise BranchClosed("the branch is closed today: tickets are issued on working days")
        minute = local.hour * 60 + local.minute
        opens, closes = hours.opens_minute, hours.closes_minute
        last = closes - last_ticket_before_close_min
        if not opens <= minute < last:
            raise TicketsStopped(
                f'tickets for "{service_id}" are issued today from {_clock(opens)} '
                f"to {_clock(last)}"
            )

    def _check_payment_unused(self, payment_id: int) -> None:
        """A payment stands for one ticket: refused if today's tickets hold it already
        (one of an earlier day comes from the database, in the fee: ``check_fee``)."""
        held = next((t for t in self._tickets.values() if t.payment_id == payment_id), None)
        if held is not None:
            raise PaymentNotUsable(
                "payment_used",
                f"payment {payment_id} was already used for ticket {held.number}: a fee is "
                "paid for one ticket",
            )

    def _idle_open_desk(self, desk_id: str) -> Desk:
        desk = self.desk(desk_id)
        if desk.state is not DeskState.OPEN:
            raise DeskNotOpen(f"desk {desk.number} is {desk.state.value}: open it to call visitors")
        if desk.current_ticket_id:
            number = self._tickets[desk.current_ticket_id].number
            raise DeskBusy(
                f"desk {desk.number} already has ticket {number}: finish it, transfer it or "
                "mark a no-show before calling the next"
            )
        return desk

    def _current(self, desk_id: str) -> tuple[Desk, Ticket]:
        desk = self.desk(desk_id)
        if not desk.current_ticket_id:
            raise NoCurrentTicket(f"desk {desk.number} has no visitor now: call one first")
        return desk, self._tickets[desk.current_ticket_id]

    def _service(self, service_id: str) -> cfg.Service:
        service = self._index.services.get(service_id)
        if service is None:
            raise UnknownService(
                f'no service "{service_id}" in this branch: the services are '
                f"{_listing(s.id for s in self.config.services)}"
            )
        return service

    def _desk_config(self, desk_id: str) -> cfg.Desk:
        return self._index.desks[desk_id]

    def _basis(self, service_id: str) -> WaitBasis:
        open_desks = [
            (self._desk_config(d.id).services, bool(d.current_ticket_id))
            for d in self._desks.values()
            if d.state is DeskState.OPEN
        ]
        return basis(
            service_id, open_desks, self._waiting.counts(), self._times.average_s(service_id)
        )


def _default_times(config: Branch) -> dict[str, float]:
    return {s.id: s.average_service_min * 60 for s in config.services}


def _desk_from_config(config: cfg.Desk, saved: Desk | None) -> Desk:
    base = Desk(
        config.id, config.number, config.name or f"Окно {config.number}", tuple(config.services)
    )
    if saved is None:
        return base
    return replace(
        base,
        state=saved.state,
        operator_id=saved.operator_id,
        current_ticket_id=saved.current_ticket_id,
    )


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _listing(ids: Iterable[str]) -> str:
    """A short quoted list for an error message, so the person sees what is valid."""
    names = sorted(ids)
    if not names:
        return "none"
    more = f" and {len(names) - 12} more" if len(names) > 12 else ""
    return ", ".join(f'"{n}"' for n in names[:12]) + more
