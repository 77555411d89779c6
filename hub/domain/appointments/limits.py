"""Booking limits per person: how many bookings one phone number or card may hold.

Without a limit one phone number could take every passport slot of a week and resell
them. A person is a normalised phone number or a card's keyed SNILS hash (never the SNILS
itself); the bookings that count are those still to come (booked, their check-in not yet
closed): a cancelled one, a no-show and a visit checked in hold nothing. The period is
the branch's calendar day, week (Monday to Sunday) or month of the slot asked for, so
that "one a week" means one in the slot's week, whenever it was booked.

Pure: the book asks it inside the command that books or moves, so that no other booking
runs between the count and the insert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from hub.domain.branch import Branch, Period
from hub.domain.model import Appointment, AppointmentState


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``most`` bookings for ``services`` (together) in each ``per``."""

    services: frozenset[str]
    per: Period
    most: int


@dataclass(frozen=True, slots=True)
class Breach:
    """The limit a booking would break, and the person's booking that fills it first."""

    limit: Limit
    held: Appointment


def limits_of(config: Branch) -> dict[str, tuple[Limit, ...]]:
    """Each bookable service's limits: those naming it, else the default one, if any."""
    rules = config.appointments
    named = [Limit(config.limited_services(limit), limit.per, limit.most) for limit in rules.limits]
    found: dict[str, tuple[Limit, ...]] = {}
    for service_id in rules.capacity:
        own = tuple(limit for limit in named if service_id in limit.services)
        if not own and rules.default_limit is not None:
            own = (
                Limit(frozenset({service_id}), rules.default_limit.per, rules.default_limit.most),
            )
        if own:
            found[service_id] = own
    return found


def period(day: date, per: Period) -> tuple[date, date]:
    """The first and last day of the ``per`` that holds ``day``."""
    if per == "day":
        return day, day
    if per == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def breach(
    limits: Iterable[Limit],
    service_id: str,
    day: date,
    held: Iterable[Appointment],
    *,
    day_of: Callable[[int], date],
    still_to_come: Callable[[Appointment], bool],
    moving: int | None = None,
) -> Breach | None:
    """The first limit a booking of ``service_id`` on ``day`` would break, or None.

    ``held`` are the person's bookings (by phone and by card, each once); ``moving`` is
    the id of the booking being moved, which does not count against itself.
    """
    counted = sorted(
        (
            a
            for a in held
            if a.id != moving and a.state is AppointmentState.BOOKED and still_to_come(a)
        ),
        key=lambda a: (a.slot_ms, a.id),
    )
    for limit in limits:
        if service_id not in limit.services:
            continue
        first, last = period(day, limit.per)
        within = [
            a
            for a in counted
            if a.service_id in limit.services and first <= day_of(a.slot_ms) <= last
        ]
        if len(within) >= limit.most:
            return Breach(limit, within[0])
    return None
