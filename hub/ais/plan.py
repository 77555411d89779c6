"""What the simulated information system sends: new changes, resends and stale changes.

A real АИС МФЦ resends a change whose answer it lost (the same change id), and may send an
old change late, after a newer one of the same application (a queue replayed after an
outage). A plan holds all three, so a run shows each handled: every new change applied
once, every resend answered "applied before", every stale change refused.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hub.ais.errors import BadPlan
from protos.okno.v1 import applications_pb2

S = applications_pb2
SUSPENDED_BECAUSE = "нужна справка о составе семьи"
# What an accepted application becomes, cycled over the numbers; then a move its new
# status allows, sent stale, so that nothing but its age can refuse it.
_NEW = (
    (S.APPLICATION_STATUS_IN_WORK, ""),
    (S.APPLICATION_STATUS_READY, ""),
    (S.APPLICATION_STATUS_SUSPENDED, SUSPENDED_BECAUSE),
)
_STALE_AFTER = {
    S.APPLICATION_STATUS_IN_WORK: (S.APPLICATION_STATUS_SUSPENDED, SUSPENDED_BECAUSE),
    S.APPLICATION_STATUS_READY: (S.APPLICATION_STATUS_CANCELLED, "документы отозваны"),
    S.APPLICATION_STATUS_SUSPENDED: (S.APPLICATION_STATUS_IN_WORK, ""),
}


class Kind(enum.Enum):
    NEW = "new"
    RESEND = "resend"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class Push:
    """One SetStatus call the information system makes."""

    number: str
    status: S.ApplicationStatus.ValueType
    change_id: str
    changed_at_ms: int
    kind: Kind
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """``burst``: new changes with resends racing them, all sent at once; ``late``: resends
    and stale changes sent once the burst is answered."""

    burst: tuple[Push, ...]
    late: tuple[Push, ...]

    @property
    def pushes(self) -> tuple[Push, ...]:
        return self.burst + self.late

    def of(self, kind: Kind) -> list[Push]:
        return [p for p in self.pushes if p.kind is kind]


def plan(
    numbers: Sequence[str],
    *,
    run: str,
    start_ms: int,
    resends: float = 0.1,
    stale: int = 5,
    seed: int = 0,
) -> Plan:
    """One new change for each of ``numbers`` (ids ``<run>-<i>``, made at ``start_ms + i``),
    a share ``resends`` of them sent twice (half racing the first copy, half late), and
    ``stale`` of them followed late by a change made just before them."""
    if not 0 <= resends <= 1:
        raise BadPlan(f"--resends is a share of the changes, 0 to 1, not {resends}")
    rng = random.Random(seed)
    new = [_new(i, number, run, start_ms) for i, number in enumerate(numbers)]
    resent = [replace(p, kind=Kind.RESEND) for p in rng.sample(new, round(resends * len(new)))]
    racing, late_resends = resent[: len(resent) // 2], resent[len(resent) // 2 :]
    olds = [_stale(p) for p in rng.sample(new, min(stale, len(new)))]
    burst = new + racing
    rng.shuffle(burst)
    late = late_resends + olds
    rng.shuffle(late)
    return Plan(tuple(burst), tuple(late))


def _new(index: int, number: str, run: str, start_ms: int) -> Push:
    status, reason = _NEW[index % len(_NEW)]
    return Push(number, status, f"{run}-{index}", start_ms + index, Kind.NEW, reason)


def _stale(after: Push) -> Push:
    """A change the system made just before ``after``, arriving after it."""
    status, reason = _STALE_AFTER[after.status]
    return Push(
        after.number, status, f"{after.change_id}-old", after.changed_at_ms - 1, Kind.STALE, reason
    )
