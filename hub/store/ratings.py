"""What the event log knows of a ticket's rating: who served it, and whether it was rated.

Run through ``Hub.read_store`` on the hub's database thread. A rating comes at most a day
after the service, and a service ends on its ticket's day, so only the ticket's day and
the next are read (through the log's day index), never the whole log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from hub.domain.model import EventKind
from hub.domain.rating import Served
from hub.errors import UnknownTicket
from hub.store import codec, schema
from hub.store.repository import Repository

_EVENTS = schema.events
_KINDS = (EventKind.SERVICE_FINISHED.value, EventKind.TICKET_RATED.value)


@dataclass(frozen=True, slots=True)
class Facts:
    served: Served | None
    rated: bool


def ticket_day(ticket_id: str) -> date:
    """The day in a ticket id ("2026-11-23/А001"); UnknownTicket for anything else."""
    day, _, number = ticket_id.partition("/")
    try:
        found = date.fromisoformat(day)
    except ValueError:
        found = None
    if found is None or not number:
        raise UnknownTicket(f'no ticket "{ticket_id}": ticket ids look like "2026-11-23/А001"')
    return found


def facts(repository: Repository, ticket_id: str) -> Facts:
    day = ticket_day(ticket_id)
    days = [day.isoformat(), (day + timedelta(days=1)).isoformat()]
    query = (
        select(_EVENTS.c.kind, _EVENTS.c.payload)
        .where(_EVENTS.c.day.in_(days), _EVENTS.c.ticket_id == ticket_id)
        .where(_EVENTS.c.kind.in_(_KINDS))
        .order_by(_EVENTS.c.seq)
    )
    with repository.engine.connect() as connection:
        rows = connection.execute(query).all()
    served = None
    rated = False
    for kind, payload in rows:
        if kind == EventKind.TICKET_RATED.value:
            rated = True
            continue
        event = codec.event_from_json(payload)
        if event.ticket is not None and event.desk is not None:
            served = Served(
                ticket_id=event.ticket.id,
                number=event.ticket.number,
                service_id=event.ticket.service_id,
                desk_id=event.desk.id,
                operator_id=event.desk.operator_id,
                finished_at_ms=event.at_ms,
            )
    return Facts(served, rated)
