"""Rows and JSON for the domain's values, in one place for the store and the outbox."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from hub.domain.applications import Application, ApplicationStatus, Contact
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Channel,
    Desk,
    DeskState,
    Event,
    EventKind,
    JournalEntry,
    Rating,
    RatingChannel,
    Ticket,
    TicketState,
)
from hub.domain.payments import Payment, PaymentState
from hub.store.sealed import Sealer

_TICKET_FIELDS = tuple(f.name for f in fields(Ticket))
_DESK_FIELDS = tuple(f.name for f in fields(Desk))
_APPOINTMENT_FIELDS = tuple(f.name for f in fields(Appointment))
# What the event log (and the back office, and notifications following it) may read of a
# booking: not its code, which admits to the booking, nor the visitor's contact, which is
# erased from the appointments table after some days and must not outlive it in the log.
_PRIVATE = frozenset(
    {"code", "phone", "email", "name", "snils_hash", "request_id", "check_in_request_id"}
)
# What the event log leaves out of a ticket: the name of a visitor identified by card is
# for the operator's screen, read from the tickets table; the log (and the feed replayed
# from it, and the back office) never holds it.
_PRIVATE_TICKET = frozenset({"visitor_name"})


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies, and this runs for every ticket written.
    row = {name: getattr(ticket, name) for name in _TICKET_FIELDS}
    row["state"] = ticket.state.value
    return row


def _ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {k: v for k, v in ticket_row(ticket).items() if k not in _PRIVATE_TICKET}


def ticket_from_row(row: Mapping[Any, Any]) -> Ticket:
    values = dict(row)
    values["state"] = TicketState(values["state"])
    return Ticket(**values)


def desk_row(desk: Desk) -> dict[str, Any]:
    return {
        "id": desk.id,
        "state": desk.state.value,
        "operator_id": desk.operator_id,
        "current_ticket_id": desk.current_ticket_id,
    }


def saved_desk(row: Mapping[Any, Any]) -> Desk:
    """A desk as saved: its live state only; number, name and services come from config."""
    return Desk(
        id=row["id"],
        number=0,
        name="",
        service_ids=(),
        state=DeskState(row["state"]),
        operator_id=row["operator_id"],
        current_ticket_id=row["current_ticket_id"],
    )


def event_to_json(event: Event, seal: Sealer | None = None) -> str:
    """The event as the log keeps it; ``seal`` adds a booking's code sealed for the
    hub's own restore (hub/store/sealed.py)."""
    booking = None
    if event.appointment:
        booking = _appointment_json(event.appointment)
        if seal is not None and event.appointment.code:
            booking["sealed_code"] = seal(event.appointment)
    return json.dumps(
        {
            "seq": event.seq,
            "at_ms": event.at_ms,
            "day": event.day,
            "kind": event.kind.value,
            "ticket": _ticket_json(event.ticket) if event.ticket else None,
            "desk": _desk_json(event.desk) if event.desk else None,
            "detail": event.detail,
            "request_id": event.request_id,
            "appointment": booking,
            "rating": rating_json(event.rating) if event.rating else None,
            "payment": payment_json(event.payment) if event.payment else None,
            "entry": entry_json(event.entry) if event.entry else None,
            "application": application_json(event.application) if event.application else None,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def event_from_json(text: str) -> Event:
    data = json.loads(text)
    desk = data["desk"]
    return Event(
        seq=data["seq"],
        at_ms=data["at_ms"],
        day=data["day"],
        kind=EventKind(data["kind"]),
        ticket=ticket_from_row(data["ticket"]) if data["ticket"] else None,
        desk=Desk(
            **{**desk, "state": DeskState(desk["state"]), "service_ids": tuple(desk["service_ids"])}
        )
        if desk
        else None,
        detail=data["detail"],
        request_id=data["request_id"],
        appointment=_appointment_from_json(data["appointment"])
        if data.get("appointment")
        else None,
        rating=rating_from_json(data["rating"]) if data.get("rating") else None,
        payment=payment_from_json(data["payment"]) if data.get("payment") else None,
        entry=entry_from_json(data["entry"]) if data.get("entry") else None,
        application=application_from_json(data["application"]) if data.get("application") else None,
    )


def payment_json(payment: Payment) -> dict[str, Any]:
    """The payload of a payment_settled event: what the state payments system needs."""
    return {
        "payment_id": payment.id,
        "state": payment.state.value,
        "amount_kopecks": payment.amount,
        "service_id": payment.service_id,
        "purpose": payment.purpose,
        "payer_identified": payment.payer_identified,
        "terminal_id": payment.terminal_id,
        "terminal_serial": payment.terminal_serial,
        "terminal_trace": payment.terminal_trace,
        "terminal_receipt": payment.terminal_receipt,
    }


def payment_from_json(data: Mapping[str, Any]) -> Payment:
    """A settled payment as the event log holds it (no idempotency key, no times)."""
    return Payment(
        id=data["payment_id"],
        idempotency_key="",
        service_id=data["service_id"],
        amount=data["amount_kopecks"],
        purpose=data["purpose"],
        payer_identified=data["payer_identified"],
        terminal_id=data["terminal_id"],
        created_at_ms=0,
        state=PaymentState(data["state"]),
        terminal_serial=data["terminal_serial"],
        terminal_trace=data["terminal_trace"],
        terminal_receipt=data["terminal_receipt"],
    )


def entry_json(entry: JournalEntry) -> dict[str, Any]:
    """The payload of a journal event: these five fields, ids and codes only."""
    return {
        "action": entry.action,
        "actor": entry.actor,
        "subject": entry.subject,
        "outcome": entry.outcome,
        "door": entry.door,
    }


def entry_from_json(data: Mapping[str, Any]) -> JournalEntry:
    return JournalEntry(
        action=data["action"],
        actor=data["actor"],
        subject=data["subject"],
        outcome=data["outcome"],
        door=data.get("door", ""),
    )


def rating_json(rating: Rating) -> dict[str, Any]:
    """The payload of a ticket_rated event: exactly these six fields (docs/ratings.md)."""
    return {
        "ticket_id": rating.ticket_id,
        "service_id": rating.service_id,
        "desk_id": rating.desk_id,
        "operator_id": rating.operator_id,
        "score": rating.score,
        "channel": rating.channel.value,
    }


def rating_from_json(data: Mapping[str, Any]) -> Rating:
    return Rating(
        ticket_id=data["ticket_id"],
        service_id=data["service_id"],
        desk_id=data["desk_id"],
        operator_id=data["operator_id"],
        score=int(data["score"]),
        channel=RatingChannel(data["channel"]),
    )


def appointment_row(appointment: Appointment) -> dict[str, Any]:
    row = {name: getattr(appointment, name) for name in _APPOINTMENT_FIELDS}
    row["state"] = appointment.state.value
    row["channel"] = appointment.channel.value
    return row


def appointment_from_row(row: Mapping[Any, Any]) -> Appointment:
    values = dict(row)
    values["state"] = AppointmentState(values["state"])
    values["channel"] = Channel(values["channel"])
    return Appointment(**values)


def _appointment_json(appointment: Appointment) -> dict[str, Any]:
    data = {k: v for k, v in appointment_row(appointment).items() if k not in _PRIVATE}
    data["has_contact"] = appointment.has_contact
    return data


def _appointment_from_json(data: dict[str, Any]) -> Appointment:
    """A booking as the log tells it: without its code and contact (see _PRIVATE)."""
    values = {k: v for k, v in data.items() if k in _APPOINTMENT_FIELDS}
    return appointment_from_row({**values, "code": ""})


def _desk_json(desk: Desk) -> dict[str, Any]:
    data = {name: getattr(desk, name) for name in _DESK_FIELDS}
    data["state"] = desk.state.value
    data["service_ids"] = list(desk.service_ids)
    return data


# The event log's part of an application (docs/applications.md): no contact, no reason.
_APPLICATION_PUBLIC = (
    "number",
    "service_id",
    "authority",
    "planned_ready",
    "accepted_at_ms",
    "changed_at_ms",
    "changed_by",
    "ticket_id",
    "ready_day",
    "ended_at_ms",
    "change_id",
    "external_at_ms",
)
_CONTACT_FIELDS = tuple(f.name for f in fields(Contact))


def application_json(application: Application) -> dict[str, Any]:
    """The payload of an application event: what reports need, nothing of the applicant."""
    data = {name: getattr(application, name) for name in _APPLICATION_PUBLIC}
    data["status"] = application.status.value
    data["has_contact"] = bool(application.contact.phone or application.contact.email)
    return data


def application_from_json(data: Mapping[str, Any]) -> Application:
    values = {name: data[name] for name in _APPLICATION_PUBLIC}
    return Application(status=ApplicationStatus(data["status"]), **values)


def application_row(application: Application) -> dict[str, Any]:
    """The hub's row of an application: the log's part, the reason and the contact."""
    row = application_json(application)
    del row["has_contact"]
    row["reason"] = application.reason
    row["request_id"] = application.request_id
    row.update({name: getattr(application.contact, name) for name in _CONTACT_FIELDS})
    return row


def application_from_row(row: Mapping[Any, Any]) -> Application:
    contact = Contact(**{name: row[name] for name in _CONTACT_FIELDS})
    values = {name: row[name] for name in _APPLICATION_PUBLIC}
    return Application(
        status=ApplicationStatus(row["status"]),
        reason=row["reason"],
        contact=contact,
        request_id=row["request_id"],
        **values,
    )
