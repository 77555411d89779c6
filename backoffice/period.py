"""The period a report covers, in a module of its own so the queries and the reports
that name them both take it from below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive (branch-local days); ``branches`` () = all."""

    start: date
    end: date
    branches: tuple[str, ...] = ()
