"""Failed attempts counted in a sliding window: the arithmetic under every guessing limit.

Wrong PINs (``hub.staff.limits``), pairing codes and booking codes (``hub.devices.pairing``)
all count here; it sits below both packages so that neither imports the other.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_MS = 15 * 60_000


@dataclass
class Window:
    """Failures per key (an account or an address) within a sliding window."""

    tries: int
    window_ms: int = WINDOW_MS
    _failures: dict[str, deque[int]] = field(default_factory=dict)

    def wait_ms(self, key: str, now_ms: int) -> int:
        """How long ``key`` must wait before its next try: 0 while it has tries left."""
        recent = self._recent(key, now_ms)
        if len(recent) < self.tries:
            return 0
        return recent[-self.tries] + self.window_ms - now_ms

    def failed(self, key: str, now_ms: int) -> None:
        self._failures.setdefault(key, deque()).append(now_ms)

    def forgive(self, key: str, now_ms: int) -> None:
        """Take back the last failure of ``key`` (the try counted wrong was right)."""
        failures = self._failures.get(key)
        if failures:
            failures.pop()
        self._recent(key, now_ms)

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str, now_ms: int) -> deque[int]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now_ms - self.window_ms:
            failures.popleft()
        if not failures:
            # Forget quiet keys, so that memory does not grow with every address seen.
            self._failures.pop(key, None)
        return failures


def whole_seconds(ms: int) -> int:
    """``ms`` rounded up, for the "wait N s" of a refusal (never "wait 0 s")."""
    return (ms + 999) // 1000
