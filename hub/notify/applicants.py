"""Applicants as recipients of the outbox: read from the ``applications`` table, never copied.

An application's notices go only on the channels its applicant chose at the desk
(``notify_sms``, ``notify_email``), to the contact held when each is sent: an erased
contact (hub/store/applications.py, ``erase_contacts``) gets nothing. The answer to an SMS
asking the status goes to the application's phone whatever the choice: it was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from hub.domain.applications import ApplicationStatus
from hub.notify.messages import Kind
from hub.store import schema

_TABLE = schema.applications


@dataclass(frozen=True, slots=True)
class Applicant:
    """Where an application's message goes now, and what it may say."""

    phone: str = ""
    email: str = ""
    reason: str = ""
    # Why nothing can be sent, when so (a reminder of documents no longer waiting).
    obsolete: str = ""


def applicant(connection: Connection, number: str, kind: Kind) -> Applicant:
    """The addresses a message of ``kind`` may go to, on the applicant's chosen channels."""
    row = connection.execute(
        select(
            _TABLE.c.status,
            _TABLE.c.phone,
            _TABLE.c.email,
            _TABLE.c.notify_sms,
            _TABLE.c.notify_email,
            _TABLE.c.reason,
        ).where(_TABLE.c.number == number)
    ).first()
    if row is None:
        return Applicant(obsolete="the application is gone")
    obsolete = ""
    if kind is Kind.APP_REMINDER and row.status != ApplicationStatus.READY.value:
        obsolete = f"the application is {row.status}"
    asked = kind is Kind.APP_REPLY
    return Applicant(
        phone=row.phone if row.notify_sms or asked else "",
        email=row.email if row.notify_email and not asked else "",
        reason=row.reason,
        obsolete=obsolete,
    )


def channels(connection: Connection, number: str, kind: Kind) -> list[str]:
    """The channels a message of ``kind`` is queued on: those with an address now."""
    found = applicant(connection, number, kind)
    return [c for c, address in (("sms", found.phone), ("email", found.email)) if address]


def addresses(engine: Engine, number: str) -> tuple[str, str]:
    """An application's phone and e-mail, for an opt-out link that names it."""
    with engine.connect() as connection:
        row = connection.execute(
            select(_TABLE.c.phone, _TABLE.c.email).where(_TABLE.c.number == number)
        ).first()
    return (row.phone, row.email) if row is not None else ("", "")
