"""The hall's live state, as the queue engine's commands read and change it.

The engine (``hub/domain/engine.py``) is this state with its families of commands:
issuing tickets (``issuing.py``), desk work (``deskwork.py``), the day's end and a new
configuration (``rollover.py``), and the events of the other books (``records.py``).
Here is what they share: the tickets, desks and waiting lines, the reads every surface
answers from, and the numbering of events in one gap-free sequence, with the first
answer to a retried request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hub.domain import branch as cfg
from hub.domain.applications import Application
from hub.domain.branch import Branch, BranchIndex
from hub.domain.estimate import ServiceTimes, basis, people_ahead, told
from hub.domain.model import (
    Appointment,
    Desk,
    DeskState,
    Event,
    EventKind,
    JournalEntry,
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
from hub.domain.numbering import branch_day
from hub.domain.payments import Payment
from hub.domain.waiting import WaitingLines
from hub.errors import InvalidRequest, Refused, UnknownDesk, UnknownService, UnknownTicket


class HallState:
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
        self._times = ServiceTimes(default_times(config))
        self._undelivered: list[Event] = []
        for ticket in sorted(tickets, key=lambda t: (t.waiting_since_ms, t.id)):
            self._load_ticket(ticket)
        saved = {d.id: d for d in desks}
        self._desks = {d.id: desk_from_config(d, saved.get(d.id)) for d in config.desks}
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
                f'no desk "{desk_id}" in this branch: the desks are {listing(self._desks)}'
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

    def ticket_waits(self, serial: int, now_ms: int) -> list[tuple[Ticket, WaitEstimate]]:
        """Today's tickets still waiting or called whose number is ``serial`` after its
        prefix, each with its wait: a caller on the phone types only the digits, and
        several services' prefixes may share them."""
        found = sorted(
            (
                t
                for t in self._tickets.values()
                if t.day == self.day
                and t.serial == serial
                and t.state in (TicketState.WAITING, TicketState.CALLED)
            ),
            key=lambda t: (t.issued_at_ms, t.id),
        )
        return [(t, self.ticket_estimate(t.id, now_ms)) for t in found]

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
        entry: JournalEntry | None = None,
        application: Application | None = None,
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
            entry,
            application,
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

    def _service(self, service_id: str) -> cfg.Service:
        service = self._index.services.get(service_id)
        if service is None:
            raise UnknownService(
                f'no service "{service_id}" in this branch: the services are '
                f"{listing(s.id for s in self.config.services)}"
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


def default_times(config: Branch) -> dict[str, float]:
    return {s.id: s.average_service_min * 60 for s in config.services}


def desk_from_config(config: cfg.Desk, saved: Desk | None) -> Desk:
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


def listing(ids: Iterable[str]) -> str:
    """A short quoted list for an error message, so the person sees what is valid."""
    names = sorted(ids)
    if not names:
        return "none"
    more = f" and {len(names) - 12} more" if len(names) > 12 else ""
    return ", ".join(f'"{n}"' for n in names[:12]) + more
