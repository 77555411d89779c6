"""The outbox and opt-outs in the hub's database: synchronous, on its one thread.

Every function takes the hub's SQLAlchemy engine and runs one transaction; the notifier
calls them through ``Hub.read_store``, so they queue behind the queue's own commits on
the same database thread and never contend with them for the write lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects.sqlite import insert

from hub.domain.model import AppointmentState
from hub.notify import applicants
from hub.notify.messages import Kind
from hub.notify.planner import Planned, WatchFromBooking
from hub.notify.watches import WATCHES, find_watch, find_watch_by_id
from hub.store import schema

OUTBOX = schema.notify_outbox
CHANNELS = ("sms", "email")
# The states a message ends in; pending and sending are the open ones.
SENT, DROPPED, STOPPED, EXPIRED, FAILED = "sent", "dropped", "stopped", "expired", "failed"
PENDING, SENDING = "pending", "sending"


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    key: str
    kind: Kind
    channel: str
    appointment_id: int
    watch_id: int
    application: str
    lang: str
    params: dict[str, Any]
    due_at_ms: int
    expires_at_ms: int
    state: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Contact:
    """Where a message goes and what it may say, read when it is sent."""

    phone: str
    email: str
    code: str = ""
    # An application's reason (what is needed, why refused): read at send time only.
    reason: str = ""
    # Why nothing can be sent, when so ("the booking was cancelled").
    obsolete: str = ""
    # The visitor stopped this ticket's messages (its watch).
    stopped: bool = False
    # Addresses that said "stop" (any booking or ticket of theirs).
    opted_out: frozenset[str] = frozenset()

    def stops(self, address: str) -> bool:
        return self.stopped or address in self.opted_out


def address_key(key: bytes, address: str) -> str:
    """A keyed hash of a phone or e-mail: recognises it again, cannot be read back."""
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def cursor(engine: Engine) -> int | None:
    table = schema.notify_cursor
    with engine.connect() as connection:
        found = connection.execute(select(table.c.seq).where(table.c.name == "events")).scalar()
    return None if found is None else int(found)


def enqueue(
    engine: Engine,
    messages: list[Planned],
    watches: list[WatchFromBooking],
    now_ms: int,
    erase_after_ms: int,
    *,
    seq: int | None = None,
) -> tuple[int, list[str]]:
    """Queue each planned message once per channel its contact has; move the cursor.

    Returns how many rows are new, and the tickets now watched for a checked-in booking
    (one with a contact). A key queued before is left alone (INSERT OR IGNORE).
    """
    new = 0
    watching: list[str] = []
    with engine.begin() as connection:
        for watch in watches:
            phone, email = _booking_contact(connection, watch.appointment_id)
            if not (phone or email):
                continue
            watching.append(watch.ticket_id)
            connection.execute(
                insert(WATCHES)
                .values(
                    ticket_id=watch.ticket_id,
                    appointment_id=watch.appointment_id,
                    phone="",
                    email="",
                    lang="ru",
                    created_at_ms=now_ms,
                    erase_at_ms=now_ms + erase_after_ms,
                    stopped=0,
                )
                .on_conflict_do_nothing(index_elements=["ticket_id"])
            )
        for message in messages:
            appointment_id, watch_id, lang, channels = _recipient(connection, message)
            for channel in channels:
                result = connection.execute(
                    insert(OUTBOX)
                    .values(
                        dedupe_key=f"{message.key}/{channel}",
                        kind=message.kind.value,
                        channel=channel,
                        appointment_id=appointment_id,
                        watch_id=watch_id,
                        application_number=message.application,
                        lang=lang,
                        params=json.dumps(message.params, ensure_ascii=False),
                        created_at_ms=now_ms,
                        due_at_ms=message.due_ms,
                        expires_at_ms=message.expires_ms,
                        state=PENDING,
                        attempts=0,
                        next_try_ms=message.due_ms,
                        sent_at_ms=0,
                        provider_id="",
                        outcome="",
                    )
                    .on_conflict_do_nothing(index_elements=["dedupe_key"])
                )
                new += result.rowcount
        if seq is not None:
            _move_cursor(connection, seq)
    return new, watching


def move_cursor(engine: Engine, seq: int) -> None:
    with engine.begin() as connection:
        _move_cursor(connection, seq)


def _move_cursor(connection: Connection, seq: int) -> None:
    table = schema.notify_cursor
    statement = insert(table).values(name="events", seq=seq)
    connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"seq": seq}))


def _recipient(connection: Connection, message: Planned) -> tuple[int, int, str, list[str]]:
    """(appointment id, watch id, language, channels) of a planned message's recipient."""
    if message.application:
        return 0, 0, "ru", applicants.channels(connection, message.application, message.kind)
    if message.appointment_id:
        row = connection.execute(
            select(schema.appointments.c.phone, schema.appointments.c.email).where(
                schema.appointments.c.id == message.appointment_id
            )
        ).first()
        if row is None:
            return message.appointment_id, 0, "ru", []
        return message.appointment_id, 0, "ru", _channels(row.phone, row.email)
    watch = find_watch(connection, message.ticket_id)
    if watch is None or watch.stopped:
        return 0, 0, "ru", []
    if watch.appointment_id:
        _, _, _, channels = _recipient(
            connection,
            Planned(message.key, message.kind, 0, 0, appointment_id=watch.appointment_id),
        )
        return 0, watch.id, "ru", channels
    lang = connection.execute(select(WATCHES.c.lang).where(WATCHES.c.id == watch.id)).scalar()
    return 0, watch.id, str(lang or "ru"), _channels(watch.phone, watch.email)


def _channels(phone: str, email: str) -> list[str]:
    return [c for c, address in zip(CHANNELS, (phone, email), strict=True) if address]


def due(
    engine: Engine, channel: str, now_ms: int, limit: int, key: bytes
) -> list[tuple[Row, Contact]]:
    """Open messages of a channel whose time to (re)try has come, oldest first, each with
    the address and code it needs now (or why it cannot be sent any more).

    One read for both: in a burst the database thread is what every step waits on.
    """
    with engine.connect() as connection:
        rows = _due(connection, channel, now_ms, limit)
        return [(row, _contact(connection, row, key)) for row in rows]


def _due(connection: Connection, channel: str, now_ms: int, limit: int) -> list[Row]:
    found = connection.execute(
        select(OUTBOX)
        .where(
            OUTBOX.c.state.in_((PENDING, SENDING)),
            OUTBOX.c.channel == channel,
            OUTBOX.c.next_try_ms <= now_ms,
        )
        .order_by(OUTBOX.c.id)
        .limit(limit)
    ).all()
    return [
        Row(
            r.id,
            r.dedupe_key,
            Kind(r.kind),
            r.channel,
            r.appointment_id,
            r.watch_id,
            r.application_number,
            r.lang,
            json.loads(r.params),
            r.due_at_ms,
            r.expires_at_ms,
            r.state,
            r.attempts,
        )
        for r in found
    ]


def next_try_ms(engine: Engine) -> int | None:
    """When the next open message is due, for the sender to sleep until then."""
    with engine.connect() as connection:
        found = connection.execute(
            select(func.min(OUTBOX.c.next_try_ms)).where(OUTBOX.c.state.in_((PENDING, SENDING)))
        ).scalar()
    return None if found is None else int(found)


def _contact(connection: Connection, row: Row, key: bytes) -> Contact:
    table = schema.appointments
    if row.application:
        found = applicants.applicant(connection, row.application, row.kind)
        return _checked(
            connection,
            Contact(found.phone, found.email, reason=found.reason, obsolete=found.obsolete),
            key,
        )
    appointment_id = row.appointment_id
    stopped = False
    if row.watch_id:
        watch = find_watch_by_id(connection, row.watch_id)
        if watch is None:
            return Contact("", "", obsolete="the watch is gone")
        stopped = watch.stopped
        if not watch.appointment_id:
            return _checked(connection, Contact(watch.phone, watch.email, stopped=stopped), key)
        appointment_id = watch.appointment_id
    booking = connection.execute(select(table).where(table.c.id == appointment_id)).first()
    if booking is None:
        return Contact("", "", obsolete="the booking is gone")
    obsolete = ""
    if row.kind in (Kind.BOOKED, Kind.MOVED, Kind.REMINDER):
        if booking.state != AppointmentState.BOOKED.value:
            obsolete = f"the booking is {booking.state}"
        elif booking.slot_ms != row.params.get("slot_ms"):
            obsolete = "the booking was moved"
    found_contact = Contact(
        booking.phone, booking.email, booking.code, obsolete=obsolete, stopped=stopped
    )
    return _checked(connection, found_contact, key)


def _checked(connection: Connection, found: Contact, key: bytes) -> Contact:
    """Note which of the contact's addresses opted out (each channel is judged alone)."""
    addresses = {address_key(key, a): a for a in (found.phone, found.email) if a}
    if not addresses:
        return found
    hits = connection.execute(
        select(schema.notify_optouts.c.address_key).where(
            schema.notify_optouts.c.address_key.in_(list(addresses))
        )
    ).scalars()
    opted_out = frozenset(addresses[hit] for hit in hits)
    return replace(found, opted_out=opted_out) if opted_out else found


@dataclass(frozen=True, slots=True)
class Ending:
    """What became of a message: sent, ended (dropped, stopped...) or to be retried."""

    id: int
    state: str
    outcome: str = ""
    provider_id: str = ""
    next_try_ms: int = 0
    # The attempts made, when this ending was an attempt (0: left as recorded).
    attempts: int = 0


def settle(engine: Engine, endings: list[Ending], claims: Sequence[int], now_ms: int) -> None:
    """Record ``endings``, and claim ``claims`` before they go out (``sending``, one attempt
    more), in one transaction."""
    with engine.begin() as connection:
        for ending in endings:
            values: dict[str, Any] = {"state": ending.state, "outcome": ending.outcome[:200]}
            if ending.state == SENT:
                values |= {"sent_at_ms": now_ms, "provider_id": ending.provider_id[:80]}
            if ending.state == PENDING:
                values["next_try_ms"] = ending.next_try_ms
            if ending.attempts:
                values["attempts"] = ending.attempts
            connection.execute(update(OUTBOX).where(OUTBOX.c.id == ending.id).values(**values))
        if claims:
            connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(claims))
                .values(state=SENDING, attempts=OUTBOX.c.attempts + 1)
            )


def opt_out(engine: Engine, keys: list[str], now_ms: int, *, watch_id: int = 0) -> None:
    """Stop messages to these addresses (keyed hashes), and to the watch if named."""
    with engine.begin() as connection:
        for found in keys:
            connection.execute(
                insert(schema.notify_optouts)
                .values(address_key=found, at_ms=now_ms)
                .on_conflict_do_nothing(index_elements=["address_key"])
            )
        if watch_id:
            connection.execute(update(WATCHES).where(WATCHES.c.id == watch_id).values(stopped=1))


def booking_contact(engine: Engine, appointment_id: int) -> tuple[str, str]:
    with engine.connect() as connection:
        return _booking_contact(connection, appointment_id)


def _booking_contact(connection: Connection, appointment_id: int) -> tuple[str, str]:
    table = schema.appointments
    row = connection.execute(
        select(table.c.phone, table.c.email).where(table.c.id == appointment_id)
    ).first()
    return (row.phone, row.email) if row is not None else ("", "")


def states(engine: Engine) -> dict[str, int]:
    """How many messages are in each state: for tests, logs and the operator page."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)
        ).all()
    return {state: int(count) for state, count in rows}
