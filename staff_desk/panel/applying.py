"""The application taken at the desk after a visit: which services take one, what the form
sends, what the panel shows once it is recorded (pure, no Qt, no I/O).

Only what the applicant agreed to leaves the form: the hub refuses a contact without
consent (``no_consent``) and the panel shows that refusal, so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from protos.okno.v1 import applications_pb2, common_pb2
from staff_desk.panel.model import Hall, Row

TEXT_FIELDS = frozenset({"phone", "email", "snils"})
FLAGS = frozenset({"consent", "sms", "mail"})


@dataclass(frozen=True, slots=True)
class Visitor:
    """The visitor whose service just ended at the desk: whose application it is."""

    ticket_id: str
    number: str
    service_id: str


@dataclass(frozen=True, slots=True)
class Draft:
    """The form as the operator filled it in."""

    service_id: str
    consent: bool = False
    phone: str = ""
    email: str = ""
    sms: bool = False
    mail: bool = False
    snils: str = ""

    def with_text(self, key: str, value: str) -> Draft:
        """The draft with one text field typed; ValueError for a field the form lacks."""
        if key not in TEXT_FIELDS:
            raise ValueError(f"the form has no text field {key!r}")
        typed: dict[str, Any] = {key: value}
        return replace(self, **typed)

    def with_flag(self, key: str, on: bool) -> Draft:
        if key not in FLAGS:
            raise ValueError(f"the form has no switch {key!r}")
        switched: dict[str, Any] = {key: on}
        return replace(self, **switched)

    def as_row(self) -> Row:
        return {
            "service": self.service_id,
            "consent": self.consent,
            "phone": self.phone,
            "email": self.email,
            "sms": self.sms,
            "mail": self.mail,
            "snils": self.snils,
        }


def makes_documents(hall: Hall, service_id: str) -> bool:
    """Whether an application is taken for the service (it has a processing time)."""
    service = hall.services.get(service_id)
    return service is not None and service.HasField("processing_days")


def visitor(hall: Hall, ticket: common_pb2.Ticket) -> Visitor | None:
    """The visitor to offer an application to once their service ended, or None."""
    if not makes_documents(hall, ticket.service_id):
        return None
    return Visitor(ticket.id, ticket.number, ticket.service_id)


def document_services(hall: Hall, words: dict[str, str], language: str) -> list[Row]:
    """The services an application may be for, in the branch's order."""
    return [
        {
            "id": s.id,
            "label": f"{s.prefix} · {hall.service_name(s.id, language)}",
            "detail": words["processing"].format(days=s.processing_days)
            + (f" · {s.authority}" if s.authority else ""),
        }
        for s in hall.services.values()
        if s.HasField("processing_days")
    ]


def request(
    visitor: Visitor, draft: Draft, request_id: str
) -> applications_pb2.AcceptApplicationRequest:
    """What the form sends; the fields are sent as typed (the hub checks and refuses)."""
    return applications_pb2.AcceptApplicationRequest(
        ticket_id=visitor.ticket_id,
        service_id=draft.service_id,
        phone=draft.phone.strip(),
        email=draft.email.strip(),
        notify_sms=draft.sms,
        notify_email=draft.mail,
        consent=draft.consent,
        snils=draft.snils.strip(),
        request_id=request_id,
    )


def day_text(iso: str) -> str:
    """A branch date as people read it: "2026-12-07" -> "07.12.2026"."""
    return f"{date.fromisoformat(iso):%d.%m.%Y}" if iso else ""


def moment_text(unix_ms: int, timezone: str) -> str:
    """A moment in the branch's time: "23.11.2026 10:26"."""
    moment = datetime.fromtimestamp(unix_ms / 1000, UTC)
    if timezone:
        moment = moment.astimezone(ZoneInfo(timezone))
    return f"{moment:%d.%m.%Y %H:%M}"


def notices_text(app: applications_pb2.Application, words: dict[str, str]) -> str:
    """How the applicant will be told of changes, as the hub recorded it."""
    channels = []
    if app.notify_sms:
        channels.append(words["notice_sms"].format(phone=app.phone_hint))
    if app.notify_email:
        channels.append(words["notice_mail"])
    return ", ".join(channels) if channels else words["notice_none"]


def recorded_row(
    app: applications_pb2.Application, hall: Hall, words: dict[str, str], language: str
) -> Row:
    """The application just recorded, as the panel shows it to the operator."""
    return {
        "number": app.number,
        "service": hall.service_name(app.service_id, language),
        "authority": app.authority,
        "planned": day_text(app.planned_ready),
        "accepted": moment_text(app.accepted_at_unix_ms, hall.timezone),
        "notices": notices_text(app, words),
    }
