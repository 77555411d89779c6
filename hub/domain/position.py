"""Where one waiting ticket stands: how many people are before it, and about how long.

What a visitor reads on the ticket page and in "your turn is near": an honest count, not
the dispatcher's exact future (a desk may call another service, a priority visitor may
arrive). Pure, over a snapshot of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.model import Snapshot, Ticket, TicketState


@dataclass(frozen=True, slots=True)
class Position:
    people_ahead: int
    wait_s: int
    # False when no open desk serves the service: the wait cannot be told.
    known: bool


def people_ahead(snapshot: Snapshot, ticket: Ticket) -> int:
    """Waiting tickets of the same service likely to be called before this one.

    A ticket transferred to a desk counts only those transferred to that desk before it;
    a priority ticket whose priority applies, those of its category before it; a regular
    one, everyone of its service who waits longer, and the priority visitors whose
    priority applies (the dispatcher calls them first, by its ratio).
    """
    if ticket.state is not TicketState.WAITING:
        return 0
    now = snapshot.at_ms
    mine = (ticket.waiting_since_ms, ticket.id)
    ahead = 0
    for other in snapshot.tickets:
        if other.id == ticket.id or other.state is not TicketState.WAITING:
            continue
        before = (other.waiting_since_ms, other.id) < mine
        if ticket.target_desk_id:
            ahead += other.target_desk_id == ticket.target_desk_id and before
        elif other.service_id != ticket.service_id or other.target_desk_id:
            continue
        elif ticket.priority_applies(now):
            ahead += other.priority == ticket.priority and other.priority_applies(now) and before
        else:
            ahead += before or other.priority_applies(now)
    return ahead


def position(snapshot: Snapshot, ticket: Ticket) -> Position:
    """People ahead and the wait, scaled from the service's estimate for a newcomer."""
    ahead = people_ahead(snapshot, ticket)
    queue = next((q for q in snapshot.queues if q.service_id == ticket.service_id), None)
    if queue is None or not queue.estimate.known:
        return Position(ahead, 0, known=False)
    estimate = queue.estimate
    # The estimate is linear in the people ahead (docs/hub.md, "Wait estimates").
    per_person = estimate.wait_s / estimate.people_ahead if estimate.people_ahead else 0.0
    if not per_person and ahead:
        return Position(ahead, 0, known=False)
    return Position(ahead, round(ahead * per_person), known=True)
