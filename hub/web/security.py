"""CSRF tokens and request limits of the web pages; staff sign in through ``hub.staff``.

- Staff sign in with their ``[[operators]]`` id and PIN (``hub/staff``, docs/staff.md):
  the session token the hub gives is kept in an HttpOnly cookie sent only to
  ``/operator`` pages, and lives in the hub's memory like every staff session.
- Every form carries a CSRF token equal to a random cookie of the browser (double
  submit); a form posted from another site cannot read it.
- Limits: bookings and "notify me" requests are rate-limited per address, and code
  lookups too, in front of the hub's own count of wrong codes per caller.
"""

from __future__ import annotations

import hmac
import secrets
from collections import deque
from dataclasses import dataclass, field

CSRF_COOKIE = "okno_csrf"
STAFF_COOKIE = "okno_staff"
# Roles that may use the call-centre page (book for callers, see bookings by phone).
CALL_CENTRE_ROLES = frozenset({"operator", "administrator"})


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, form_value: str | None) -> bool:
    return bool(cookie and form_value) and hmac.compare_digest(str(cookie), str(form_value))


@dataclass
class RateLimit:
    """At most ``limit`` actions per key in a sliding window; answers the wait in seconds."""

    limit: int
    window_ms: int
    _seen: dict[str, deque[int]] = field(default_factory=dict)

    def take(self, key: str, now_ms: int) -> int:
        """Count one action; 0 if allowed, else the seconds to wait (nothing counted)."""
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now_ms - self.window_ms:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(1, (seen[0] + self.window_ms - now_ms + 999) // 1000)
        seen.append(now_ms)
        if len(self._seen) > 10_000:
            # Forget quiet addresses, so that memory does not grow with every one seen.
            self._seen = {k: v for k, v in self._seen.items() if v}
        return 0
