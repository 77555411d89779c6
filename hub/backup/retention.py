"""Which archives to keep: the newest of each of the last days and of the last weeks.

Pure: archives are told by their names, which carry the branch time they were taken at
(hub/backup/take.py), so the days and weeks are the branch's, whatever the machine's
time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.backup.layout import SUFFIX

_NAME = re.compile(r"^(?P<branch>.+)-(?P<at>\d{8}-\d{6})" + re.escape(SUFFIX) + "$")


@dataclass(frozen=True, slots=True)
class Archive:
    path: Path
    branch_id: str
    # Branch time, naive: as the name carries it.
    taken: datetime


def archives(folder: Path) -> list[Archive]:
    """The complete archives in ``folder``, oldest first; a ``.partial`` is none."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        archive = archive_of(path)
        if archive is not None and path.is_file():
            found.append(archive)
    return sorted(found, key=lambda a: (a.taken, a.path.name))


def archive_of(path: Path) -> Archive | None:
    """The archive ``path``'s name says it is, or None: not an archive's name (a
    ``.partial``, say), or a time that never was."""
    named = _NAME.fullmatch(path.name)
    if named is None:
        return None
    try:
        taken = datetime.strptime(named["at"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return Archive(path, named["branch"], taken)


def taken_ms(archive: Archive, timezone: str) -> int:
    """When the archive was taken, Unix ms, from the branch time its name carries."""
    return int(archive.taken.replace(tzinfo=ZoneInfo(timezone)).timestamp() * 1000)


def to_prune(found: Iterable[Archive], keep_daily: int, keep_weekly: int) -> list[Archive]:
    """What falls outside both the newest ``keep_daily`` days' last backups and the
    newest ``keep_weekly`` ISO weeks' last backups. The newest archive is always kept."""
    newest_first = sorted(found, key=lambda a: a.taken, reverse=True)
    kept: set[Path] = {a.path for a in newest_first[:1]}
    for period, keep in ((_day, keep_daily), (_week, keep_weekly)):
        seen: list[str] = []
        for archive in newest_first:
            key = period(archive.taken)
            if key not in seen:
                seen.append(key)
                if len(seen) <= keep:
                    kept.add(archive.path)
    return [a for a in reversed(newest_first) if a.path not in kept]


def _day(taken: datetime) -> str:
    return taken.date().isoformat()


def _week(taken: datetime) -> str:
    year, week, _ = taken.isocalendar()
    return f"{year}-W{week:02d}"
