"""How long to wait before trying again, for every outbox of the hub."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds before retry n (1, 2...): first_s, times factor each time, at most longest_s.

    A jitter of a fifth either way keeps many messages from retrying in one burst.
    """

    first_s: float = 5.0
    factor: float = 3.0
    longest_s: float = 600.0

    def after(self, attempts: int) -> float:
        base = min(self.longest_s, self.first_s * self.factor ** max(0, attempts - 1))
        return base * random.uniform(0.8, 1.2)
