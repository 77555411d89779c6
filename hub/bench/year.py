"""A branch's long history in a hub database, fast: one real day repeated, shifted in time.

One day of ``visitors`` goes through the real queue engine (hub.replay); its events are
then written again for every day of the history, their times, days, ticket ids and seqs
moved on, straight into the hub's own tables (events, tickets, desks) as
Repository.append leaves them. Shifting the JSON as text, not the events as objects,
makes a year of a big centre minutes of work, not an hour. Every ticket id and number is
unique in its day and the seqs run on without a gap, so the hub starts on the result and
goes on numbering after it, and the back office takes the same events (to_backoffice).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from hub.domain.branch import Branch
from hub.domain.model import Event
from hub.replay import REFERENCE_DAY, replay_events
from hub.store import codec
from hub.store.database import open_database
from hub.traffic import day_start_ms

log = logging.getLogger(__name__)
# A branch-time instant of this era in milliseconds (13 digits from 2001 to 2286), or the
# template's day: what changes from one day of the history to the next.
_MOVING = r"\b[1-9]\d{12}\b"
_TIMES = frozenset(
    (
        "issued_at_ms",
        "waiting_since_ms",
        "priority_from_ms",
        "called_at_ms",
        "started_at_ms",
        "finished_at_ms",
    )
)
# (seq, at_ms, kind, day, ticket_id, desk_id, request_id, payload): the events table's row.
EventRow = tuple[int, int, str, str, str, str, str, str]
# Days written in one transaction: big enough that commits cost little, small enough
# that memory stays in tens of megabytes.
_DAYS_A_COMMIT = 4


@dataclass(frozen=True, slots=True)
class Written:
    days: int
    events: int
    tickets: int
    last_seq: int
    seconds: float


@dataclass(frozen=True, slots=True)
class _Row:
    """One template event: its columns, and its payload as a %-format of what moves."""

    kind: str
    ticket_id: str
    desk_id: str
    request_id: str
    at_ms: int
    payload: str
    moving: tuple[int | None, ...]  # None: the day; else a time to shift


class Template:
    """One replayed day, ready to be written again on any other day."""

    def __init__(self, events: list[Event], day: date, timezone: str) -> None:
        self._iso = day.isoformat()
        self._timezone = timezone
        self._start = day_start_ms(day, timezone)
        pattern = re.compile(f"({re.escape(self._iso)}|{_MOVING})")
        self.rows = [self._row(e, pattern) for e in events]
        finals = {e.ticket.id: e.ticket for e in events if e.ticket is not None}
        self.tickets = [codec.ticket_row(t) for t in finals.values()]
        last = {e.desk.id: e.desk for e in events if e.desk is not None}
        self.desks = [codec.desk_row(d) for d in last.values()]

    def _row(self, event: Event, pattern: re.Pattern[str]) -> _Row:
        text = codec.event_to_json(event)
        head = f'{{"seq":{event.seq},'
        assert text.startswith(head)
        parts = pattern.split(text[len(head) :].replace("%", "%%"))
        moving = tuple(None if p == self._iso else int(p) for p in parts[1::2])
        form = "".join(p if i % 2 == 0 else "%s" for i, p in enumerate(parts))
        return _Row(
            event.kind.value,
            event.ticket.id if event.ticket else "",
            event.desk.id if event.desk else "",
            event.request_id,
            event.at_ms,
            form,
            moving,
        )

    def events_on(self, day: date, first_seq: int) -> list[EventRow]:
        """The events table's rows of the template written on ``day`` from ``first_seq``."""
        iso = day.isoformat()
        shift = day_start_ms(day, self._timezone) - self._start
        rows: list[EventRow] = []
        for seq, row in enumerate(self.rows, start=first_seq):
            values = tuple(iso if m is None else m + shift for m in row.moving)
            rows.append(
                (
                    seq,
                    row.at_ms + shift,
                    row.kind,
                    iso,
                    row.ticket_id.replace(self._iso, iso),
                    row.desk_id,
                    row.request_id,
                    f'{{"seq":{seq},' + row.payload % values,
                )
            )
        return rows

    def tickets_on(self, day: date) -> list[dict[str, object]]:
        """The tickets table's rows as the template's day left them, on ``day``."""
        iso = day.isoformat()
        shift = day_start_ms(day, self._timezone) - self._start
        return [
            {
                **row,
                **{k: row[k] + shift for k in _TIMES if row[k]},
                "id": row["id"].replace(self._iso, iso),
                "day": iso,
            }
            for row in self.tickets
        ]


def template(branch: Branch, visitors: int, seed: int = 20261123) -> Template:
    """A real day of ``visitors`` through the queue engine, desks staffed for them."""
    began = time.perf_counter()
    events = replay_events(branch, visitors, seed)
    log.info(
        "template day replayed visitors=%d events=%d seconds=%.1f",
        visitors,
        len(events),
        time.perf_counter() - began,
    )
    return Template(events, REFERENCE_DAY, branch.timezone)


def history_days(last_day: date, days: int) -> list[date]:
    """The ``days`` days up to ``last_day``, oldest first."""
    return [last_day - timedelta(days=n) for n in range(days - 1, -1, -1)]


def write_hub(db: Path, day_template: Template, days: list[date]) -> Written:
    """A new hub database at ``db`` holding the template written on each of ``days``."""
    if db.exists():
        raise FileExistsError(f"{db} exists: the history goes into a new database")
    began = time.perf_counter()
    open_database(db).close()  # the hub's schema, by its migrations
    events_sql, tickets_sql, desks_sql = _statements(day_template)
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        seq, events, tickets = 1, 0, 0
        for group in _groups(days, _DAYS_A_COMMIT):
            connection.execute("BEGIN")
            for day in group:
                rows = day_template.events_on(day, seq)
                connection.executemany(events_sql, rows)
                ticket_rows = day_template.tickets_on(day)
                connection.executemany(tickets_sql, ticket_rows)
                seq += len(rows)
                events += len(rows)
                tickets += len(ticket_rows)
            connection.execute("COMMIT")
        connection.executemany(desks_sql, day_template.desks)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    written = Written(len(days), events, tickets, seq - 1, time.perf_counter() - began)
    log.info(
        "history written db=%s days=%d events=%d tickets=%d seconds=%.1f",
        db,
        written.days,
        written.events,
        written.tickets,
        written.seconds,
    )
    return written


def _statements(day_template: Template) -> tuple[str, str, str]:
    ticket_columns = list(day_template.tickets[0])
    desk_columns = list(day_template.desks[0])
    return (
        "INSERT INTO events (seq, at_ms, kind, day, ticket_id, desk_id, request_id, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        f"INSERT INTO tickets ({', '.join(ticket_columns)}) "
        f"VALUES ({', '.join(':' + c for c in ticket_columns)})",
        f"INSERT OR REPLACE INTO desks ({', '.join(desk_columns)}) "
        f"VALUES ({', '.join(':' + c for c in desk_columns)})",
    )


def _groups(days: list[date], size: int) -> Iterator[list[date]]:
    for start in range(0, len(days), size):
        yield days[start : start + size]
