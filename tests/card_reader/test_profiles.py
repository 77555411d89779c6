"""The UEC and EMV profiles: their data objects from tables, their flows against the applets."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from card_reader import tlv
from card_reader.channel import CardChannel
from card_reader.errors import MalformedData, SecureMessagingRequired
from card_reader.identity import BankCardHolder, Sex
from card_reader.pin import KeypadEntry, PinEntry
from card_reader.profiles import emv
from card_reader.profiles.emv import EmvProfile
from card_reader.profiles.uec import UecProfile, encode_identity, parse_identity
from card_reader.sim import (
    SAMPLE_HOLDER,
    AppletLink,
    BlankApplet,
    EmvApplet,
    UecApplet,
    UecState,
)
from tests.card_reader.conftest import REFUSALS, ScriptedKeypad


def objects(*pairs: tuple[int, bytes]) -> bytes:
    return tlv.encode(0x70, b"".join(tlv.encode(tag, value) for tag, value in pairs))


NAMES = ((0xDF2D, "Петров".encode("iso8859_5")), (0xDF2E, "Пётр".encode("iso8859_5")))


@pytest.mark.parametrize(
    ("extra", "field", "value"),
    [
        ((0x5F2B, bytes.fromhex("19850314")), "birth_date", date(1985, 3, 14)),
        ((0x5F2B, b"19850314"), "birth_date", date(1985, 3, 14)),
        ((0x5F35, b"M"), "sex", Sex.MALE),
        ((0x5F35, b"f"), "sex", Sex.FEMALE),
        ((0x5F35, b"1"), "sex", Sex.MALE),
        ((0x5F35, b"\x02"), "sex", Sex.FEMALE),
        ((0xDF27, bytes.fromhex("011223344595")), "snils", "11223344595"),
        ((0xDF2B, bytes.fromhex("7755443322110099")), "oms_policy", "7755443322110099"),
        ((0xDF2F, "Петрович".encode("iso8859_5")), "patronymic", "Петрович"),
    ],
)
def test_identity_data_objects(extra: tuple[int, bytes], field: str, value: object) -> None:
    identity = parse_identity(objects(*NAMES, extra))
    assert (identity.surname, identity.name) == ("Петров", "Пётр")
    assert getattr(identity, field) == value


@pytest.mark.parametrize(
    "pairs",
    [
        ((0xDF2E, b"X"),),
        (*NAMES, (0x5F2B, bytes.fromhex("19851399"))),
        (*NAMES, (0x5F2B, b"1985")),
        # Eight bytes that are not ASCII digits: not ASCII at all, or digits of other scripts.
        (*NAMES, (0x5F2B, bytes.fromhex("D0D1D2D3D4D5D6D7"))),
        (*NAMES, (0x5F2B, "1985031²".encode("latin-1"))),
        (*NAMES, (0x5F2B, "дата рож".encode("iso8859_5"))),
    ],
)
def test_identity_without_a_surname_or_with_a_bad_date_is_malformed(
    pairs: tuple[tuple[int, bytes], ...],
) -> None:
    with pytest.raises(MalformedData):
        parse_identity(objects(*pairs))


def test_the_simulators_template_reads_back_whole() -> None:
    back = parse_identity(encode_identity(SAMPLE_HOLDER))
    assert back == SAMPLE_HOLDER


def test_afl_and_gpo_answers_of_both_formats() -> None:
    assert emv.parse_afl(bytes.fromhex("0801010010010301")) == [(1, 1, 1), (2, 1, 3)]
    format_1 = bytes.fromhex("800A1800 0801010010010301".replace(" ", ""))
    assert emv.afl_from_gpo(format_1) == bytes.fromhex("0801010010010301")
    format_2 = bytes.fromhex("770E82021800940808010100 10010301".replace(" ", ""))
    assert emv.afl_from_gpo(format_2) == bytes.fromhex("0801010010010301")
    with pytest.raises(MalformedData):
        emv.parse_afl(bytes.fromhex("000101"))


def test_the_gpo_fills_the_pdol_with_zeros() -> None:
    pdol = bytes.fromhex("9F66049F02069F3704")
    assert emv.parse_dol(pdol) == [(0x9F66, 4), (0x9F02, 6), (0x9F37, 4)]
    command = emv.gpo_command(pdol).encode()
    assert command == bytes.fromhex("80A8000010830E" + "00" * 14 + "00")
    assert emv.gpo_command(None).encode() == bytes.fromhex("80A8000002830000")


def test_track_2_and_names() -> None:
    assert (
        emv.pan_from_track2(bytes.fromhex("4761739001010010D30122010000000000"))
        == "4761739001010010"
    )
    assert emv.holder_name(b"IVANOVA/MARIA ") == "MARIA IVANOVA"
    assert emv.holder_name(b"CARD HOLDER") == "CARD HOLDER"
    with pytest.raises(MalformedData):
        emv.pan_from_track2(b"\x47\x61")


def ppse(*entries: tuple[bytes, bytes | None]) -> bytes:
    """A PPSE's FCI listing (AID, ``87`` value or None for no ``87``) in order."""
    listed = b"".join(
        tlv.encode(
            0x61, tlv.encode(0x4F, aid) + (b"" if value is None else tlv.encode(0x87, value))
        )
        for aid, value in entries
    )
    return tlv.encode(0x6F, tlv.encode(0xA5, tlv.encode(0xBF0C, listed)))


@pytest.mark.parametrize(
    ("entries", "order"),
    [
        (((emv.VISA, b"\x02"), (emv.MIR, b"\x01")), [emv.MIR, emv.VISA]),
        # EMV Book 1 12.2.3: b8 (cardholder confirmation) is not part of the priority.
        (((emv.VISA, b"\x82"), (emv.MIR, b"\x03")), [emv.VISA, emv.MIR]),
        # An empty 87 (87 00), a missing one and priority 0 all mean "no priority": last.
        (((emv.VISA, b""), (emv.MIR, b"\x0f")), [emv.MIR, emv.VISA]),
        (((emv.VISA, None), (emv.MIR, b"")), [emv.VISA, emv.MIR]),
        (
            ((emv.MASTERCARD, b"\x00"), (emv.VISA, b""), (emv.MIR, b"\x01")),
            [emv.MIR, emv.MASTERCARD, emv.VISA],
        ),
    ],
)
def test_ppse_priorities_order_the_applications(
    entries: tuple[tuple[bytes, bytes | None], ...], order: list[bytes]
) -> None:
    assert emv.aids_from_ppse(ppse(*entries)) == order


def test_ppse_entries_without_an_aid_of_iso_size_are_left_out() -> None:
    listed = ppse((b"", b"\x01"), (b"\xa0\x00", b"\x02"), (emv.VISA, b"\x03"))
    assert emv.aids_from_ppse(listed) == [emv.VISA]


def entry(keypad: ScriptedKeypad) -> PinEntry:
    return KeypadEntry(keypad)


def test_a_bank_card_gives_a_name_and_a_masked_number_without_a_pin() -> None:
    for applet in (EmvApplet(), EmvApplet(aid=emv.VISA, with_ppse=False)):
        channel = CardChannel(AppletLink(applet))
        profile = EmvProfile()
        fci = profile.select(channel)
        assert fci is not None
        keypad = ScriptedKeypad("1234")
        holder, verified = profile.read(channel, fci, partial(entry, keypad))
        assert holder == BankCardHolder("MARIA IVANOVA", "476173******0010")
        assert not verified and not keypad.prompts


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_card_refusing_the_uec_select_in_any_iso_way_has_no_uec(refusal: int) -> None:
    for applet in (EmvApplet(absent_sw=refusal), BlankApplet(absent_sw=refusal)):
        assert UecProfile().select(CardChannel(AppletLink(applet))) is None


# EMV Book 1 12.3.2-12.3.3: 6283, a blocked PPSE or application, is passed over too.
@pytest.mark.parametrize("refusal", [*REFUSALS, pytest.param(0x6283, id="6283")])
def test_a_bank_card_refusing_the_ppse_and_other_aids_is_still_read(refusal: int) -> None:
    applet = EmvApplet(aid=emv.VISA, with_ppse=False, absent_sw=refusal)
    channel = CardChannel(AppletLink(applet))
    profile = EmvProfile()
    fci = profile.select(channel)
    assert fci is not None
    holder, _ = profile.read(channel, fci, partial(entry, ScriptedKeypad()))
    assert holder == BankCardHolder("MARIA IVANOVA", "476173******0010")


def test_a_uec_that_wants_secure_messaging_says_so() -> None:
    channel = CardChannel(AppletLink(UecApplet(UecState(needs_secure_messaging=True))))
    profile = UecProfile()
    fci = profile.select(channel)
    assert fci is not None
    keypad = ScriptedKeypad("1234")
    with pytest.raises(SecureMessagingRequired, match="issuer's keys"):
        profile.read(channel, fci, partial(entry, keypad))
    assert len(keypad.prompts) == 1
