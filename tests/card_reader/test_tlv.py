"""BER-TLV from real cards' answers: an EMV PPSE and a UEC identification application's FCI."""

from __future__ import annotations

import pytest

from card_reader import tlv
from card_reader.errors import MalformedData
from card_reader.profiles.emv import aids_from_ppse
from card_reader.profiles.uec import UEC_ID_AID

# The answer to SELECT 2PAY.SYS.DDF01 of a Visa card, as EMV Book B's examples show it.
PPSE_FCI = bytes.fromhex(
    "6F23840E325041592E5359532E4444463031A511BF0C0E610C4F07A0000000031010870101"
)
# The FCI of the UEC identification application, from a public UEC terminal library
# (it substitutes this when a card returns an empty FCI).
UEC_FCI = bytes.fromhex(
    "6F5D8001438102169C820138830210008408A0000004329000018A0105A5405F24031603145F2503"
    "1103159F080110C202F000E02AE10CDF20010151020001DF210110E10CDF20010251020002DF2101"
    "10E10CDF20010351020003DF210110"
)


def test_the_ppse_answer_lists_the_visa_application() -> None:
    (fci,) = tlv.parse(PPSE_FCI)
    assert fci.tag == 0x6F and fci.constructed
    name = tlv.find(fci.children, 0x84)
    assert name is not None and name.value == b"2PAY.SYS.DDF01"
    directory = tlv.find([fci], 0xBF0C)
    assert directory is not None and directory.constructed
    assert aids_from_ppse(PPSE_FCI) == [bytes.fromhex("A0000000031010")]


def test_the_uec_fci_names_the_identification_application() -> None:
    objects = tlv.parse(UEC_FCI)
    assert len(UEC_FCI) == 2 + 0x5D
    aid = tlv.find(objects, 0x84)
    assert aid is not None and aid.value == UEC_ID_AID
    expiry = tlv.find(objects, 0x5F24)
    assert expiry is not None and expiry.value == bytes.fromhex("160314")
    # Its data blocks: E1 entries with a block number (DF20) and a file id (51).
    blocks = [(b.children[0].value, b.children[1].value) for b in tlv.find_all(objects, 0xE1)]
    assert blocks == [(b"\x01", b"\x00\x01"), (b"\x02", b"\x00\x02"), (b"\x03", b"\x00\x03")]


@pytest.mark.parametrize(
    ("encoded", "tag", "length"),
    [
        ("5F2B 04 19850314", 0x5F2B, 4),
        ("DF2D 02 C8D2", 0xDF2D, 2),
        ("9F38 03 9F6604", 0x9F38, 3),
        ("9F7F 01 00", 0x9F7F, 1),
        ("7F21 00", 0x7F21, 0),
        # Three-byte tag (the last byte's top bit clear ends it).
        ("5F8101 01 AA", 0x5F8101, 1),
        # Long lengths: 81 for 128..255, 82 for 256..65535.
        ("53 8180" + "00" * 128, 0x53, 128),
        ("53 820100" + "00" * 256, 0x53, 256),
    ],
)
def test_multi_byte_tags_and_long_lengths(encoded: str, tag: int, length: int) -> None:
    raw = bytes.fromhex(encoded.replace(" ", ""))
    (obj,) = tlv.parse(raw)
    assert (obj.tag, len(obj.value)) == (tag, length)
    assert obj.encode() == raw
    assert tlv.total_length(raw[:4]) == len(raw)


def test_padding_bytes_between_objects_are_skipped() -> None:
    objects = tlv.parse(bytes.fromhex("00 5A 01 12 FF FF 5F20 01 41 00".replace(" ", "")))
    assert [(o.tag, o.value) for o in objects] == [(0x5A, b"\x12"), (0x5F20, b"A")]


@pytest.mark.parametrize("raw", ["5A 05 1234", "5F", "53 81", "53 85 0000000001 00", "5F81"])
def test_cut_or_impossible_data_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedData):
        tlv.parse(bytes.fromhex(raw.replace(" ", "")))


def test_total_length_waits_for_enough_bytes() -> None:
    assert tlv.total_length(b"\x70") is None
    assert tlv.total_length(b"\x70\x82\x01") is None
    assert tlv.total_length(b"\x70\x82\x01\x00") == 260
    assert tlv.total_length(b"\x00\x00\x70\x03") == 7


def test_encoding_picks_the_shortest_length() -> None:
    assert tlv.encode_length(0x7F) == b"\x7f"
    assert tlv.encode_length(0x80) == b"\x81\x80"
    assert tlv.encode_length(0x1234) == b"\x82\x12\x34"
    assert tlv.encode(0xDF27, b"\x01") == bytes.fromhex("DF270101")


def test_a_primitive_object_has_no_children_and_a_repr_hides_values() -> None:
    (obj,) = tlv.parse(bytes.fromhex("DF27060112233445 95".replace(" ", "")))
    with pytest.raises(MalformedData):
        _ = obj.children
    assert repr(obj) == "Tlv(DF27, 6 bytes)"
