"""What the demo leaves for a person to look at: the event log, the last board, the figures."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import create_engine, select

from hub.domain.branch import Branch
from hub.domain.model import Event
from hub.replay import DayReport, DayTally
from hub.store import codec, schema

EVENTS = "events.jsonl"
BOARD = "board.txt"
SUMMARY = "summary.json"


def remove_database(db: Path) -> None:
    """A fresh day each run: drop the previous demo's SQLite database and its WAL files."""
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def export_events(db: Path, out: Path) -> list[Event]:
    """Copy the hub's event log, one stored payload a line in sequence order; return it."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            payloads = list(
                connection.execute(
                    select(schema.events.c.payload).order_by(schema.events.c.seq)
                ).scalars()
            )
    finally:
        engine.dispose()
    (out / EVENTS).write_text("".join(f"{p}\n" for p in payloads), encoding="utf-8")
    return [codec.event_from_json(p) for p in payloads]


def summarise(branch: Branch, events: list[Event], until_ms: int) -> DayReport:
    """The figures of the demo's log as it stopped at ``until_ms``, counted as the day
    replay counts them: everyone issued a ticket, those still waiting with their wait so far."""
    tally = DayTally(branch)
    tally.add_all(events)
    return tally.report(until_ms)


def applications(events: list[Event]) -> dict[str, int]:
    """Applications recorded in the demo, by the status each has when it stops."""
    last = {e.application.number: e.application.status.value for e in events if e.application}
    return dict(sorted(Counter(last.values()).items()))


def write_summary(out: Path, report: DayReport, context: Mapping[str, object]) -> None:
    summary = {**context, **asdict(report)}
    (out / SUMMARY).write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def write_board(out: Path, text: str) -> None:
    (out / BOARD).write_text(text, encoding="utf-8")
