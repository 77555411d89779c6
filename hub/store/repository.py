"""Reading and writing the hub's state; every write is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.dialects.sqlite import insert

from hub.domain.engine import RequestRecord
from hub.domain.model import Desk, Event, EventKind, Ticket, TicketState
from hub.store import codec, schema


@dataclass(frozen=True, slots=True)
class SavedState:
    seq: int
    tickets: list[Ticket]
    desks: list[Desk]
    requests: dict[str, RequestRecord]


class Repository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        ticket = insert(schema.tickets)
        self._upsert_ticket = ticket.on_conflict_do_update(
            index_elements=["id"],
            set_={
                c.name: ticket.excluded[c.name] for c in schema.tickets.columns if c.name != "id"
            },
        )
        desk = insert(schema.desks)
        self._upsert_desk = desk.on_conflict_do_update(
            index_elements=["id"],
            set_={c.name: desk.excluded[c.name] for c in schema.desks.columns if c.name != "id"},
        )

    def append(self, events: Sequence[Event]) -> None:
        """Write a batch of events and the tickets and desks they leave, all or nothing."""
        tickets = {e.ticket.id: e.ticket for e in events if e.ticket is not None}
        desks = {e.desk.id: e.desk for e in events if e.desk is not None}
        rows = [
            {
                "seq": e.seq,
                "at_ms": e.at_ms,
                "kind": e.kind.value,
                "day": e.day,
                "ticket_id": e.ticket.id if e.ticket else "",
                "desk_id": e.desk.id if e.desk else "",
                "request_id": e.request_id,
                "payload": codec.event_to_json(e),
            }
            for e in events
        ]
        with self._engine.begin() as connection:
            connection.execute(schema.events.insert(), rows)
            if tickets:
                connection.execute(
                    self._upsert_ticket, [codec.ticket_row(t) for t in tickets.values()]
                )
            if desks:
                connection.execute(self._upsert_desk, [codec.desk_row(d) for d in desks.values()])

    def load(self, day: str) -> SavedState:
        """What the engine needs to go on: today's tickets, every active one, the desks."""
        with self._engine.connect() as connection:
            seq = (
                connection.execute(
                    select(schema.events.c.seq).order_by(schema.events.c.seq.desc()).limit(1)
                ).scalar()
                or 0
            )
            active = [s.value for s in TicketState if s.active]
            rows = connection.execute(
                select(schema.tickets).where(
                    (schema.tickets.c.day == day) | schema.tickets.c.state.in_(active)
                )
            ).mappings()
            tickets = [codec.ticket_from_row(r) for r in rows]
            desks = [
                codec.saved_desk(r) for r in connection.execute(select(schema.desks)).mappings()
            ]
            requests = {
                r.request_id: RequestRecord(EventKind(r.kind), r.ticket_id, r.desk_id)
                for r in connection.execute(
                    select(
                        schema.events.c.request_id,
                        schema.events.c.kind,
                        schema.events.c.ticket_id,
                        schema.events.c.desk_id,
                    ).where(schema.events.c.day == day, schema.events.c.request_id != "")
                )
            }
        return SavedState(seq, tickets, desks, requests)

    def events_after(self, seq: int, limit: int) -> list[Event]:
        """Committed events with a sequence above ``seq``, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(schema.events.c.payload)
                .where(schema.events.c.seq > seq)
                .order_by(schema.events.c.seq)
                .limit(limit)
            ).scalars()
            return [codec.event_from_json(text) for text in rows]

    def ticket(self, ticket_id: str) -> Ticket | None:
        with self._engine.connect() as connection:
            row = (
                connection.execute(select(schema.tickets).where(schema.tickets.c.id == ticket_id))
                .mappings()
                .first()
            )
        return codec.ticket_from_row(row) if row else None
