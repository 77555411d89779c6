"""PC/SC part 10 (v2.02.09, "IFDs with secure PIN entry"): reader features and PIN_VERIFY_STRUCTURE.

Pure bytes <-> values. A reader with a PIN pad answers the control code
``CM_IOCTL_GET_FEATURE_REQUEST`` (``SCARD_CTL_CODE(3400)``) with a list of
``tag (1) | length (1) = 4 | control code (4, big-endian)``; a reader without one fails
the control call, or lists no ``FEATURE_VERIFY_PIN_DIRECT``. The PIN then never passes
through the host: the reader builds the PIN block into the APDU template itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from card_reader.codec import INS_VERIFY, PIN_BLOCK_SIZE, PIN_MAX, PIN_MIN
from card_reader.errors import MalformedData

FEATURE_VERIFY_PIN_DIRECT = 0x06
FEATURE_MODIFY_PIN_DIRECT = 0x07
FEATURE_IFD_PIN_PROPERTIES = 0x0A
# pcsc-lite's SCARD_CTL_CODE(code) is 0x42000000 + code.
CM_IOCTL_GET_FEATURE_REQUEST = 0x42000000 + 3400

# Windows language ids (wLangId): messages on the PIN pad's own screen.
LANG_RUSSIAN = 0x0419
LANG_ENGLISH = 0x0409


def parse_features(answer: bytes) -> dict[int, int]:
    """Feature tag -> control code, from the answer to GET_FEATURE_REQUEST."""
    features: dict[int, int] = {}
    pos = 0
    while pos < len(answer):
        if pos + 2 > len(answer):
            raise MalformedData("feature list is cut off")
        tag, length = answer[pos], answer[pos + 1]
        if length != 4 or pos + 2 + length > len(answer):
            raise MalformedData(f"feature {tag:02X} has length {length}, not 4")
        features[tag] = int.from_bytes(answer[pos + 2 : pos + 6], "big")
        pos += 2 + length
    return features


@dataclass(frozen=True, slots=True)
class PinPadRequest:
    """What the reader's PIN pad is asked to do: VERIFY with a format 2 block for ``reference``."""

    reference: int
    cla: int = 0x00
    min_digits: int = PIN_MIN
    max_digits: int = PIN_MAX
    timeout_s: int = 30
    lang_id: int = LANG_RUSSIAN


def verify_pin_structure(request: PinPadRequest) -> bytes:
    """PIN_VERIFY_STRUCTURE for FEATURE_VERIFY_PIN_DIRECT, format 2 (ISO 9564-1) PIN block.

    Same settings as OpenSC's for GlobalPlatform "GLP" PINs: BCD digits from bit 8 of the
    block (bmFormatString 0x41), a 4-bit length in an 8-byte block (bmPINBlockString 0x48)
    at bit 4 (bmPINLengthFormat 0x04); the template is the VERIFY APDU with
    ``20 FF FF FF FF FF FF FF``. 16-bit and 32-bit fields are little-endian (USB CCID).
    """
    if not 1 <= request.min_digits <= request.max_digits <= PIN_MAX:
        raise MalformedData("PIN sizes must be 1 <= min <= max <= 12")
    template = bytes((request.cla, INS_VERIFY, 0x00, request.reference, PIN_BLOCK_SIZE))
    template += b"\x20" + b"\xff" * (PIN_BLOCK_SIZE - 1)
    timeout = min(max(request.timeout_s, 0), 255)
    return (
        bytes((timeout, timeout, 0x41, 0x48, 0x04))
        + (request.min_digits << 8 | request.max_digits).to_bytes(2, "little")
        + bytes((0x02, 0x01))  # entry ends on the OK key; one message ("enter PIN")
        + request.lang_id.to_bytes(2, "little")
        + bytes((0x00, 0x00, 0x00, 0x00))  # bMsgIndex, bTeoPrologue
        + len(template).to_bytes(4, "little")
        + template
    )
