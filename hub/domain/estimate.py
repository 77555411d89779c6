"""The one wait estimate of the branch: every surface tells a visitor this figure.

The kiosk before and after the tap, the printed ticket, the web ticket page and
/status, SMS and e-mail all read it from here, for the same ticket at the same moment
(docs/hub.md, "Wait estimates"). It is built from the open desks that serve the
service and how busy they are, the recent time a desk spends on one of its visitors,
and the people ahead, counting priority and appointment visitors who go first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from hub.domain.model import Ticket, TicketState, WaitBasis, WaitEstimate

_SMOOTHING = 0.2
_LONGEST_PLAUSIBLE_S = 4 * 3600
# Busy desks are, on average, half-way through their visitor when someone new arrives.
_RESIDUAL_SHARE = 0.5
NO_OPEN_DESK = "no open desk serves this service now"


class ServiceTimes:
    """Recent time a desk spends on one visitor of each service (exponentially weighted).

    Measured from the (last) call to the end of the visit: the walk to the desk holds the
    desk too. Starts from the configured averages, so the first estimates of a day are
    sensible.
    """

    def __init__(self, defaults_s: Mapping[str, float]) -> None:
        self._average = dict(defaults_s)

    def observe(self, service_id: str, duration_s: float) -> None:
        # A visit forgotten open overnight says nothing about how long service takes.
        if not 0 < duration_s <= _LONGEST_PLAUSIBLE_S:
            return
        old = self._average.get(service_id, duration_s)
        self._average[service_id] = old + _SMOOTHING * (duration_s - old)

    def average_s(self, service_id: str) -> float:
        return self._average[service_id]

    def reconfigure(self, defaults_s: Mapping[str, float]) -> None:
        """Keep what was learnt for services that remain; start new ones from defaults."""
        self._average = {sid: self._average.get(sid, d) for sid, d in defaults_s.items()}


def basis(
    service_id: str,
    open_desks: Sequence[tuple[Mapping[str, float], bool]],
    waiting: Mapping[str, int],
    average_s: float,
) -> WaitBasis:
    """What the open desks (their weights, and whether someone is at them) give a service.

    Each open desk gives the service the share of its time that the service's weighted
    backlog takes among all the services that desk serves.
    """
    capacity = 0.0
    free = 0
    for weights, busy in open_desks:
        if service_id not in weights:
            continue
        backlog = {sid: waiting.get(sid, 0) + (sid == service_id) for sid in weights}
        total = sum(weights[sid] * n for sid, n in backlog.items())
        capacity += weights[service_id] * backlog[service_id] / total
        free += not busy
    return WaitBasis(capacity, free, average_s)


def told(ground: WaitBasis, ahead: int) -> WaitEstimate:
    """The wait of someone with ``ahead`` people before them, in whole minutes.

    Rounded up to whole minutes here, once, so that every surface shows the same number
    whichever way it turns seconds into minutes; at least a minute with people ahead.
    """
    if ground.capacity <= 0:
        return WaitEstimate(ahead, 0, known=False, reason=NO_OPEN_DESK)
    # Free desks call the first of those ahead at once; then every turn is a desk
    # freeing. With none free, the first desk frees before a whole visit has passed.
    turns = ahead + 1 - ground.free - (0 if ground.free else _RESIDUAL_SHARE)
    seconds = max(0.0, turns) * ground.average_s / ground.capacity
    minutes = math.ceil(seconds / 60)
    if ahead:
        minutes = max(1, minutes)
    return WaitEstimate(ahead, minutes * 60, known=True)


def people_ahead(others: Iterable[Ticket], ticket: Ticket, now_ms: int) -> int:
    """Waiting tickets likely to be called before ``ticket`` (``others`` may hold it).

    A ticket transferred to a desk counts those transferred to that desk before it; a
    priority ticket whose priority applies, those of its category before it; a regular
    one, everyone of its service who waits longer, the priority visitors whose priority
    applies (the dispatcher calls them first, by its ratio) and those transferred to a
    desk (the desk calls them first).
    """
    if ticket.state is not TicketState.WAITING:
        return 0
    mine = (ticket.waiting_since_ms, ticket.id)
    applies = ticket.priority_applies(now_ms)
    ahead = 0
    for other in others:
        if other.id == ticket.id or other.state is not TicketState.WAITING:
            continue
        before = (other.waiting_since_ms, other.id) < mine
        if ticket.target_desk_id:
            ahead += other.target_desk_id == ticket.target_desk_id and before
        elif other.service_id != ticket.service_id:
            continue
        elif applies:
            ahead += (
                not other.target_desk_id
                and other.priority == ticket.priority
                and other.priority_applies(now_ms)
                and before
            )
        else:
            ahead += before or bool(other.target_desk_id) or other.priority_applies(now_ms)
    return ahead
