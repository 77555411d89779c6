"""The hall board's state, built from the hub's hall feed and nothing else. Pure, no I/O.

Every board shows the same thing for the same feed: the calls are the tickets now at a
desk (called or being served), newest call first, so a board that resynced from a
snapshot lists exactly what a board that saw every event lists. A ticket that leaves its
desk (finished, no-show, transferred, cancelled) leaves the board. What a board adds on
its own is the highlight of a fresh call, timed by the display's clock (``now_ms``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2

log = logging.getLogger(__name__)

RECENT_CALLS = 8
BLINK_S = 8.0
_ACTIVE = frozenset(
    {
        common_pb2.TICKET_STATE_WAITING,
        common_pb2.TICKET_STATE_CALLED,
        common_pb2.TICKET_STATE_SERVING,
    }
)
_AT_DESK = frozenset({common_pb2.TICKET_STATE_CALLED, common_pb2.TICKET_STATE_SERVING})
CALLS = frozenset({feed_pb2.EVENT_KIND_TICKET_CALLED, feed_pb2.EVENT_KIND_TICKET_RECALLED})


class Link(StrEnum):
    """The board's link to the hub, as the feed client last found it."""

    CONNECTING = "connecting"
    LIVE = "live"
    LOST = "lost"
    RESYNCING = "resyncing"


@dataclass(frozen=True, slots=True)
class Connection:
    state: Link
    since_ms: int


@dataclass(frozen=True, slots=True)
class Call:
    """A ticket at a desk: what the hall reads as "ticket -> desk"."""

    ticket_id: str
    number: str
    desk_id: str
    desk: int
    called_at_ms: int
    recalls: int

    @property
    def recall(self) -> bool:
        return self.recalls > 0


@dataclass(frozen=True, slots=True)
class Waiting:
    """How many wait for one service, and the longest wait so far."""

    service_id: str
    prefix: str
    name_ru: str
    name_en: str
    count: int
    longest_s: int


@dataclass(frozen=True, slots=True)
class DeskStatus:
    """One desk as its own display shows it: open, closed or on a break, and its ticket."""

    desk_id: str
    number: int
    state: common_pb2.DeskState.ValueType
    ticket: str

    @property
    def closed(self) -> bool:
        return self.state in (common_pb2.DESK_STATE_CLOSED, common_pb2.DESK_STATE_UNSPECIFIED)

    @property
    def paused(self) -> bool:
        return self.state == common_pb2.DESK_STATE_PAUSED


class Board:
    """Tickets in the hall, desks and calls as of the last sequence applied."""

    def __init__(
        self, services: Sequence[admin_pb2.ServiceInfo] = (), *, blink_s: float = BLINK_S
    ) -> None:
        self.services = list(services)
        self.blink_ms = int(blink_s * 1000)
        self.seq = 0
        self.day = ""
        self.connection = Connection(Link.CONNECTING, 0)
        self._tickets: dict[str, common_pb2.Ticket] = {}
        self._desks: dict[str, common_pb2.Desk] = {}
        # Sort keys of tickets at desks: (called_at, sequence of the call; 0 from a snapshot).
        self._called: dict[str, tuple[int, int, str]] = {}
        # Display clock (ms) at which each fresh call was seen; drives the highlight.
        self._fresh: dict[str, int] = {}
        self.calls: list[Call] = []

    def apply(self, message: feed_pb2.FeedMessage, now_ms: int) -> bool:
        """Apply one feed message; False for an event already applied (not applied again)."""
        if message.WhichOneof("body") == "snapshot":
            self._restart(message.snapshot)
            return True
        event = message.event
        if event.sequence <= self.seq:
            log.info("feed event applied before seq=%d board_seq=%d", event.sequence, self.seq)
            return False
        if event.sequence != self.seq + 1:
            log.warning("feed gap expected_seq=%d got_seq=%d", self.seq + 1, event.sequence)
        self.seq = event.sequence
        if event.HasField("desk"):
            self._desks[event.desk.id] = event.desk
        if event.HasField("ticket"):
            ticket = event.ticket
            self._track(ticket)
            if event.kind in CALLS:
                self._called[ticket.id] = (ticket.called_at_unix_ms, event.sequence, ticket.id)
                self._fresh[ticket.id] = now_ms
        self._list_calls()
        return True

    def set_services(self, services: Iterable[admin_pb2.ServiceInfo]) -> None:
        self.services = list(services)

    def set_connection(self, state: Link, now_ms: int) -> None:
        """Note the link's state; the time it began is kept while it stays the same."""
        if state != self.connection.state:
            self.connection = Connection(state, now_ms)

    def highlighted(self, call: Call, now_ms: int) -> bool:
        """Whether ``call`` was made (or recalled) less than the blink time ago."""
        seen = self._fresh.get(call.ticket_id)
        return seen is not None and 0 <= now_ms - seen < self.blink_ms

    def highlight_age_ms(self, call: Call, now_ms: int) -> int | None:
        """How long ago the call was seen, while it is highlighted; else None."""
        if not self.highlighted(call, now_ms):
            return None
        return now_ms - self._fresh[call.ticket_id]

    def newest_highlighted(self, now_ms: int) -> Call | None:
        return next((c for c in self.calls if self.highlighted(c, now_ms)), None)

    @property
    def in_hall(self) -> int:
        """Tickets waiting, called or being served."""
        return len(self._tickets)

    def ticket(self, ticket_id: str) -> common_pb2.Ticket | None:
        return self._tickets.get(ticket_id)

    def waiting(self, service_id: str, now_ms: int) -> tuple[int, int]:
        """How many wait for the service and the longest wait so far, in seconds."""
        since = [
            t.waiting_since_unix_ms
            for t in self._tickets.values()
            if t.service_id == service_id and t.state == common_pb2.TICKET_STATE_WAITING
        ]
        return len(since), max(0, (now_ms - min(since)) // 1000) if since else 0

    def queues(self, now_ms: int) -> list[Waiting]:
        """Every known service in configuration order, then any the feed names that is not."""
        known = {s.id for s in self.services}
        # A service the board has no name for (its port serves none) shows its id and the
        # letters its tickets start with.
        extra = {
            t.service_id: t.number.rstrip("0123456789")
            for t in self._tickets.values()
            if t.service_id not in known
        }
        infos = [
            *self.services,
            *(admin_pb2.ServiceInfo(id=s, prefix=extra[s]) for s in sorted(extra)),
        ]
        return [
            Waiting(s.id, s.prefix, s.name_ru or s.id, s.name_en or s.name_ru or s.id, *counted)
            for s in infos
            for counted in [self.waiting(s.id, now_ms)]
        ]

    def desks(self, state: common_pb2.DeskState.ValueType) -> list[int]:
        return sorted(d.number for d in self._desks.values() if d.state == state)

    def desk(self, key: str | int) -> DeskStatus | None:
        """A desk by number (5, "5") or id ("desk-05"); None when the hub has no such desk."""
        found = self._desks.get(str(key)) or next(
            (d for d in self._desks.values() if str(d.number) == str(key)), None
        )
        if found is None:
            return None
        current = self._tickets.get(found.current_ticket_id)
        shown = current.number if current is not None and current.state in _AT_DESK else ""
        return DeskStatus(found.id, found.number, found.state, shown)

    def _restart(self, snapshot: common_pb2.QueueState) -> None:
        """Take the hub's state as it is; highlights of calls no longer at a desk go."""
        self.seq = snapshot.sequence
        self.day = snapshot.day or self.day
        self._tickets = {t.id: t for t in snapshot.tickets if t.state in _ACTIVE}
        self._desks = {d.id: d for d in snapshot.desks}
        self._called = {
            t.id: (t.called_at_unix_ms, 0, t.id)
            for t in self._tickets.values()
            if t.state in _AT_DESK
        }
        self._list_calls()

    def _track(self, ticket: common_pb2.Ticket) -> None:
        if ticket.state in _ACTIVE:
            self._tickets[ticket.id] = ticket
        else:
            self._tickets.pop(ticket.id, None)
        if ticket.state not in _AT_DESK:
            self._called.pop(ticket.id, None)
            self._fresh.pop(ticket.id, None)

    def _list_calls(self) -> None:
        self._fresh = {k: v for k, v in self._fresh.items() if k in self._called}
        calls = []
        for ticket_id, _ in sorted(self._called.items(), key=lambda item: item[1], reverse=True):
            ticket = self._tickets.get(ticket_id)
            if ticket is None:
                continue
            desk = self._desks.get(ticket.desk_id)
            number = desk.number if desk is not None else 0
            calls.append(
                Call(
                    ticket.id,
                    ticket.number,
                    ticket.desk_id,
                    number,
                    ticket.called_at_unix_ms,
                    ticket.recalls,
                )
            )
        self.calls = calls
