"""Errors of the device-side runtime, each telling the technician what to do."""

from __future__ import annotations

from okno.errors import OknoError


class DeviceError(OknoError):
    """Root of the device runtime's errors."""

    code = "device_error"


class IdentityDamaged(DeviceError, ValueError):
    """The device's private key on disk cannot be read; it must be enrolled again."""

    code = "identity_damaged"


class InvalidAdvert(DeviceError, ValueError):
    """A zeroconf TXT record lacks a field or carries one too long to be trusted."""

    code = "invalid_advert"


class HubNotFound(DeviceError, TimeoutError):
    """No hub answered on the LAN in time, so the device cannot enroll or connect."""

    code = "hub_not_found"


class HubUnreachable(DeviceError, ConnectionError):
    """The hub's network port did not answer with TLS, or without its CA."""

    code = "hub_unreachable"


class JournalDamaged(DeviceError, ValueError):
    """The device's journal of run commands holds a line that is not a command id."""

    code = "journal_damaged"


class MembershipDamaged(DeviceError, ValueError):
    """The certificate, CA or hub address the device keeps cannot be used as they are."""

    code = "membership_damaged"
