"""Priority claimed at the kiosk, judged at the desk: confirmed, or removed.

A visitor's word at the kiosk makes a ticket of a claimable category, marked claimed; the
category counts at once. The operator who called it sees the document and confirms the
priority, or removes it: the ticket then waits again as a regular one from its issue
time, so a visitor without the document loses the priority, never their place.
"""

from __future__ import annotations

from dataclasses import replace

from hub.domain.model import EventKind, JournalEntry, Outcome, Ticket, TicketState
from hub.domain.rollover import Rollover
from hub.errors import InvalidRequest, NoCurrentTicket, NoPriorityClaim

DONE = "ok"
# The longest reason kept; a removal's reason is typed text (TYPED_DETAIL).
REASON_MAX = 200


class PriorityClaims(Rollover):
    def confirm_priority(
        self, desk_id: str, now_ms: int, *, actor: str, door: str = "", request_id: str = ""
    ) -> Outcome:
        """The document was shown: the claimed priority stands, and the log says who saw it."""
        kind = EventKind.PRIORITY_CONFIRMED
        replay = self._replay(request_id, kind, desk_id=desk_id)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        ticket = self._claimed_at(desk_id)
        confirmed = self._put(replace(ticket, priority_claimed=False))
        desk = self.desk(desk_id)
        entry = JournalEntry(kind.value, actor, confirmed.id, DONE, door)
        event = self._emit(kind, now_ms, confirmed, desk, request_id=request_id, entry=entry)
        return self._outcome(confirmed, desk, [event])

    def remove_priority(
        self,
        desk_id: str,
        now_ms: int,
        *,
        reason: str,
        actor: str,
        door: str = "",
        request_id: str = "",
    ) -> Outcome:
        """No document: the ticket leaves the desk and waits as a regular one from the time
        it was issued, ahead of everyone who came after."""
        kind = EventKind.PRIORITY_REMOVED
        replay = self._replay(request_id, kind, desk_id=desk_id)
        if replay is not None:
            return replay
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidRequest("give the reason the priority is removed: the log keeps it")
        if len(reason) > REASON_MAX:
            raise InvalidRequest(f"the reason is longer than {REASON_MAX} characters: shorten it")
        self._roll_day(now_ms)
        ticket = self._claimed_at(desk_id)
        regular = self._put(
            replace(
                ticket,
                state=TicketState.WAITING,
                priority="",
                priority_from_ms=0,
                priority_claimed=False,
                desk_id="",
                waiting_since_ms=ticket.issued_at_ms,
                recalls=0,
                called_at_ms=0,
                started_at_ms=0,
            )
        )
        desk = self._release(desk_id)
        entry = JournalEntry(kind.value, actor, regular.id, DONE, door)
        event = self._emit(kind, now_ms, regular, desk, reason, request_id=request_id, entry=entry)
        return self._outcome(regular, desk, [event])

    def _claimed_at(self, desk_id: str) -> Ticket:
        """The desk's ticket, refused unless it holds a priority claimed and not yet judged."""
        desk = self.desk(desk_id)
        if not desk.current_ticket_id:
            raise NoCurrentTicket(f"desk {desk.number} has no visitor now: call one first")
        ticket = self._tickets[desk.current_ticket_id]
        if not ticket.priority_claimed:
            raise NoPriorityClaim(
                f"ticket {ticket.number} has no priority claimed at the kiosk to confirm or remove"
            )
        return ticket
