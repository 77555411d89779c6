"""Errors of the operator panel; each message is what the panel shows the operator.

Library errors (gRPC statuses) become these in one place, ``client.py``.
"""

from __future__ import annotations

from staff_desk.errors import DeskError


class PanelError(DeskError):
    """Root of the operator panel's errors."""

    code = "panel_error"


class HubUnreachable(PanelError, ConnectionError):
    """No answer from the hub; ``maybe_done`` when a request left and no answer came."""

    code = "hub_unreachable"

    def __init__(self, message: str, *, maybe_done: bool = False) -> None:
        super().__init__(message)
        self.maybe_done = maybe_done


class ActionRefused(PanelError, RuntimeError):
    """The hub refused the action; ``hub_code`` is its stable error code ("desk_busy")."""

    code = "action_refused"

    def __init__(self, message: str, hub_code: str = "") -> None:
        super().__init__(message)
        self.hub_code = hub_code


class SessionEnded(PanelError, PermissionError):
    """The sign-in is over (signed out elsewhere, PIN changed, expired, hub restarted)."""

    code = "session_ended"
