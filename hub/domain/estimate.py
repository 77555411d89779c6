"""Expected waits from what the hall is doing now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hub.domain.model import WaitEstimate

_SMOOTHING = 0.2
_LONGEST_PLAUSIBLE_S = 4 * 3600


class ServiceTimes:
    """Recent average service duration per service (exponentially weighted).

    Starts from the configured averages, so the first estimates of a day are sensible.
    """

    def __init__(self, defaults_s: Mapping[str, float]) -> None:
        self._average = dict(defaults_s)

    def observe(self, service_id: str, duration_s: float) -> None:
        # A visit forgotten open overnight says nothing about how long service takes.
        if not 0 < duration_s <= _LONGEST_PLAUSIBLE_S:
            return
        old = self._average.get(service_id, duration_s)
        self._average[service_id] = old + _SMOOTHING * (duration_s - old)

    def average_s(self, service_id: str) -> float:
        return self._average[service_id]

    def reconfigure(self, defaults_s: Mapping[str, float]) -> None:
        """Keep what was learnt for services that remain; start new ones from defaults."""
        self._average = {sid: self._average.get(sid, d) for sid, d in defaults_s.items()}


def estimate_wait(
    service_id: str,
    people_ahead: int,
    open_desks: Sequence[Mapping[str, float]],
    waiting: Mapping[str, int],
    average_s: float,
) -> WaitEstimate:
    """Wait of someone with ``people_ahead`` before them in ``service_id``.

    Each open desk gives the service the share of its time that the service's weighted
    backlog takes among all the services that desk serves.
    """
    capacity = 0.0
    for weights in open_desks:
        if service_id not in weights:
            continue
        backlog = {sid: waiting.get(sid, 0) + (sid == service_id) for sid in weights}
        total = sum(weights[sid] * n for sid, n in backlog.items())
        capacity += weights[service_id] * backlog[service_id] / total
    if capacity == 0:
        return WaitEstimate(
            people_ahead, 0, known=False, reason="no open desk serves this service now"
        )
    return WaitEstimate(people_ahead, round(people_ahead * average_s / capacity), known=True)
