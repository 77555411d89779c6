"""Reading and writing the hub's state; every write is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import Insert, insert

from hub.devices.registry import Admission, CommandRecord, Device, DeviceCommand
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Desk,
    Event,
    EventKind,
    RequestRecord,
    Ticket,
    TicketState,
)
from hub.store import codec, schema
from hub.store.database import Database
from hub.store.sealed import Sealer


@dataclass(frozen=True, slots=True)
class SavedState:
    seq: int
    day: str
    tickets: list[Ticket]
    desks: list[Desk]
    requests: dict[str, RequestRecord]


@dataclass(frozen=True, slots=True)
class SavedAppointments:
    appointments: list[Appointment]
    next_id: int


class Repository:
    def __init__(self, database: Database, seal: Sealer | None = None) -> None:
        """``seal`` puts each booking's code into its events, sealed (hub/store/sealed.py)."""
        self._database = database
        self._seal = seal
        self._engine = database.engine
        # Compiled once to plain SQL: writes run for every batch, and SQLAlchemy's
        # per-row statement handling was the hub's largest cost under load.
        dialect = sqlite.dialect(paramstyle="qmark")
        self._insert_events = str(schema.events.insert().compile(dialect=dialect))
        self._insert_tickets = str(schema.tickets.insert().compile(dialect=dialect))
        self._upsert_tickets = str(_upsert(schema.tickets).compile(dialect=dialect))
        self._upsert_desks = str(_upsert(schema.desks).compile(dialect=dialect))
        self._ticket_columns = [c.name for c in schema.tickets.columns]
        self._desk_columns = [c.name for c in schema.desks.columns]
        self._insert_appointment = str(schema.appointments.insert().compile(dialect=dialect))
        self._upsert_appointment = str(_upsert(schema.appointments).compile(dialect=dialect))
        self._appointment_columns = [c.name for c in schema.appointments.columns]
        self._insert_application = str(schema.applications.insert().compile(dialect=dialect))
        self._upsert_application = str(_upsert(schema.applications).compile(dialect=dialect))
        self._application_columns = [c.name for c in schema.applications.columns]
        self._insert_change = str(schema.application_changes.insert().compile(dialect=dialect))

    def append(self, events: Sequence[Event]) -> None:
        """Write a batch of events and the tickets and desks they leave, all or nothing."""
        tickets = {e.ticket.id: e.ticket for e in events if e.ticket is not None}
        # A new ticket is INSERTed, never upserted, so the database itself refuses a
        # number given twice in a day (tickets_number_once_a_day and the primary key).
        new = {e.ticket.id for e in events if e.ticket and e.kind is EventKind.TICKET_ISSUED}
        desks = {e.desk.id: e.desk for e in events if e.desk is not None}
        rows = [
            (
                e.seq,
                e.at_ms,
                e.kind.value,
                e.day,
                _ticket_id(e),
                _desk_id(e),
                e.request_id,
                codec.event_to_json(e, self._seal),
            )
            for e in events
        ]
        with self._engine.begin() as connection:
            connection.exec_driver_sql(self._insert_events, rows)
            for sql, batch in (
                (self._insert_tickets, [t for t in tickets.values() if t.id in new]),
                (self._upsert_tickets, [t for t in tickets.values() if t.id not in new]),
            ):
                if batch:
                    connection.exec_driver_sql(
                        sql, [_values(codec.ticket_row(t), self._ticket_columns) for t in batch]
                    )
            if desks:
                connection.exec_driver_sql(
                    self._upsert_desks,
                    [_values(codec.desk_row(d), self._desk_columns) for d in desks.values()],
                )
            self._write_appointments(connection, events)
            _write_payments(connection, events)
            self._write_applications(connection, events)

    def _write_appointments(self, connection: Connection, events: Sequence[Event]) -> None:
        """Every version of each booking, in event order, each checked by the database.

        Not only the last version: a seat freed and taken again in one batch must be
        freed first, or the seat index would refuse the second holder. A new booking is
        INSERTed, so that a code or seat given twice is refused, never overwritten.
        """
        for event in events:
            if event.appointment is None:
                continue
            sql = (
                self._insert_appointment
                if event.kind is EventKind.APPOINTMENT_BOOKED
                else self._upsert_appointment
            )
            row = _values(codec.appointment_row(event.appointment), self._appointment_columns)
            connection.exec_driver_sql(sql, row)

    def _write_applications(self, connection: Connection, events: Sequence[Event]) -> None:
        """An application's row with each of its events, in event order; a new one is
        INSERTed, so that a number given twice is refused, and a change id kept, so that
        one is applied once."""
        for event in events:
            if event.application is None:
                continue
            app = event.application
            sql = (
                self._insert_application
                if event.kind is EventKind.APPLICATION_ACCEPTED
                else self._upsert_application
            )
            row = _values(codec.application_row(app), self._application_columns)
            connection.exec_driver_sql(sql, row)
            if app.change_id:
                connection.exec_driver_sql(
                    self._insert_change, (app.change_id, app.number, event.seq)
                )

    @property
    def engine(self) -> Engine:
        """For stores beside the queue's (hub/notify), run on the same database thread."""
        return self._engine

    def close(self) -> None:
        """Close the database file; the hub calls it last when it stops."""
        self._database.close()

    def load(self, today: str) -> SavedState:
        """What the engine needs to go on, on the day of the last event (or ``today``).

        That day's tickets, every ticket still active, the desks, that day's request ids.
        """
        with self._engine.connect() as connection:
            last = connection.execute(
                select(schema.events.c.seq, schema.events.c.day)
                .order_by(schema.events.c.seq.desc())
                .limit(1)
            ).first()
            seq, day = (last.seq, last.day) if last else (0, today)
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
        return SavedState(seq, day, tickets, desks, requests)

    def load_appointments(self, since_ms: int) -> SavedAppointments:
        """Bookings the book keeps in memory: slots from ``since_ms``, and any still booked
        or holding a contact (to be marked or erased); and the id the next one gets."""
        table = schema.appointments
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table).where(
                    (table.c.slot_ms >= since_ms)
                    | (table.c.state == AppointmentState.BOOKED.value)
                    | (table.c.phone != "")
                    | (table.c.email != "")
                    | (table.c.name != "")
                    | (table.c.snils_hash != "")
                )
            ).mappings()
            appointments = [codec.appointment_from_row(r) for r in rows]
            last = connection.execute(select(func.max(table.c.id))).scalar()
        return SavedAppointments(appointments, (last or 0) + 1)

    def appointment_by_code(self, code: str) -> Appointment | None:
        table = schema.appointments
        with self._engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.code == code)).mappings().first()
        return codec.appointment_from_row(row) if row else None

    def codes_taken(self, codes: Sequence[str]) -> set[str]:
        """Which of these codes were ever given to a booking."""
        table = schema.appointments
        with self._engine.connect() as connection:
            return set(
                connection.execute(select(table.c.code).where(table.c.code.in_(codes))).scalars()
            )

    def save_device(self, device: Device) -> None:
        """Keep a device's admission; presence is live and not kept."""
        row = {c.name: getattr(device, c.name) for c in schema.devices.columns}
        row["admission"] = device.admission.value
        with self._engine.begin() as connection:
            connection.execute(_upsert(schema.devices), [row])

    def forget_devices(self, device_ids: list[str]) -> None:
        """Delete requests that were never admitted (expired); admitted ones are kept."""
        with self._engine.begin() as connection:
            connection.execute(
                schema.devices.delete().where(
                    schema.devices.c.id.in_(device_ids),
                    schema.devices.c.admission == Admission.PENDING.value,
                )
            )

    def devices(self) -> list[Device]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(schema.devices)).mappings()
            return [Device(**{**r, "admission": Admission(r["admission"])}) for r in rows]

    def add_command(
        self, command: DeviceCommand, device_id: str, now_ms: int, key: str = ""
    ) -> tuple[int, bool]:
        """Keep a command; with a key, the one already kept under it wins. (id, new?)"""
        table = schema.device_commands
        with self._engine.begin() as connection:
            if key:
                found = connection.execute(
                    select(table.c.id).where(
                        table.c.device_id == device_id, table.c.dedupe_key == key
                    )
                ).scalar()
                if found is not None:
                    return int(found), False
            result = connection.execute(
                table.insert().values(
                    device_id=device_id,
                    kind=command.kind,
                    payload_json=command.payload_json,
                    created_at_ms=now_ms,
                    acked_at_ms=0,
                    outcome="",
                    dedupe_key=key,
                )
            )
            inserted = result.inserted_primary_key
            assert inserted is not None
            return int(inserted[0]), True

    def command(self, command_id: int) -> CommandRecord | None:
        table = schema.device_commands
        with self._engine.connect() as connection:
            row = connection.execute(
                select(table.c.device_id, table.c.kind, table.c.acked_at_ms, table.c.outcome).where(
                    table.c.id == command_id
                )
            ).first()
        if row is None:
            return None
        return CommandRecord(
            command_id, row.device_id, row.kind, bool(row.acked_at_ms), row.outcome
        )

    def open_commands(self, device_id: str) -> list[DeviceCommand]:
        """Commands the device has not acknowledged, oldest first."""
        table = schema.device_commands
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table.c.id, table.c.kind, table.c.payload_json)
                .where(table.c.device_id == device_id, table.c.acked_at_ms == 0)
                .order_by(table.c.id)
            )
            return [DeviceCommand(r.id, r.kind, r.payload_json) for r in rows]

    def ack_command(self, device_id: str, command_id: int, outcome: str, now_ms: int) -> None:
        """Mark a command acknowledged; a repeated or foreign ack changes nothing."""
        table = schema.device_commands
        with self._engine.begin() as connection:
            connection.execute(
                table.update()
                .where(
                    table.c.id == command_id,
                    table.c.device_id == device_id,
                    table.c.acked_at_ms == 0,
                )
                .values(acked_at_ms=now_ms, outcome=outcome[:500])
            )

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


def _upsert(table: Table) -> Insert:
    statement = insert(table)
    key = next(iter(table.primary_key.columns)).name
    return statement.on_conflict_do_update(
        index_elements=[key],
        set_={c.name: statement.excluded[c.name] for c in table.columns if c.name != key},
    )


def _values(row: dict[str, Any], columns: list[str]) -> tuple[Any, ...]:
    return tuple(row[name] for name in columns)


def _ticket_id(event: Event) -> str:
    """The ticket an event is about, so a rating is found by its ticket like the others."""
    if event.ticket is not None:
        return event.ticket.id
    return event.rating.ticket_id if event.rating is not None else ""


def _desk_id(event: Event) -> str:
    if event.desk is not None:
        return event.desk.id
    return event.rating.desk_id if event.rating is not None else ""


def _write_payments(connection: Connection, events: Sequence[Event]) -> None:
    """A settled payment's row, in the transaction of its payment_settled event."""
    table = schema.payments
    for event in events:
        if event.payment is None:
            continue
        payment = event.payment
        connection.execute(
            table.update()
            .where(table.c.id == payment.id)
            .values(
                state=payment.state.value,
                settled_at_ms=payment.settled_at_ms,
                result_code=payment.result_code,
                reason=payment.reason,
                terminal_serial=payment.terminal_serial,
                terminal_trace=payment.terminal_trace,
                terminal_receipt=payment.terminal_receipt,
            )
        )
