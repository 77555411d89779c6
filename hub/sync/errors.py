"""What stops the hub's sync to the back office."""

from __future__ import annotations

from okno.errors import OknoError


class SyncError(OknoError):
    """Base of the sync's errors."""


class BadSyncSettings(SyncError):
    """--backoffice and the branch secret do not make a usable setting."""


class SyncRefused(SyncError):
    """The back office refuses the branch's events for good: a setting must change."""


class FetchFailed(SyncError):
    """The back office did not hand the branch's events back."""

    code = "fetch_failed"


class FetchRefused(FetchFailed, PermissionError):
    """The back office does not take the secret for the branch (or does not know it)."""

    code = "fetch_refused"


class BackOfficeUnreachable(FetchFailed, ConnectionError):
    """The back office did not answer a fetch (not reached, or not in time)."""

    code = "backoffice_unreachable"
