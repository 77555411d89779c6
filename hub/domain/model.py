"""The queue's values: tickets, desks and the events that change them.

All are frozen: the engine replaces a ticket instead of changing it, so an event can
hold the ticket as it was after that event and nothing later alters it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class TicketState(enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        """Still in the hall: waiting, called or being served."""
        return self in _ACTIVE


_ACTIVE = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING})


class DeskState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class EventKind(enum.Enum):
    TICKET_ISSUED = "ticket_issued"
    TICKET_CALLED = "ticket_called"
    TICKET_RECALLED = "ticket_recalled"
    SERVICE_STARTED = "service_started"
    SERVICE_FINISHED = "service_finished"
    TICKET_NO_SHOW = "ticket_no_show"
    TICKET_TRANSFERRED = "ticket_transferred"
    TICKET_CANCELLED = "ticket_cancelled"
    DESK_OPENED = "desk_opened"
    DESK_CLOSED = "desk_closed"
    DESK_PAUSED = "desk_paused"
    CONFIG_RELOADED = "config_reloaded"


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    number: str
    prefix: str
    serial: int
    day: str
    service_id: str
    state: TicketState
    issued_at_ms: int
    waiting_since_ms: int
    priority: str = ""
    priority_from_ms: int = 0
    desk_id: str = ""
    target_desk_id: str = ""
    recalls: int = 0
    called_at_ms: int = 0
    started_at_ms: int = 0
    finished_at_ms: int = 0

    def priority_applies(self, now_ms: int) -> bool:
        """A category counts from ``priority_from_ms`` on (an appointment's slot time)."""
        return bool(self.priority) and now_ms >= self.priority_from_ms


@dataclass(frozen=True, slots=True)
class Desk:
    id: str
    number: int
    name: str
    service_ids: tuple[str, ...]
    state: DeskState = DeskState.CLOSED
    operator_id: str = ""
    current_ticket_id: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One change of the branch, numbered in the branch's single order."""

    seq: int
    at_ms: int
    day: str
    kind: EventKind
    ticket: Ticket | None = None
    desk: Desk | None = None
    detail: str = ""
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    people_ahead: int
    wait_s: int
    known: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: the ticket and desk as they are now, and the new events."""

    ticket: Ticket | None = None
    desk: Desk | None = None
    events: list[Event] = field(default_factory=list)
    estimate: WaitEstimate | None = None
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A request id already answered, so that a retry gets the same answer."""

    kind: EventKind
    ticket_id: str
    desk_id: str


@dataclass(frozen=True, slots=True)
class ServiceQueue:
    service_id: str
    waiting: int
    longest_wait_s: int
    estimate: WaitEstimate


@dataclass(frozen=True, slots=True)
class Snapshot:
    seq: int
    day: str
    at_ms: int
    tickets: list[Ticket]
    desks: list[Desk]
    queues: list[ServiceQueue]
