"""Who is next at a desk: the rules, free of any storage.

Three rules, in order:
1. Priority categories take turns with regular visitors by their configured ratio
   (smooth weighted round robin per desk), so priority never starves the rest.
2. Within the chosen class, a ticket within ``guard`` of its service's wait target is
   urgent; urgent tickets go by earliest deadline, so a low desk weight cannot push a
   service past the branch's 15-minute promise.
3. Otherwise the longest wait multiplied by the desk's weight for the service wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub.domain.model import Ticket

REGULAR = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    ticket: Ticket
    klass: str
    weight: float
    target_ms: int


def pick(
    candidates: Sequence[Candidate],
    ratios: Mapping[str, int],
    rotation: Mapping[str, int],
    now_ms: int,
    guard_ms: int,
) -> tuple[Candidate | None, dict[str, int]]:
    """Choose among candidates; return the choice and the desk's next rotation state."""
    if not candidates:
        return None, dict(rotation)
    klass, next_rotation = _take_turn({c.klass for c in candidates}, ratios, rotation)
    pool = [c for c in candidates if c.klass == klass]
    urgent = [c for c in pool if now_ms - c.ticket.waiting_since_ms >= c.target_ms - guard_ms]
    if urgent:
        chosen = min(
            urgent,
            key=lambda c: (c.ticket.waiting_since_ms + c.target_ms, c.ticket.waiting_since_ms),
        )
    else:
        chosen = min(
            pool,
            key=lambda c: (
                -(now_ms - c.ticket.waiting_since_ms) * c.weight,
                c.ticket.waiting_since_ms,
                c.ticket.id,
            ),
        )
    return chosen, next_rotation


def _take_turn(
    classes: set[str], ratios: Mapping[str, int], rotation: Mapping[str, int]
) -> tuple[str, dict[str, int]]:
    """Smooth weighted round robin (as in nginx) over the classes that have candidates."""

    def weight(klass: str) -> int:
        return 1 if klass == REGULAR else ratios.get(klass, 1)

    total = sum(weight(k) for k in classes)
    current = dict(rotation)
    for klass in classes:
        current[klass] = current.get(klass, 0) + weight(klass)
    chosen = max(sorted(classes), key=lambda k: (current[k], weight(k)))
    current[chosen] -= total
    return chosen, current
