"""Where one waiting ticket stands, read from a snapshot of the hall.

What a visitor reads on the ticket page and in "your turn is near": the branch's one
estimate (hub/domain/estimate.py) over the snapshot's tickets and the basis the engine
put in it, so the page and the message tell what the kiosk and the ticket told.
"""

from __future__ import annotations

from hub.domain.estimate import NO_OPEN_DESK, people_ahead, told
from hub.domain.model import Snapshot, Ticket, WaitEstimate


def position(snapshot: Snapshot, ticket: Ticket) -> WaitEstimate:
    """People ahead of the ticket and its wait, at the snapshot's moment."""
    ahead = people_ahead(snapshot.tickets, ticket, snapshot.at_ms)
    queue = next((q for q in snapshot.queues if q.service_id == ticket.service_id), None)
    if queue is None:
        return WaitEstimate(ahead, 0, known=False, reason=NO_OPEN_DESK)
    return told(queue.basis, ahead)
