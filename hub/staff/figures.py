"""Each operator's figures for the day, folded from the event log (pure).

An event that ends a visit at a desk carries the desk as it was, with the operator
who held it: that is whose work it was, whoever calls for the figures later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hub.domain.model import Event, EventKind

# The kinds that count; the store reads only these.
KINDS = (EventKind.SERVICE_FINISHED, EventKind.TICKET_NO_SHOW, EventKind.TICKET_TRANSFERRED)


@dataclass(slots=True)
class Figures:
    served: int = 0
    service_ms: int = 0
    longest_ms: int = 0
    no_shows: int = 0
    transferred: int = 0

    @property
    def average_s(self) -> int:
        return round(self.service_ms / self.served / 1000) if self.served else 0


@dataclass(slots=True)
class Tally:
    """Figures per operator of one day, and the last event folded in."""

    day: str
    seq: int = 0
    operators: dict[str, Figures] = field(default_factory=dict)

    def fold(self, events: Iterable[Event]) -> None:
        """Count each event of this day once, in order; others and repeats are skipped."""
        for event in events:
            if event.seq <= self.seq:
                continue
            self.seq = event.seq
            if event.day != self.day or event.desk is None or not event.desk.operator_id:
                continue
            figures = self.operators.setdefault(event.desk.operator_id, Figures())
            if event.kind is EventKind.SERVICE_FINISHED and event.ticket is not None:
                took = max(0, event.ticket.finished_at_ms - event.ticket.started_at_ms)
                figures.served += 1
                figures.service_ms += took
                figures.longest_ms = max(figures.longest_ms, took)
            elif event.kind is EventKind.TICKET_NO_SHOW:
                figures.no_shows += 1
            elif event.kind is EventKind.TICKET_TRANSFERRED:
                figures.transferred += 1

    def of(self, operator_id: str) -> Figures:
        return self.operators.get(operator_id, Figures())
