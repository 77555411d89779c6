"""Simulated time: the hall's day runs ``speed`` times faster than the wall clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime

from hub.domain.branch import Branch
from hub.traffic import morning_ms


class SimClock:
    """Unix milliseconds of the simulated hall; the hub, kiosks and desks all read it.

    With ``running=False`` it reads ``start_ms`` until :meth:`run`: the hall is set up
    (devices enrolled, PINs hashed) at the morning's first moment, however long that takes
    on a slow machine, so a fast run's first visitors do not find the day half gone.
    """

    def __init__(
        self,
        start_ms: int,
        speed: float,
        *,
        real: Callable[[], float] = time.monotonic,
        running: bool = True,
    ) -> None:
        self.start_ms = start_ms
        self.speed = speed
        self._real = real
        self._began = real() if running else None

    def __call__(self) -> int:
        if self._began is None:
            return self.start_ms
        return self.start_ms + int((self._real() - self._began) * self.speed * 1000)

    def run(self) -> None:
        """Start counting from ``start_ms``, now (once; later calls change nothing)."""
        if self._began is None:
            self._began = self._real()

    def real_s(self, simulated_s: float) -> float:
        return max(0.0, simulated_s / self.speed)

    async def sleep(self, simulated_s: float, stop: asyncio.Event) -> bool:
        """Wait ``simulated_s``; False if the demo stopped first."""
        await wait_any([stop], self.real_s(simulated_s))
        return not stop.is_set()

    async def sleep_until(self, at_ms: int, stop: asyncio.Event) -> bool:
        """Wait until the simulated moment ``at_ms``; False if the demo stopped first."""
        return await self.sleep((at_ms - self()) / 1000, stop)


def demo_start_ms(branch: Branch, now: datetime) -> int:
    """Where the demo's day starts: the branch's next open morning (hub.traffic.morning_ms)."""
    return morning_ms(branch, int(now.timestamp() * 1000))


async def wait_any(events: list[asyncio.Event], timeout_s: float) -> None:
    """Return when one of ``events`` is set, or after ``timeout_s``."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
