"""Errors of the kiosk; each says what a technician (or the log's reader) can do about it."""

from __future__ import annotations

from okno.errors import OknoError


class KioskError(OknoError):
    """Root of the kiosk's errors."""

    code = "kiosk_error"


class HubUnreachable(KioskError, ConnectionError):
    """The hub did not answer in time (or refused the connection): nothing was shown."""

    code = "hub_unreachable"


class Refusal(KioskError, RuntimeError):
    """The hub answered with a refusal; ``reason`` is its stable ``okno-error`` code."""

    code = "refusal"

    def __init__(self, reason: str, message: str, detail: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.detail = dict(detail or {})


class ScreenFailed(KioskError, RuntimeError):
    """The kiosk's QML did not load: the install is broken (the QML error names the file)."""

    code = "screen_failed"


class KeypadUnavailable(KioskError, RuntimeError):
    """The tactile keypad's GPIO pins cannot be opened: the settings or the wiring are wrong."""

    code = "keypad_unavailable"
