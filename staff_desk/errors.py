"""Errors of the desk unit, each saying what a person can do about it.

The specific errors also inherit a builtin, so code that knows nothing of okno still
catches them sensibly (refused settings are a ``ValueError``, a lost hub a
``ConnectionError``). ``code`` is stable: logs and tests match on it, never on the text.
"""

from __future__ import annotations

from okno.errors import OknoError


class DeskError(OknoError):
    """Root of the desk unit's errors."""

    code = "desk_error"


class BadSettings(DeskError, ValueError):
    """The device configuration from the hub cannot drive this unit; nothing was changed."""

    code = "bad_settings"


class PinConflict(BadSettings):
    """Two functions (a button, a colour of the light) were given the same GPIO pin."""

    code = "pin_conflict"


class PinUnavailable(DeskError, ValueError):
    """gpiozero cannot use a pin here: not on this board, taken, or no GPIO at all."""

    code = "pin_unavailable"


class UnknownDesk(DeskError, LookupError):
    """The configured desk is not in the branch; the unit calls nobody until it is fixed."""

    code = "unknown_desk"


class HubLost(DeskError, ConnectionError):
    """The hub cannot be reached; the press was dropped, never sent later."""

    code = "hub_lost"

    def __init__(self, message: str, *, maybe_done: bool = False) -> None:
        super().__init__(message)
        # True when a request went out but no answer came: the hub may have acted.
        self.maybe_done = maybe_done


class PressRefused(DeskError, RuntimeError):
    """The hub refused the press (nobody at the desk, recall limit...): ``reason`` says why."""

    code = "press_refused"

    def __init__(self, reason: str, hub_code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        # The hub's own stable error code ("desk_busy", "no_current_ticket"), if it sent one.
        self.hub_code = hub_code
