"""Desk work: calling, recalling, serving, transferring visitors, and a desk's own state."""

from __future__ import annotations

from dataclasses import replace

from hub.domain import transitions
from hub.domain.dispatcher import pick
from hub.domain.model import Desk, DeskState, EventKind, Outcome, Ticket, TicketState
from hub.domain.rollover import Rollover
from hub.errors import (
    DeskBusy,
    DeskNotOpen,
    InvalidRequest,
    NoCurrentTicket,
    NotServedHere,
    RecallLimitReached,
    Refused,
    UnknownOperator,
)


class DeskWork(Rollover):
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

    def _call(self, ticket: Ticket, desk: Desk, now_ms: int, request_id: str) -> Outcome:
        called = self._put(
            replace(
                ticket, state=TicketState.CALLED, desk_id=desk.id, called_at_ms=now_ms, recalls=0
            )
        )
        desk = self._put_desk(replace(desk, current_ticket_id=called.id))
        event = self._emit(EventKind.TICKET_CALLED, now_ms, called, desk, request_id=request_id)
        return self._outcome(called, desk, [event])

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
