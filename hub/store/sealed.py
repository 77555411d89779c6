"""A booking's code sealed into the event log, for the branch's own restore only.

The log leaves a booking's code out (hub/store/codec.py): it admits to the booking, and
the log travels to the back office. But a hub restored from an older backup gets the
bookings made after it from the back office's copy of the log, and without their codes
their visitors could not check in. So each booking's event carries its code encrypted
with a key of the hub's own (``<db>-pki/codes.key``, in the hub's backups, never sent):
the back office holds bytes it cannot read, the restore reads them back.

AES-SIV: deterministic, so an event resent to the back office is byte for byte the one
it holds; the booking's id is bound in, so a sealed code moved to another booking does
not open. Codes are unique, so equal ciphertexts tell nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from hub.domain.model import Appointment

# The hub's key file's name, beside its CA (hub/store/secrets.py file_key).
CODES_KEY = "codes"
_LABEL = b"okno.booking-code.v1"

Sealer = Callable[[Appointment], str]


def sealer(key: bytes) -> Sealer:
    cipher = AESSIV(key)

    def seal(appointment: Appointment) -> str:
        sealed = cipher.encrypt(appointment.code.encode(), [_LABEL, _bound(appointment.id)])
        return base64.b64encode(sealed).decode()

    return seal


def unseal(key: bytes, appointment_id: int, sealed: str) -> str:
    """The code; ValueError when ``sealed`` was not sealed for this booking with ``key``."""
    try:
        data = base64.b64decode(sealed, validate=True)
        return AESSIV(key).decrypt(data, [_LABEL, _bound(appointment_id)]).decode()
    except (InvalidTag, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"booking {appointment_id}: its sealed code does not open") from error


def _bound(appointment_id: int) -> bytes:
    return str(appointment_id).encode()
