"""The rules of a visitor's rating of a service (pure; docs/ratings.md).

A ticket's service may be rated once, 1..5, only after it was finished (a no-show or a
cancelled ticket was never served) and only within a window after that, so that a rating
still speaks of that visit. The facts come from the event log: the ``service_finished``
event says who served the ticket, at which desk, and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.model import Rating, RatingChannel
from hub.errors import AlreadyRated, BadScore, NotRatable, RatingClosed

SCORES = range(1, 6)
WINDOW_MS = 24 * 3_600_000
# The desk's button box rates the visitor who has just left the desk, not a later one.
DESK_WINDOW_MS = 10 * 60_000


@dataclass(frozen=True, slots=True)
class Served:
    """A finished service as the log tells it."""

    ticket_id: str
    number: str
    service_id: str
    desk_id: str
    operator_id: str
    finished_at_ms: int


def check_score(score: int) -> int:
    if score not in SCORES:
        raise BadScore(f"a rating is a score from 1 to 5, not {score}")
    return score


def channel_of(name: str) -> RatingChannel:
    try:
        return RatingChannel(name)
    except ValueError:
        known = ", ".join(c.value for c in RatingChannel)
        raise BadScore(f'no rating channel "{name}": the channels are {known}') from None


def rate(
    served: Served | None,
    ticket_id: str,
    *,
    rated: bool,
    score: int,
    channel: RatingChannel,
    now_ms: int,
    window_ms: int = WINDOW_MS,
) -> Rating:
    """The rating to record, or the rule it breaks (BadScore, NotRatable, ...AlreadyRated)."""
    check_score(score)
    if served is None:
        raise NotRatable(
            f"ticket {ticket_id} has no finished service: only a service that was given can "
            "be rated"
        )
    if rated:
        raise AlreadyRated(
            f"the service of ticket {served.number} was rated already: each visit is rated once"
        )
    if now_ms - served.finished_at_ms > window_ms:
        hours = window_ms // 3_600_000
        raise RatingClosed(
            f"the service of ticket {served.number} ended more than {hours} h ago: it can no "
            "longer be rated"
        )
    return Rating(
        ticket_id=served.ticket_id,
        service_id=served.service_id,
        desk_id=served.desk_id,
        operator_id=served.operator_id,
        score=score,
        channel=channel,
    )
