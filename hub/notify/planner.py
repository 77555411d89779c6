"""Which messages the branch's events call for: pure, so every rule is tested from tables.

Each planned message has a key that names what it is about ("booked:17", "called:
2026-11-23/А001:431"); the outbox keeps one row per key and channel, so planning the
same event twice (the notifier replays the log after a restart) plans nothing new.
Messages go to a booking's contact (unless its visitor declined them: a phone caller
asked whether to send the code by SMS), a ticket's watch or an application's applicant;
which channels (SMS, e-mail) is decided when they are queued, from the contact held then
(for an application: the channels the applicant chose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain import applications as rules
from hub.domain.applications import Application, ApplicationStatus
from hub.domain.appointments.calendar import SlotCalendar
from hub.domain.branch import Branch
from hub.domain.model import Appointment, Event, EventKind, Snapshot, TicketState
from hub.domain.position import position
from hub.notify.messages import Kind
from hub.notify.notices import STATUS_KIND

MINUTE_MS = 60_000
DAY_MS = 86_400_000
# How long each kind is worth sending: a call to a desk ten minutes late helps nobody.
CALLED_FOR_MS = 10 * MINUTE_MS
TURN_NEAR_FOR_MS = 20 * MINUTE_MS
CANCELLED_FOR_MS = DAY_MS
# An application's notice is news for a week; after that the look-up page says it better.
NOTICE_FOR_MS = 7 * DAY_MS
# The answer to an SMS asking an application's status: at most one a minute per application.
REPLY_EVERY_MS = MINUTE_MS
REPLY_FOR_MS = 60 * MINUTE_MS
# A reminder of waiting documents is sent in the morning, not at the hour they became ready.
REMIND_AT = time(10, 0)
# An invitation to rate a service is sent soon after it or not at all (the link lasts a day).
RATE_FOR_MS = 2 * 60 * MINUTE_MS


@dataclass(frozen=True, slots=True)
class Planned:
    key: str
    kind: Kind
    due_ms: int
    expires_ms: int
    params: dict[str, Any] = field(default_factory=dict)
    # To whom: a booking (its contact), a ticket (its watch), or an application (its number).
    appointment_id: int = 0
    ticket_id: str = ""
    application: str = ""


@dataclass(frozen=True, slots=True)
class WatchFromBooking:
    """A checked-in booking's ticket: its messages go to the booking's contact."""

    ticket_id: str
    appointment_id: int
    day: str


@dataclass
class Plan:
    messages: list[Planned] = field(default_factory=list)
    watches: list[WatchFromBooking] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.messages or self.watches)


class Planner:
    def __init__(self, branch: Branch) -> None:
        self.reconfigure(branch)

    def reconfigure(self, branch: Branch) -> None:
        self.branch = branch
        self.rules = branch.notifications
        self.calendar = SlotCalendar(branch)

    def on_event(self, event: Event) -> Plan:
        """The messages one committed event calls for (none for most)."""
        plan = Plan()
        booking = event.appointment
        kind = event.kind
        if booking is not None:
            if not booking.messages:
                # The caller declined them when booking by phone: nothing, ever, to the number.
                return plan
            if kind is EventKind.APPOINTMENT_BOOKED:
                plan.messages.append(
                    self._booking(Kind.BOOKED, f"booked:{booking.id}", booking, event)
                )
                plan.messages += self._reminder(booking, event.at_ms)
            elif kind is EventKind.APPOINTMENT_MOVED:
                key = f"moved:{booking.id}:{event.seq}"
                plan.messages.append(self._booking(Kind.MOVED, key, booking, event))
                plan.messages += self._reminder(booking, event.at_ms)
            elif kind is EventKind.APPOINTMENT_CANCELLED:
                plan.messages.append(
                    Planned(
                        f"cancelled:{booking.id}",
                        Kind.CANCELLED,
                        event.at_ms,
                        event.at_ms + CANCELLED_FOR_MS,
                        {"service": booking.service_id, "slot_ms": booking.slot_ms},
                        appointment_id=booking.id,
                    )
                )
            elif kind is EventKind.APPOINTMENT_CHECKED_IN and booking.ticket_id:
                plan.watches.append(
                    WatchFromBooking(booking.ticket_id, booking.id, booking.ticket_id[:10])
                )
        elif event.application is not None:
            plan.messages += self._application(event, event.application)
        elif kind is EventKind.TICKET_CALLED and event.ticket and event.desk:
            ticket = event.ticket
            plan.messages.append(
                Planned(
                    f"called:{ticket.id}:{event.seq}",
                    Kind.CALLED,
                    event.at_ms,
                    event.at_ms + CALLED_FOR_MS,
                    {"number": ticket.number, "desk": event.desk.number},
                    ticket_id=ticket.id,
                )
            )
        elif kind is EventKind.SERVICE_FINISHED and event.ticket and self.rules.rating_invite:
            ticket = event.ticket
            plan.messages.append(
                Planned(
                    f"rate:{ticket.id}",
                    Kind.RATE,
                    event.at_ms,
                    event.at_ms + RATE_FOR_MS,
                    {"number": ticket.number, "ticket": ticket.id},
                    ticket_id=ticket.id,
                )
            )
        return plan

    def turn_near(self, snapshot: Snapshot, watched: set[str]) -> list[Planned]:
        """ "Your turn is near" for watched waiting tickets with few enough people ahead."""
        limit = self.rules.turn_near_ahead
        if not limit or not watched:
            return []
        found = []
        for ticket in snapshot.tickets:
            if ticket.id not in watched or ticket.state is not TicketState.WAITING:
                continue
            where = position(snapshot, ticket)
            if where.people_ahead > limit:
                continue
            found.append(
                Planned(
                    # Once per ticket and service: a transfer to another line may tell again.
                    f"near:{ticket.id}:{ticket.service_id}",
                    Kind.TURN_NEAR,
                    snapshot.at_ms,
                    snapshot.at_ms + TURN_NEAR_FOR_MS,
                    {
                        "number": ticket.number,
                        "service": ticket.service_id,
                        "ahead": where.people_ahead,
                        "wait_s": where.wait_s,
                        "wait_known": where.known,
                    },
                    ticket_id=ticket.id,
                )
            )
        return found

    def reply(self, app: Application, now_ms: int) -> Planned:
        """The answer to an SMS asking the status: the notice of the status it is in now.

        Keyed by the minute, so a phone repeating its question gets one answer a minute.
        """
        return Planned(
            f"app:{app.number}:reply:{now_ms // REPLY_EVERY_MS}",
            Kind.APP_REPLY,
            now_ms,
            now_ms + REPLY_FOR_MS,
            self._notice_params(app),
            application=app.number,
        )

    def _application(self, event: Event, app: Application) -> list[Planned]:
        """One notice per change the applicant must hear of, and the reminder when ready."""
        kind = _notice_kind(event, app)
        if kind is None:
            return []
        notice = Planned(
            f"app:{app.number}:{event.seq}",
            kind,
            event.at_ms,
            event.at_ms + NOTICE_FOR_MS,
            self._notice_params(app),
            application=app.number,
        )
        if kind is not Kind.APP_READY:
            return [notice]
        return [notice, *self._waiting(app)]

    def _waiting(self, app: Application) -> list[Planned]:
        """The one reminder of ready documents not collected, due ``remind_after_days`` after
        they became ready; none when they would no longer wait by then."""
        settings = self.branch.applications
        ready = date.fromisoformat(app.ready_day)
        due = _morning_ms(ready + timedelta(days=settings.remind_after_days), self.branch.timezone)
        last = _morning_ms(date.fromisoformat(self._collect_by(app)), self.branch.timezone)
        if due >= last:
            return []
        return [
            Planned(
                f"app:{app.number}:remind",
                Kind.APP_REMINDER,
                due,
                last,
                self._notice_params(app),
                application=app.number,
            )
        ]

    def _notice_params(self, app: Application) -> dict[str, Any]:
        return {
            "number": app.number,
            "service": app.service_id,
            "status": app.status.value,
            "planned": app.planned_ready,
            "collect_by": self._collect_by(app),
            "early": app.early,
        }

    def _collect_by(self, app: Application) -> str:
        return rules.collect_by(app, self.branch.applications.collect_within_days)

    def _booking(self, kind: Kind, key: str, booking: Appointment, event: Event) -> Planned:
        _, closes = self.calendar.check_in_window(booking.slot_ms)
        return Planned(
            key,
            kind,
            event.at_ms,
            closes,
            self._slot_params(booking),
            appointment_id=booking.id,
        )

    def _reminder(self, booking: Appointment, now_ms: int) -> list[Planned]:
        lead = self.rules.reminder_before_min * MINUTE_MS
        due = booking.slot_ms - lead
        if not lead or due <= now_ms:
            return []
        return [
            Planned(
                f"reminder:{booking.id}:{booking.slot_ms}",
                Kind.REMINDER,
                due,
                booking.slot_ms,
                self._slot_params(booking),
                appointment_id=booking.id,
            )
        ]

    def _slot_params(self, booking: Appointment) -> dict[str, Any]:
        opens, closes = self.calendar.check_in_window(booking.slot_ms)
        return {
            "service": booking.service_id,
            "slot_ms": booking.slot_ms,
            "check_in_from_ms": opens,
            "check_in_until_ms": closes,
        }


def _notice_kind(event: Event, app: Application) -> Kind | None:
    """What a change tells: its new status, a moved planned date, a new "what is needed"
    for a suspended application; nothing for a change the applicant need not hear of."""
    if event.kind is EventKind.APPLICATION_ACCEPTED:
        return Kind.APP_ACCEPTED
    if event.kind is not EventKind.APPLICATION_CHANGED:
        return None
    was, was_planned = rules.parse_before(event.detail)
    if was is not app.status:
        return STATUS_KIND[app.status]
    if app.planned_ready != was_planned:
        return Kind.APP_MOVED
    if app.status is ApplicationStatus.SUSPENDED:
        return Kind.APP_SUSPENDED
    return None


def _morning_ms(day: date, zone: str) -> int:
    return int(datetime.combine(day, REMIND_AT, ZoneInfo(zone)).timestamp() * 1000)
