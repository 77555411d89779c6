"""``okno backoffice bench applications``: the applications summary over a region's year of
applications (100,000 by default) in PostgreSQL.

Each branch's applications are made as its hub would log them (hub/store/codec.py): accepted
on a working day, then taken into work, some suspended, most made ready (a few late) and
issued, some refused or cancelled. They are stored through the push's own ``store.store``
in signed batches of 2,000 (the sync's gRPC hop is measured by ``okno backoffice bench``),
then the report is timed for the year and for the dashboard's default 30 days.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from backoffice import reports, store
from backoffice.history import branch_ids
from backoffice.period import Period
from backoffice.pgcluster import temporary_cluster
from hub.domain.applications import Application, ApplicationStatus
from hub.domain.model import Event, EventKind
from hub.store.codec import event_to_json
from hub.sync.signing import sign
from okno.bench import Figure

log = logging.getLogger(__name__)
FIRST_DAY = date(2025, 12, 1)  # a Monday
ZONE = ZoneInfo("Europe/Moscow")
BATCH = 2_000
S = ApplicationStatus
# (service, authority, working days to ready)
SERVICES = (
    ("passport", "ГУ по вопросам миграции МВД", 10),
    ("snils", "Социальный фонд России", 5),
    ("property", "Росреестр", 9),
    ("egrn", "Росреестр", 3),
    ("inn", "ФНС России", 5),
)


@dataclass(frozen=True, slots=True)
class Settings:
    branches: int = 20
    applications: int = 100_000
    days: int = 365
    report_runs: int = 5  # the slowest of these is the figure


def measure(settings: Settings, db: str = "") -> list[Figure]:
    with contextlib.ExitStack() as stack:
        url = db or stack.enter_context(temporary_cluster())
        engine = store.open_store(url)
        try:
            return _measure(engine, settings)
        finally:
            engine.dispose()
    raise AssertionError("unreachable")


def _measure(engine: Engine, settings: Settings) -> list[Figure]:
    names = branch_ids(settings.branches)
    each = settings.applications // settings.branches
    end = FIRST_DAY + timedelta(days=settings.days - 1)
    # The report is read the morning after the last day, when the logs end.
    read_at = _at(end + timedelta(days=1), 8 * 60)
    events = stored = 0
    seconds = 0.0
    for index, branch in enumerate(names):
        secret = store.add_branch(engine, branch)
        logged = branch_log(each, settings.days, read_at, random.Random(index))
        began = time.perf_counter()
        for part in range(0, len(logged), BATCH):
            batch = logged[part : part + BATCH]
            _, taken = store.store(engine, store.Batch(branch, batch, sign(secret, branch, batch)))
            stored += taken
        seconds += time.perf_counter() - began
        events += len(logged)
    log.info("applications stored events=%d seconds=%.1f", events, seconds)
    summary = reports.report("applications")
    figures = [
        Figure("applications", each * len(names), "applications"),
        Figure("application_events", events, "events"),
        Figure("application_events_stored_per_s", events / seconds, "events/s"),
        Figure("application_events_left_out", events - stored, "events", 0, "<="),
    ]
    for label, start in (("year", FIRST_DAY), ("30_days", end - timedelta(days=29))):
        period = Period(start, end, now_ms=read_at)
        slowest = 0.0
        for _ in range(settings.report_runs):
            began = time.perf_counter()
            rows = summary.run(engine, period).rows
            slowest = max(slowest, time.perf_counter() - began)
        received = sum(row[3] for row in rows if isinstance(row[3], int))
        figures.append(Figure(f"report_applications_{label}_s", slowest, "s", 1.0, "<="))
        figures.append(Figure(f"report_applications_{label}_received", received, "applications"))
    return figures


def branch_log(count: int, days: int, until_ms: int, rng: random.Random) -> list[tuple[int, str]]:
    """``count`` applications of one branch accepted over the working days of ``days`` from
    FIRST_DAY, each version as the hub logs it up to ``until_ms``, in the order of their
    times, numbered from 1."""
    versions: list[Application] = []
    calendar = (FIRST_DAY + timedelta(days=d) for d in range(days))
    working = [day for day in calendar if day.weekday() < 5]
    places: dict[date, int] = {}
    for n in range(count):
        day = working[n * len(working) // count]
        places[day] = places.get(day, 0) + 1
        life = _life(f"{day:%y%m%d}-{places[day]:03d}", day, rng)
        versions += [app for app in life if app.changed_at_ms <= until_ms]
    versions.sort(key=lambda app: app.changed_at_ms)
    found = []
    seen: set[str] = set()
    for seq, app in enumerate(versions, start=1):
        kind = (
            EventKind.APPLICATION_CHANGED if app.number in seen else EventKind.APPLICATION_ACCEPTED
        )
        seen.add(app.number)
        moment = datetime.fromtimestamp(app.changed_at_ms / 1000, ZONE)
        event = Event(seq, app.changed_at_ms, moment.date().isoformat(), kind, application=app)
        found.append((seq, event_to_json(event)))
    return found


def _life(number: str, day: date, rng: random.Random) -> list[Application]:
    """One application's versions: accepted at a desk, then as an authority moves it."""
    service, authority, working_days = rng.choice(SERVICES)
    planned = day + timedelta(days=working_days * 7 // 5)
    accepted_ms = _at(day, rng.randrange(9 * 60, 19 * 60))
    app = Application(
        number, service, authority, S.ACCEPTED, planned.isoformat(), accepted_ms,
        accepted_ms, "operator:op-1",
    )  # fmt: skip
    life = [app]

    def move(status: ApplicationStatus, on: date) -> None:
        nonlocal app
        ready = on.isoformat() if status is S.READY else app.ready_day
        when = max(app.changed_at_ms + 60_000, _at(on, rng.randrange(9 * 60, 18 * 60)))
        ended = when if status.ended else 0
        app = replace(app, status=status, changed_at_ms=when, ready_day=ready, ended_at_ms=ended)
        app = replace(app, changed_by="system:ais-mfc")
        life.append(app)

    fate = rng.random()
    move(S.IN_WORK, day + timedelta(days=1))
    if fate < 0.05:
        move(S.REFUSED, planned)
        return life
    if fate < 0.08:
        move(S.SUSPENDED, day + timedelta(days=2))
        move(S.IN_WORK, day + timedelta(days=5))
    ready = planned + timedelta(days=rng.choice((-1, 0, 0, 0, 1, 3)))
    move(S.READY, ready)
    if fate < 0.10:
        move(S.CANCELLED, ready + timedelta(days=30))
    else:
        move(S.ISSUED, ready + timedelta(days=rng.randrange(1, 15)))
    return life


def _at(day: date, minute: int) -> int:
    moment = datetime.combine(day, datetime.min.time(), ZONE) + timedelta(minutes=minute)
    return int(moment.timestamp() * 1000)
