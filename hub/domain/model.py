"""The queue's values: tickets, desks and the events that change them.

All are frozen: the engine replaces a ticket instead of changing it, so an event can
hold the ticket as it was after that event and nothing later alters it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from hub.domain.applications import Application
from hub.domain.payments import Payment


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
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    APPOINTMENT_CHECKED_IN = "appointment_checked_in"
    APPOINTMENT_NO_SHOW = "appointment_no_show"
    # The visitor's phone, e-mail and name were erased, the days they are kept being over.
    APPOINTMENT_CONTACT_ERASED = "appointment_contact_erased"
    # A visitor rated a finished service 1..5 (docs/ratings.md); carries a Rating only.
    TICKET_RATED = "ticket_rated"
    # A card payment of a state fee ended (approved, declined, cancelled or reversed);
    # carries the Payment, whose fields the state payments system needs.
    PAYMENT_SETTLED = "payment_settled"
    # Who did what to the branch's trust or settings (docs/journal.md); carries a
    # JournalEntry only.
    JOURNAL = "journal"
    # An application taken at a desk, and each later change of its status or planned
    # date (docs/applications.md); carries the Application without its contact and reason.
    APPLICATION_ACCEPTED = "application_accepted"
    APPLICATION_CHANGED = "application_changed"
    # The operator saw the document of a priority claimed at the kiosk, or took it away
    # (the ticket waits again as a regular one, by its issue time); or the hall
    # administrator issued a priority ticket on seeing it. Each carries who did it as a
    # JournalEntry; a removal's reason is its detail.
    PRIORITY_CONFIRMED = "priority_confirmed"
    PRIORITY_REMOVED = "priority_removed"


# Events whose ``detail`` is what a person typed: a transfer's comment, a cancellation's
# or a priority removal's reason. It may name a visitor or give a phone or passport
# number, so it never leaves the hub (the back office counts, it needs no comments) and
# is erased on the hub with the contacts (docs/appointments.md, "Data kept").
TYPED_DETAIL = frozenset(
    {
        EventKind.TICKET_TRANSFERRED,
        EventKind.TICKET_CANCELLED,
        EventKind.APPOINTMENT_CANCELLED,
        EventKind.PRIORITY_REMOVED,
    }
)


class AppointmentState(enum.Enum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def holds_seat(self) -> bool:
        """Whether the booking occupies its seat: all but a cancelled one do."""
        return self is not AppointmentState.CANCELLED


class Channel(enum.Enum):
    """Where a booking was made."""

    KIOSK = "kiosk"
    CALL_CENTRE = "call_centre"
    ONLINE = "online"


class RatingChannel(enum.Enum):
    """Where a visitor rated the service."""

    KIOSK = "kiosk"
    DESK = "desk"
    SMS = "sms"


@dataclass(frozen=True, slots=True)
class Rating:
    """A visitor's score of one finished service, with who and where served them."""

    ticket_id: str
    service_id: str
    desk_id: str
    operator_id: str
    score: int
    channel: RatingChannel


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """Who did what to which, and how it ended: ids and codes only (docs/journal.md).

    ``actor`` is ``staff:<operator id>``, ``device:<device id>``, ``local`` (the hub's
    machine), ``visitor`` or ``anonymous``; ``door`` is where the call came in.
    """

    action: str
    actor: str
    subject: str
    outcome: str
    door: str = ""


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
    # The name of a visitor identified by card, for the operator's screen only: kept in
    # the tickets table, never in the event log nor on the hall feed (boards are public).
    visitor_name: str = ""
    # The approved payment of the service's fee the ticket was taken with; 0: none.
    payment_id: int = 0
    # The visitor claimed ``priority`` at the kiosk and no operator has seen the document
    # yet; the category counts meanwhile (the visitor is not kept waiting for a check).
    priority_claimed: bool = False

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
class Appointment:
    """A booked visit: one seat of one slot of one service, found by its code.

    ``slot_ms`` is the slot's start (UTC); ``seat`` numbers the visitors of a slot from
    0 below its capacity. Phone, e-mail and name are optional and erased some days after
    the slot; the code stays, so that it is never given again.
    """

    id: int
    code: str
    service_id: str
    slot_ms: int
    seat: int
    state: AppointmentState
    channel: Channel
    booked_at_ms: int
    changed_at_ms: int
    request_id: str = ""
    phone: str = ""
    email: str = ""
    name: str = ""
    # The SNILS as the branch's keyed hash (never the SNILS), for check-in by card; erased
    # with the contacts.
    snils_hash: str = ""
    ticket_id: str = ""
    # Whether the contact gets the booking's messages (its code, a move, the reminder): a
    # caller booking by phone may say no, and the number then only counts for the limits.
    messages: bool = True
    # The device (kiosk) that checked the visitor in, when known.
    checked_in_by: str = ""
    check_in_request_id: str = ""

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email or self.name or self.snils_hash)


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
    appointment: Appointment | None = None
    rating: Rating | None = None
    payment: Payment | None = None
    entry: JournalEntry | None = None
    application: Application | None = None


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """What a visitor is told; ``wait_s`` is whole minutes, meaningful only when known."""

    people_ahead: int
    wait_s: int
    known: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class WaitBasis:
    """What the hall gives one service now: the ground of every wait told for it.

    ``capacity`` is how many desks' worth of time goes to the service, ``free`` how many
    open desks serving it have nobody at them, ``average_s`` the recent time a desk
    spends on one of its visitors.
    """

    capacity: float
    free: int
    average_s: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: the ticket and desk as they are now, and the new events."""

    ticket: Ticket | None = None
    desk: Desk | None = None
    events: list[Event] = field(default_factory=list)
    estimate: WaitEstimate | None = None
    replayed: bool = False
    appointment: Appointment | None = None


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
    basis: WaitBasis


@dataclass(frozen=True, slots=True)
class Snapshot:
    seq: int
    day: str
    at_ms: int
    tickets: list[Ticket]
    desks: list[Desk]
    queues: list[ServiceQueue]
