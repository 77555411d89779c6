"""What stops the hub's sync to the back office."""

from __future__ import annotations

from okno.errors import OknoError


class SyncError(OknoError):
    """Base of the sync's errors."""


class BadSyncSettings(SyncError):
    """--backoffice and the branch secret do not make a usable setting."""


class SyncRefused(SyncError):
    """The back office refuses the branch's events for good: a setting must change."""
