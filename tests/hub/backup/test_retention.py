"""Which archives `okno backup` keeps: the last of each of 14 days and of 8 weeks."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hub.backup.retention import Archive, archives, to_prune


def daily(days: int, start: datetime = datetime(2026, 1, 5, 2, 0)) -> list[Archive]:
    return [
        Archive(Path(f"msk-01-{at:%Y%m%d-%H%M%S}.okno-backup"), "msk-01", at)
        for at in (start + timedelta(days=d) for d in range(days))
    ]


def test_a_year_of_daily_backups_keeps_14_days_and_8_weeks() -> None:
    year = daily(364)  # Monday 5 January 2026 to Sunday 3 January 2027
    kept = [a for a in year if a not in to_prune(year, keep_daily=14, keep_weekly=8)]
    days = {a.taken.date() for a in kept}
    assert year[-1] in kept
    assert all(a in kept for a in year[-14:])
    weeks = {a.taken.isocalendar()[:2] for a in kept}
    assert len(weeks) == 8
    assert len(days) == 14 + 6  # the last two weeks' Sundays are among the 14 days
    assert all(a.taken.weekday() == 6 for a in kept if a not in year[-14:])


def test_two_backups_in_a_day_keep_the_later() -> None:
    morning, evening = daily(1), daily(1, datetime(2026, 1, 5, 20, 0))
    assert to_prune(morning + evening, keep_daily=14, keep_weekly=8) == morning


def test_a_half_written_archive_is_never_listed(tmp_path: Path) -> None:
    (tmp_path / "msk-01-20260105-020000.okno-backup").write_bytes(b"age")
    (tmp_path / "msk-01-20260106-020000.okno-backup.partial").write_bytes(b"ag")
    (tmp_path / "notes.txt").write_text("")
    assert [a.path.name for a in archives(tmp_path)] == ["msk-01-20260105-020000.okno-backup"]
