"""Where staff sign-in keeps what must last: PIN hashes, and the day's events it counts.

Each function runs on the hub's database thread (``Hub.read_store``), beside the queue's
writes, with the hub's one connection.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from hub.domain.model import Event
from hub.staff.figures import KINDS
from hub.store import codec, schema
from hub.store.repository import Repository

_CREDENTIALS = schema.staff_credentials


def pin_of(repository: Repository, operator_id: str) -> str | None:
    """The stored PIN hash of an operator, or None when no PIN was set."""
    with repository.engine.connect() as connection:
        return connection.execute(
            select(_CREDENTIALS.c.pin_hash).where(_CREDENTIALS.c.operator_id == operator_id)
        ).scalar()


def save_pin(repository: Repository, operator_id: str, pin_hash: str, at_ms: int, by: str) -> None:
    statement = insert(_CREDENTIALS).values(
        operator_id=operator_id, pin_hash=pin_hash, set_at_ms=at_ms, set_by=by
    )
    statement = statement.on_conflict_do_update(
        index_elements=["operator_id"],
        set_={"pin_hash": pin_hash, "set_at_ms": at_ms, "set_by": by},
    )
    with repository.engine.begin() as connection:
        connection.execute(statement)


def with_pins(repository: Repository) -> set[str]:
    """Ids of the operators who have a PIN."""
    with repository.engine.connect() as connection:
        return set(connection.execute(select(_CREDENTIALS.c.operator_id)).scalars())


def day_events(repository: Repository, day: str, after_seq: int) -> list[Event]:
    """The day's events that figures count, after ``after_seq``, oldest first."""
    events = schema.events
    with repository.engine.connect() as connection:
        rows = connection.execute(
            select(events.c.payload)
            .where(
                events.c.day == day,
                events.c.seq > after_seq,
                events.c.kind.in_([k.value for k in KINDS]),
            )
            .order_by(events.c.seq)
        ).scalars()
        return [codec.event_from_json(text) for text in rows]
