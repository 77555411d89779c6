"""Every piece with a number in it that the voice menu can say, so that all of it is
synthesised before the first call (``Prompts.prepare`` at start) and no caller waits for
espeak-ng. The fixed sentences are the menus' (``ivr.menus``); :func:`pieces` is the rest,
and :func:`phrases` both together.

Bounds are what a branch can meet; anything beyond (the 301st person waiting, a slot at
06:55) is still said, only synthesised on first use, about 50 ms once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from ivr import words

MAX_PEOPLE = 300  # a crowded centre's morning queue
FIRST_HOUR, LAST_HOUR = 7, 21  # slots a branch can open, on the 5 minutes
SLOT_STEP_MINUTES = 5
_WAIT_STEP_S = 30  # finer than any rounding in words.wait_text: every text it gives


def wait_texts() -> list[str]:
    """Every distinct text ``words.wait_text`` can give, shortest wait first."""
    limit = (words.MAX_WAIT_HOURS + 1) * 3600
    return list(dict.fromkeys(words.wait_text(s) for s in range(0, limit, _WAIT_STEP_S)))


def day_texts(today: date, days_ahead: int) -> list[str]:
    """The days a booking can fall on, from ``today`` to ``days_ahead`` days later."""
    return [words.day_text(today + timedelta(days=d), today) for d in range(days_ahead + 1)]


def time_texts() -> list[str]:
    """Slot times from FIRST_HOUR to the end of LAST_HOUR, every SLOT_STEP_MINUTES."""
    return [
        words.time_text(time(hour, minute))
        for hour in range(FIRST_HOUR, LAST_HOUR + 1)
        for minute in range(0, 60, SLOT_STEP_MINUTES)
    ]


def pieces(today: date, days_ahead: int) -> list[str]:
    """Every people count, wait, day, slot time, code character and status piece the menus
    say, without repeats. (``words.minutes`` is not among them: no menu says a bare count
    of minutes today; waits are ``wait_text``.)"""
    found = [
        *(words.count_people(n) for n in range(MAX_PEOPLE + 1)),
        *wait_texts(),
        *day_texts(today, days_ahead),
        *time_texts(),
        *(piece for char in words.CODE_ALPHABET for piece in words.code_pieces(char)),
        *words.status_texts(),
    ]
    return list(dict.fromkeys(found))


def phrases(fixed: Iterable[str], today: date, days_ahead: int) -> list[str]:
    """The menus' fixed sentences (``fixed``) and :func:`pieces`, each text once."""
    return list(dict.fromkeys([*fixed, *pieces(today, days_ahead)]))
