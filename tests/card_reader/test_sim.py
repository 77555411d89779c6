"""The simulated cards' applets on their own: what they answer, byte for byte."""

from __future__ import annotations

from card_reader import codec, tlv
from card_reader.channel import CardChannel
from card_reader.codec import Command, Response
from card_reader.profiles.uec import UEC_ID_AID, parse_identity
from card_reader.sim import (
    SAMPLE_HOLDER,
    UEC_ATR,
    AppletLink,
    BlankApplet,
    EmvApplet,
    IsoApplet,
    UecApplet,
    UecState,
    make_atr,
)


def answer(applet: IsoApplet, apdu: str) -> Response:
    return Response.parse(applet.process(bytes.fromhex(apdu.replace(" ", ""))))


def selected(state: UecState | None = None) -> UecApplet:
    applet = UecApplet(state)
    assert answer(applet, "00 A4 04 00 08 A0 00 00 04 32 90 00 01 00").sw1 == 0x61
    return applet


def test_the_atr_has_a_valid_check_byte() -> None:
    assert UEC_ATR[:4] == bytes.fromhex("3B 89 80 01".replace(" ", ""))
    check = 0
    for byte in UEC_ATR[1:]:
        check ^= byte
    assert check == 0
    assert make_atr(b"")[-1] == 0x80 ^ 0x80 ^ 0x01


def test_select_answers_61xx_and_get_response_hands_out_the_fci() -> None:
    applet = UecApplet()
    first = answer(applet, "00 A4 04 00 08 A0 00 00 04 32 90 00 01 00")
    assert (first.sw1, first.data) == (0x61, b"")
    fci = answer(applet, f"00 C0 00 00 {first.sw2:02X}")
    assert fci.ok and UEC_ID_AID in fci.data
    assert answer(applet, "00 C0 00 00 10").sw == 0x6985


def test_get_response_in_pieces() -> None:
    applet = UecApplet()
    answer(applet, "00 A4 04 00 08 A0 00 00 04 32 90 00 01 00")
    part = answer(applet, "00 C0 00 00 05")
    assert len(part.data) == 5 and part.sw1 == 0x61
    rest = answer(applet, f"00 C0 00 00 {part.sw2:02X}")
    assert rest.ok and len(part.data + rest.data) == 5 + part.sw2


def test_the_pin_counter_goes_down_and_back_up() -> None:
    state = UecState(pin="2580")
    applet = selected(state)
    assert answer(applet, "00 20 00 01").sw == 0x63C3
    assert answer(applet, "00 20 00 01 08 24 12 34 FF FF FF FF FF").sw == 0x63C2
    assert answer(applet, "00 B0 81 00 00").sw == 0x6982
    assert answer(applet, "00 20 00 01 08 24 25 80 FF FF FF FF FF").sw == 0x9000
    assert (state.tries_left, state.verified) == (3, True)
    assert answer(applet, "00 20 00 01").sw == 0x9000
    applet.reset()
    assert not state.verified


def test_three_wrong_pins_block_it_for_good() -> None:
    state = UecState()
    applet = selected(state)
    sws = [answer(applet, "00 20 00 01 08 24 00 00 FF FF FF FF FF").sw for _ in range(3)]
    assert sws == [0x63C2, 0x63C1, 0x63C0]
    assert answer(applet, "00 20 00 01 08 24 12 34 FF FF FF FF FF").sw == 0x6983
    applet.reset()
    assert answer(selected(state), "00 20 00 01").sw == 0x6983


def test_a_malformed_pin_block_is_refused() -> None:
    applet = selected()
    assert answer(applet, "00 20 00 01 08 14 12 34 FF FF FF FF FF").sw == 0x6A80
    assert answer(applet, "00 20 00 01 08 24 1A 34 FF FF FF FF FF").sw == 0x6A80
    assert answer(applet, "00 20 00 02").sw == 0x6A88


def test_reading_with_the_wrong_le_gets_6cxx() -> None:
    applet = selected(UecState(pin_required=False))
    wrong = answer(applet, "00 B0 81 00 00")
    assert wrong.sw1 == 0x6C
    right = answer(applet, f"00 B0 81 00 {wrong.sw2:02X}")
    assert right.sw1 == 0x61
    data = answer(applet, f"00 C0 00 00 {right.sw2:02X}").data
    assert parse_identity(data).snils == SAMPLE_HOLDER.snils
    assert answer(applet, "00 B0 7F FF 01").sw == 0x6B00


def test_a_chained_command_is_put_together() -> None:
    applet = UecApplet(t0=False)
    channel = CardChannel(AppletLink(applet))
    select = codec.select_aid(UEC_ID_AID)
    pieces = codec.chain(select, 3)
    for piece in pieces[:-1]:
        assert channel.exchange(piece).ok
    last = channel.exchange(pieces[-1])
    assert last.ok and UEC_ID_AID in last.data
    assert [p.cla for p in pieces] == [0x10, 0x10, 0x00]


def test_the_channel_chains_long_data_itself() -> None:
    applet = BlankApplet()
    link = AppletLink(applet)
    channel = CardChannel(link)
    channel.exchange(Command(0x00, 0xA4, 0x04, 0x00, bytes(300), 256))
    assert [h[0] for h in link.sent] == [0x10, 0x00]


def test_a_card_can_refuse_a_select_the_ways_iso_7816_4_allows() -> None:
    for sw in (0x6A81, 0x6E00, 0x6999):
        uec_ = UecApplet(absent_sw=sw)
        assert answer(uec_, "00 A4 04 00 07 A0 00 00 00 03 10 10 00").sw == sw
        assert answer(BlankApplet(absent_sw=sw), "00 A4 04 00 07 A0 00 00 00 03 10 10 00").sw == sw
        emv_ = EmvApplet(absent_sw=sw, with_ppse=False)
        assert answer(emv_, "00 A4 04 00 0E 32 50 41 59 2E 53 59 53 2E 44 44 46 30 31 00").sw == sw


def test_a_uec_can_keep_its_pin_counter_to_itself() -> None:
    state = UecState(hides_tries=True)
    applet = selected(state)
    assert answer(applet, "00 20 00 01").sw == 0x6300
    assert answer(applet, "00 20 00 01 08 24 00 00 FF FF FF FF FF").sw == 0x6300
    assert answer(applet, "00 20 00 01 08 24 12 34 FF FF FF FF FF").sw == 0x9000
    assert answer(applet, "00 20 00 01").sw == 0x9000
    state.tries_left = 0
    assert answer(applet, "00 20 00 01").sw == 0x6983


def test_a_uec_can_write_a_data_object_as_given() -> None:
    odd = bytes.fromhex("D0D1D2D3D4D5D6D7")
    applet = selected(UecState(pin_required=False, exact_le=False, raw_objects={0x5F2B: odd}))
    data = answer(applet, "00 B0 81 00 00")
    (template,) = tlv.parse(answer(applet, f"00 C0 00 00 {data.sw2:02X}").data)
    found = {obj.tag: obj.value for obj in template.children}
    assert found[0x5F2B] == odd
    assert found[0xDF27] == bytes.fromhex("011223344595")


def test_a_ppse_entry_can_carry_an_empty_priority() -> None:
    fci = answer(
        EmvApplet(priority=b""), "00 A4 04 00 0E 32 50 41 59 2E 53 59 53 2E 44 44 46 30 31 00"
    )
    assert tlv.find(fci.data, 0x87) == tlv.Tlv(0x87, b"")
    assert bytes.fromhex("8700") in fci.data


def test_a_blank_card_has_no_application() -> None:
    applet = BlankApplet()
    assert answer(applet, "00 A4 04 00 08 A0 00 00 04 32 90 00 01 00").sw == 0x6A82
    assert answer(applet, "00 B0 00 00 00").sw == 0x6D00
