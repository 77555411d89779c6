"""Errors of sending messages: a transient one is retried, a refused one is not."""

from __future__ import annotations

from okno.errors import OknoError


class NotifyError(OknoError):
    """Root of the notification errors."""

    code = "notify_error"


class DeliveryFailed(NotifyError, ConnectionError):
    """The gateway or mail server could not be reached or asked to try later: retry."""

    code = "delivery_failed"


class MessageRefused(NotifyError, ValueError):
    """The gateway or mail server refused this message for good (a bad address): drop it."""

    code = "message_refused"
