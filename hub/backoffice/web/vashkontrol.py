"""Visitors' ratings for the federal quality monitoring ("Ваш контроль", docs/ratings.md).

One row per rating, as the monitoring counts them (each visitor's score, 1 to 5, of one
service at one office), never an average: the monitoring averages by itself. Operators
are left out: the monitoring rates offices and services, not people. The ratings are
read from the stored ``ticket_rated`` events, filtered by kind and day.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from hub.backoffice import schema
from hub.backoffice.reports import Period

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


def rows(engine: Engine, period: Period) -> list[tuple[object, ...]]:
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
        found = list(connection.execute(query))
    result: list[tuple[object, ...]] = []
    for branch_id, at_ms, day, payload in found:
        rating = json.loads(payload)["rating"]
        at = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        result.append(
            (
                branch_id,
                at,
                day,
                rating["service_id"],
                rating["desk_id"],
                rating["channel"],
                CRITERION,
                int(rating["score"]),
            )
        )
    return result
