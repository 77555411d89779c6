"""PC/SC part 10: the reader's feature list and the PIN pad's VERIFY structure, byte for byte."""

from __future__ import annotations

import pytest
from smartcard import scard

from card_reader.errors import MalformedData
from card_reader.part10 import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    FEATURE_IFD_PIN_PROPERTIES,
    FEATURE_VERIFY_PIN_DIRECT,
    PinPadRequest,
    parse_features,
    verify_pin_structure,
)


def test_the_feature_request_code_is_pcsc_lites() -> None:
    assert scard.SCARD_CTL_CODE(3400) == CM_IOCTL_GET_FEATURE_REQUEST == 0x42000D48


def test_a_pin_pad_readers_feature_list() -> None:
    # What a CCID PIN pad reader answers under pcsc-lite (tag, 04, control code big-endian).
    answer = bytes.fromhex("06 04 42 33 00 06 07 04 42 33 00 07 0A 04 42 33 00 0A".replace(" ", ""))
    features = parse_features(answer)
    assert features[FEATURE_VERIFY_PIN_DIRECT] == 0x42330006
    assert features[FEATURE_IFD_PIN_PROPERTIES] == 0x4233000A
    assert parse_features(b"") == {}


@pytest.mark.parametrize("answer", ["06 04 42 33 00", "06 02 42 33", "06"])
def test_a_broken_feature_list_is_malformed(answer: str) -> None:
    with pytest.raises(MalformedData):
        parse_features(bytes.fromhex(answer.replace(" ", "")))


def test_pin_verify_structure_for_a_format_2_block() -> None:
    structure = verify_pin_structure(PinPadRequest(reference=0x01))
    expected = (
        "1E 1E"  # bTimerOut, bTimerOut2: 30 s
        " 41 48 04"  # BCD from bit 8; 4-bit length in an 8-byte block; length at bit 4
        " 0C 04"  # wPINMaxExtraDigit 0x040C: 4 to 12 digits, little-endian
        " 02 01"  # entry ends on OK; one message
        " 19 04"  # wLangId 0x0419, Russian
        " 00 00 00 00"  # bMsgIndex, bTeoPrologue
        " 0D 00 00 00"  # ulDataLength 13
        " 00 20 00 01 08 20 FF FF FF FF FF FF FF"  # VERIFY template, empty format 2 block
    )
    assert structure == bytes.fromhex(expected.replace(" ", ""))
