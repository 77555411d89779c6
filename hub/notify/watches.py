"""Tickets' watches in the hub's database: whom a ticket's messages go to, until when.

A watch is asked for on the ticket's page (a phone or e-mail given), or made for the
ticket of a checked-in booking (``outbox.enqueue``: the booking's contact is used, never
copied). A link sent from the service catalogue keeps its phone here too, under an id of
its own ("link:<random>", never a ticket's), so that it is erased with the watches'
contacts (Notifier.send_link). Like the outbox, every function runs one transaction on
the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects.sqlite import insert

from hub.store import schema

WATCHES = schema.notify_watches


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    ticket_id: str
    phone: str
    email: str
    appointment_id: int
    stopped: bool


def find_watch(connection: Connection, ticket_id: str) -> Watch | None:
    row = connection.execute(select(WATCHES).where(WATCHES.c.ticket_id == ticket_id)).first()
    return _watch_of(row) if row is not None else None


def find_watch_by_id(connection: Connection, watch_id: int) -> Watch | None:
    row = connection.execute(select(WATCHES).where(WATCHES.c.id == watch_id)).first()
    return _watch_of(row) if row is not None else None


def _watch_of(row: Any) -> Watch:
    return Watch(row.id, row.ticket_id, row.phone, row.email, row.appointment_id, bool(row.stopped))


def add_watch(
    engine: Engine,
    ticket_id: str,
    *,
    phone: str,
    email: str,
    lang: str,
    now_ms: int,
    erase_at_ms: int,
) -> tuple[Watch, bool]:
    """Ask for a ticket's messages; the first contact given for a ticket keeps it. (watch, new?)"""
    with engine.begin() as connection:
        result = connection.execute(
            insert(WATCHES)
            .values(
                ticket_id=ticket_id,
                appointment_id=0,
                phone=phone,
                email=email,
                lang=lang,
                created_at_ms=now_ms,
                erase_at_ms=erase_at_ms,
                stopped=0,
            )
            .on_conflict_do_nothing(index_elements=["ticket_id"])
        )
        watch = find_watch(connection, ticket_id)
    assert watch is not None
    return watch, bool(result.rowcount)


def watch(engine: Engine, ticket_id: str) -> Watch | None:
    with engine.connect() as connection:
        return find_watch(connection, ticket_id)


def watch_by_id(engine: Engine, watch_id: int) -> Watch | None:
    with engine.connect() as connection:
        return find_watch_by_id(connection, watch_id)


def watched(engine: Engine, day: str) -> set[str]:
    """Tickets of a day with a live watch (not stopped)."""
    with engine.connect() as connection:
        return set(
            connection.execute(
                select(WATCHES.c.ticket_id).where(
                    WATCHES.c.ticket_id.startswith(f"{day}/"), WATCHES.c.stopped == 0
                )
            ).scalars()
        )


def erase_watches(engine: Engine, now_ms: int) -> int:
    """Erase the contacts of watches whose time is over; returns how many."""
    with engine.begin() as connection:
        result = connection.execute(
            update(WATCHES)
            .where(
                WATCHES.c.erase_at_ms <= now_ms, (WATCHES.c.phone != "") | (WATCHES.c.email != "")
            )
            .values(phone="", email="")
        )
    return int(result.rowcount)
