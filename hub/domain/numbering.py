"""Daily ticket numbers and the branch's day in its own time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def ticket_number(prefix: str, serial: int) -> str:
    """ "А001": the prefix and at least three digits, as visitors read it on the board."""
    return f"{prefix}{serial:03d}"


def ticket_id(day: str, number: str) -> str:
    return f"{day}/{number}"


def local_time(now_ms: int, timezone: str) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, ZoneInfo(timezone))


def branch_day(now_ms: int, timezone: str) -> str:
    """The branch's local date: numbering starts again at its midnight."""
    return local_time(now_ms, timezone).date().isoformat()
