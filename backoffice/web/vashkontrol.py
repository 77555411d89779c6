"""Visitors' ratings for the federal quality monitoring ("Ваш контроль", docs/ratings.md).

One row per rating, as the monitoring counts them (each visitor's score, 1 to 5, of one
service at one office), never an average: the monitoring averages by itself. Operators
are left out: the monitoring rates offices and services, not people. The ratings are
read from the stored ``ticket_rated`` events, filtered by kind and day, and streamed: a
year's export is written as it is read (every rating stored was checked at ingest to
have the fields read here, aggregate.rating).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from backoffice import schema
from backoffice.aggregate import rating
from backoffice.period import Period
from backoffice.web.exports import csv_body, csv_bytes

# Our one question ("Как вас обслужили?") is an overall score; the monitoring's criteria
# (ПП РФ № 1284) are asked separately there. See the gaps in docs/ratings.md.
CRITERION = "overall"
HEADINGS = (
    "office_id",
    "rated_at_utc",
    "day",
    "service_id",
    "desk_id",
    "channel",
    "criterion",
    "score",
)


# Rows read from the database and written out at a time: the export of a year holds a
# few thousand rows in memory, never the whole year.
CHUNK = 2000


def rows(engine: Engine, period: Period) -> Iterator[tuple[object, ...]]:
    """The period's ratings, one row each, read from the database as they are written."""
    raw = schema.raw_events
    query = (
        select(raw.c.branch_id, raw.c.at_ms, raw.c.day, raw.c.payload)
        .where(raw.c.kind == "ticket_rated")
        .where(raw.c.day >= period.start.isoformat(), raw.c.day <= period.end.isoformat())
        .order_by(raw.c.branch_id, raw.c.seq)
    )
    if period.branches:
        query = query.where(raw.c.branch_id.in_(period.branches))
    with engine.connect() as connection:
        found = connection.execution_options(yield_per=CHUNK).execute(query)
        for branch_id, at_ms, day, payload in found:
            rated = rating(json.loads(payload))
            at = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            yield (
                branch_id,
                at,
                day,
                rated["service_id"],
                rated["desk_id"],
                rated["channel"],
                CRITERION,
                rated["score"],
            )


def csv_chunks(engine: Engine, period: Period) -> Iterator[bytes]:
    """The export as CSV (exports.py's form: BOM, header, CRLF), in pieces of CHUNK rows."""
    chunk: list[tuple[object, ...]] = []
    yield csv_bytes(HEADINGS, [])
    for row in rows(engine, period):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield csv_body(chunk)
            chunk = []
    if chunk:
        yield csv_body(chunk)
