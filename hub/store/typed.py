"""What people typed into the hub's records, and the names read from cards: kept on the
hub only, and only for the days contacts are kept.

A transfer's comment or a cancellation's reason (``TYPED_DETAIL``) may read "Иванов И.И.
+79161234567 паспорт 4510 123456", and no rule tells such text from a harmless one: so
the back office never gets it, and the hub erases it with the contacts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, update

from hub.domain.model import TYPED_DETAIL
from hub.store import schema

_KINDS = sorted(kind.value for kind in TYPED_DETAIL)
_DETAIL = "$.detail"


def outgoing_payload() -> ColumnElement[Any]:
    """The events' payload as it may leave the hub: a typed detail left empty.

    Every other payload goes as stored, byte for byte, and a typed one as the hub keeps
    it once erased (SQLite writes JSON as the codec does): an event resent after an
    erasure matches what the back office holds.
    """
    return case(
        (_typed(), func.json_set(schema.events.c.payload, _DETAIL, "")),
        else_=schema.events.c.payload,
    )


def _typed() -> ColumnElement[bool]:
    """Whether an event's detail holds typed text."""
    events = schema.events
    return and_(events.c.kind.in_(_KINDS), func.json_extract(events.c.payload, _DETAIL) != "")


def erase_typed(engine: Engine, from_day: str, before_day: str) -> int:
    """Empty typed details and card names of the days from ``from_day`` to before
    ``before_day`` (branch dates); how many rows held some."""
    events, tickets = schema.events, schema.tickets
    with engine.begin() as connection:
        details = connection.execute(
            update(events)
            .where(
                events.c.day >= from_day,
                events.c.day < before_day,
                _typed(),
            )
            .values(payload=func.json_set(events.c.payload, _DETAIL, ""))
        )
        names = connection.execute(
            update(tickets)
            .where(
                tickets.c.day >= from_day,
                tickets.c.day < before_day,
                tickets.c.visitor_name != "",
            )
            .values(visitor_name="")
        )
    return details.rowcount + names.rowcount
