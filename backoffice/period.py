"""The period a report covers, in a module of its own so the queries and the reports
that name them both take it from below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive (branch-local days); ``branches`` () = all.

    ``now_ms``: the moment the report is read, from the caller's clock, for what is counted
    as of now (an application overdue today); None: each branch's day as its last event
    tells it, so that a report of stored events alone gives the same table at any time.
    """

    start: date
    end: date
    branches: tuple[str, ...] = ()
    now_ms: int | None = None
