"""The rules of an application after the visit (pure; docs/applications.md).

An application is what a visitor applied for at a desk: an authority prepares the
documents in days or weeks, and the centre tells the applicant how it goes. Its statuses
are those of the centres' information systems, and only these moves are allowed, so that
"issued" can never come before "ready" and nothing moves once the application has ended.
The planned ready date counts the service's processing time in working days: Monday to
Friday, less the branch's closed dates, plus the working days the year's calendar moves to
a weekend.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hub.errors import BadPlannedDate, InvalidRequest, StaleChange, StatusNotAllowed

# Long enough for what an operator or an authority writes ("нужна справка о составе
# семьи из управляющей компании"), short enough for one SMS or two.
MAX_REASON = 200
MAX_CHANGE_ID = 64
# A place in the day has 3 to 5 digits: the 10,000th application of a busy day must be
# found by its number too (the information system's burst of issue 21 makes 10,000).
PLACE_DIGITS = 5
_DIGITS = "0123456789"
_SEPARATORS = " -\u2010\u2013\u2014"
# The longest processing time a planned date may be moved to: a date further off is a typo.
MAX_PLANNED_DAYS = 366


class ApplicationStatus(enum.Enum):
    ACCEPTED = "accepted"  # принято
    IN_WORK = "in_work"  # в работе
    SUSPENDED = "suspended"  # приостановлено
    READY = "ready"  # готово к выдаче
    ISSUED = "issued"  # выдано
    REFUSED = "refused"  # отказано
    CANCELLED = "cancelled"  # отменено

    @property
    def ended(self) -> bool:
        """Whether nothing more will happen to the application."""
        return self in _ENDED


_ENDED = frozenset(
    {ApplicationStatus.ISSUED, ApplicationStatus.REFUSED, ApplicationStatus.CANCELLED}
)
_S = ApplicationStatus
ALLOWED: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    _S.ACCEPTED: frozenset({_S.IN_WORK, _S.SUSPENDED, _S.READY, _S.REFUSED, _S.CANCELLED}),
    _S.IN_WORK: frozenset({_S.SUSPENDED, _S.READY, _S.REFUSED, _S.CANCELLED}),
    _S.SUSPENDED: frozenset({_S.IN_WORK, _S.READY, _S.REFUSED, _S.CANCELLED}),
    # Documents never collected go back to the authority: the application is cancelled.
    _S.READY: frozenset({_S.ISSUED, _S.CANCELLED}),
    _S.ISSUED: frozenset(),
    _S.REFUSED: frozenset(),
    _S.CANCELLED: frozenset(),
}
# A reason is what the applicant must be told: what is needed, or why it ended.
NEEDS_REASON = frozenset({_S.SUSPENDED, _S.REFUSED})


@dataclass(frozen=True, slots=True)
class Contact:
    """What the hub keeps of the applicant, and only with their consent: never in the log."""

    phone: str = ""
    email: str = ""
    notify_sms: bool = False
    notify_email: bool = False
    snils_hash: str = ""


@dataclass(frozen=True, slots=True)
class Application:
    """One application as the log tells it, with ``changed_by`` naming who made the change.

    ``reason`` and ``contact`` are kept on the hub only (a reason may name what is
    personal); the event log and the back office get the rest.
    """

    number: str
    service_id: str
    authority: str
    status: ApplicationStatus
    planned_ready: str
    accepted_at_ms: int
    changed_at_ms: int
    changed_by: str
    ticket_id: str = ""
    # The branch day it became ready ("" while it is not), and the day it ended.
    ready_day: str = ""
    ended_at_ms: int = 0
    # The information system's id of the change and its time there (staff changes: none).
    change_id: str = ""
    external_at_ms: int = 0
    reason: str = ""
    contact: Contact = Contact()
    # The desk's id of the Accept request, so that a retry gets the same application.
    request_id: str = ""

    @property
    def early(self) -> bool:
        """Ready before the planned date: the applicant is told so."""
        return bool(self.ready_day) and self.ready_day < self.planned_ready


@dataclass(frozen=True, slots=True)
class Change:
    """A change asked of an application: a status, a planned date, or both."""

    status: ApplicationStatus | None
    by: str
    reason: str = ""
    planned_ready: str = ""
    change_id: str = ""
    external_at_ms: int = 0


def number(day: date, place: int) -> str:
    """The application's number: its day and its place in the day ("261207-017")."""
    return f"{day:%y%m%d}-{place:03d}"


def normalise_number(typed: str) -> str:
    """A number as people type it (spaces, no dash, another dash) made canonical; "" for
    what cannot be one."""
    text = typed.strip()
    if any(c not in _DIGITS and c not in _SEPARATORS for c in text):
        return ""
    digits = "".join(c for c in text if c in _DIGITS)
    if not 9 <= len(digits) <= 6 + PLACE_DIGITS:
        return ""
    return f"{digits[:6]}-{digits[6:]}"


def working_days_after(
    start: date,
    days: int,
    closed: Collection[date] = (),
    extra_working: Collection[date] = (),
) -> date:
    """The day ``days`` working days after ``start`` (a working day: Monday to Friday not
    closed, or a weekend day the calendar made working). 0 days: ``start`` itself."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working(day, closed, extra_working):
            left -= 1
    return day


def is_working(day: date, closed: Collection[date], extra_working: Collection[date]) -> bool:
    if day in extra_working:
        return True
    return day.weekday() < 5 and day not in closed


def status_of(name: str) -> ApplicationStatus:
    try:
        return ApplicationStatus(name)
    except ValueError:
        known = ", ".join(s.value for s in ApplicationStatus)
        raise InvalidRequest(f'no application status "{name}": the statuses are {known}') from None


def planned_date(text: str, today: date) -> str:
    """A planned ready date as asked: ISO, not before today, within a year."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadPlannedDate(
            f"the planned ready date {text[:20]!r} is not a date: write it as 2026-12-18"
        ) from None
    if day < today:
        raise BadPlannedDate(
            f"the planned ready date {day.isoformat()} has passed: give today or a later day"
        )
    if day > today + timedelta(days=MAX_PLANNED_DAYS):
        raise BadPlannedDate(
            f"the planned ready date {day.isoformat()} is more than a year away: check the year"
        )
    return day.isoformat()


def apply(app: Application, change: Change, *, now_ms: int, today: date) -> Application:
    """The application after ``change``, or the rule it breaks.

    A change from the information system older than one it sent before is refused, so a
    resent old status cannot undo a newer one; ``change_id`` repeats are answered before
    this (they are not refusals).
    """
    if change.external_at_ms and change.external_at_ms <= app.external_at_ms:
        raise StaleChange(
            f"application {app.number} has a change from the information system made later "
            "than this one: nothing changed; send changes of one application in order"
        )
    reason = change.reason.strip()
    if len(reason) > MAX_REASON:
        raise InvalidRequest(f"the reason is {len(reason)} characters: at most {MAX_REASON}")
    if len(change.change_id) > MAX_CHANGE_ID:
        raise InvalidRequest(f"the change id is longer than {MAX_CHANGE_ID} characters")
    status = change.status or app.status
    if app.status.ended:
        raise StatusNotAllowed(
            f"application {app.number} has ended ({app.status.value}): it cannot change"
        )
    if change.status is not None and change.status is not app.status:
        if change.status not in ALLOWED[app.status]:
            raise StatusNotAllowed(
                f"application {app.number} is {app.status.value}: it cannot become "
                f"{change.status.value} (from {app.status.value} it may become "
                f"{_names(ALLOWED[app.status])})"
            )
    elif not change.planned_ready and not reason:
        raise InvalidRequest(
            f"application {app.number} is {app.status.value} already: give another status "
            "or a new planned date"
        )
    if status in NEEDS_REASON and change.status is not None and not reason:
        raise InvalidRequest(
            f"say why the application is {status.value}: the applicant is told the reason"
        )
    planned = planned_date(change.planned_ready, today) if change.planned_ready else ""
    return replace(
        app,
        status=status,
        planned_ready=planned or app.planned_ready,
        changed_at_ms=now_ms,
        changed_by=change.by,
        ready_day=today.isoformat() if status is _S.READY and not app.ready_day else app.ready_day,
        ended_at_ms=now_ms if status.ended else 0,
        change_id=change.change_id,
        external_at_ms=max(app.external_at_ms, change.external_at_ms),
        reason=reason if change.status is not None or reason else app.reason,
    )


def before(app: Application) -> str:
    """What an application was before a change, as the change's event tells it ("in_work
    2026-12-07"): notices tell a new status from a moved date or a new reason by it."""
    return f"{app.status.value} {app.planned_ready}"


def parse_before(detail: str) -> tuple[ApplicationStatus | None, str]:
    """The status and planned date ``before`` wrote; (None, "") for an event without them."""
    status, _, planned = detail.partition(" ")
    try:
        return ApplicationStatus(status), planned
    except ValueError:
        return None, ""


def collect_by(app: Application, within_days: int) -> str:
    """The last day ready documents wait for the applicant ("" if not ready)."""
    if not app.ready_day:
        return ""
    return (date.fromisoformat(app.ready_day) + timedelta(days=within_days)).isoformat()


def _names(statuses: Collection[ApplicationStatus]) -> str:
    return ", ".join(s.value for s in ApplicationStatus if s in statuses) or "nothing"
