"""Applications written by hand as a hub's codec writes their events, with the summary
report's figures worked out by hand (``history``'s docstring)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.domain.applications import Application, ApplicationStatus
from hub.domain.model import Event, EventKind
from hub.store.codec import event_to_json

BRANCH = "branch-hand"
MOSCOW = ZoneInfo("Europe/Moscow")
MVD = "ГУ по вопросам миграции МВД"
ROSREESTR = "Росреестр"
S = ApplicationStatus
MONDAY = date(2026, 11, 23)


def at(day: int, hh: int, mm: int = 0, month: int = 11) -> int:
    """Milliseconds of a Moscow wall-clock time in November (or ``month``) 2026."""
    return int(datetime(2026, month, day, hh, mm, tzinfo=MOSCOW).timestamp() * 1000)


def _after(monday: date, days: int, hh: int = 0, mm: int = 0) -> int:
    """Milliseconds of a Moscow wall-clock time ``days`` after ``monday``."""
    moment = datetime.combine(monday + timedelta(days=days), time(hh, mm), MOSCOW)
    return int(moment.timestamp() * 1000)


def _day(monday: date, days: int) -> str:
    return (monday + timedelta(days=days)).isoformat()


def accepted(number: str, service: str, authority: str, planned: str, when: int) -> Application:
    return Application(
        number, service, authority, S.ACCEPTED, planned, when, when, "operator:andreev-m"
    )


def moved(app: Application, status: ApplicationStatus, when: int) -> Application:
    """The application after a change at ``when``, as hub.domain.applications.apply sets it."""
    today = datetime.fromtimestamp(when / 1000, MOSCOW).date().isoformat()
    ready = today if status is S.READY and not app.ready_day else app.ready_day
    ended = when if status.ended else 0
    return replace(
        app,
        status=status,
        changed_at_ms=when,
        changed_by="system:ais-mfc",
        ready_day=ready,
        ended_at_ms=ended,
    )


def events(versions: list[Application], first: int = 1) -> list[tuple[int, str]]:
    """Each version as its event in the hub's log: accepted for a first version, changed
    after; numbered from ``first``."""
    seen: set[str] = set()
    found = []
    for seq, app in enumerate(versions, start=first):
        kind = (
            EventKind.APPLICATION_CHANGED if app.number in seen else EventKind.APPLICATION_ACCEPTED
        )
        seen.add(app.number)
        day = datetime.fromtimestamp(app.changed_at_ms / 1000, MOSCOW).date().isoformat()
        event = Event(seq, app.changed_at_ms, day, kind, application=app)
        found.append((seq, event_to_json(event)))
    return found


def history(monday: date = MONDAY) -> list[Application]:
    """Seven applications of BRANCH, each version in the order the hub logged them; the
    days as from the default Monday, 2026-11-23 (another ``monday`` shifts them all):

    1. 261123-001 passport, planned 2026-12-07: in work since 11-24.
    2. 261123-002 passport, planned 12-07: suspended 11-25.
    3. 261123-003 egrn, planned 11-26: ready 11-27 (a day late), issued 11-30.
    4. 261123-004 egrn, planned 11-26: ready 11-26 (on time).
    5. 261123-005 inn, no authority, planned 11-30: refused 11-25.
    6. 261123-006 passport, planned 12-07: cancelled 11-24.
    7. 261130-001 passport, accepted 2026-11-30 at 00:30 Moscow (still 11-29 in UTC),
       planned 12-14: accepted.

    Received 11-23..11-29: egrn 2 (one ready, one issued, one ready late); inn 1 (refused);
    passport 3 (in work, suspended, cancelled). Overdue on 12-08 in Moscow: the passports
    in work and suspended (planned 12-07); on 12-07, none.
    """
    first = f"{monday:%y%m%d}"
    week_on = f"{monday + timedelta(days=7):%y%m%d}"

    def when(days: int, hh: int, mm: int = 0) -> int:
        return _after(monday, days, hh, mm)

    def on(number: int, service: str, authority: str, planned: int, at_ms: int) -> Application:
        return accepted(f"{first}-{number:03d}", service, authority, _day(monday, planned), at_ms)

    a1 = on(1, "passport", MVD, 14, when(0, 10))
    a2 = on(2, "passport", MVD, 14, when(0, 10, 5))
    a3 = on(3, "egrn", ROSREESTR, 3, when(0, 11))
    a4 = on(4, "egrn", ROSREESTR, 3, when(0, 11, 5))
    a5 = on(5, "inn", "", 7, when(0, 12))
    a6 = on(6, "passport", MVD, 14, when(0, 12, 5))
    a7 = accepted(f"{week_on}-001", "passport", MVD, _day(monday, 21), when(7, 0, 30))
    a3_ready = moved(a3, S.READY, when(4, 9))
    return [
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        moved(a1, S.IN_WORK, when(1, 9)),
        moved(a6, S.CANCELLED, when(1, 15)),
        moved(a2, S.SUSPENDED, when(2, 9)),
        moved(a5, S.REFUSED, when(2, 10)),
        moved(a4, S.READY, when(3, 9)),
        a3_ready,
        a7,
        moved(a3_ready, S.ISSUED, when(7, 11)),
    ]
