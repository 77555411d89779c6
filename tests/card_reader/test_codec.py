"""APDUs, status words and PIN blocks against byte sequences published in ISO 7816-4 and EMV."""

from __future__ import annotations

import pytest

from card_reader import codec, errors
from card_reader.codec import Command, Response


def hexb(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


@pytest.mark.parametrize(
    ("command", "published"),
    [
        # EMV Book B: SELECT PPSE.
        (
            codec.select_aid(b"2PAY.SYS.DDF01"),
            "00 A4 04 00 0E 32 50 41 59 2E 53 59 53 2E 44 44 46 30 31 00",
        ),
        # EMV Book 1 12.2.2: SELECT PSE (contact).
        (
            codec.select_aid(b"1PAY.SYS.DDF01"),
            "00 A4 04 00 0E 31 50 41 59 2E 53 59 53 2E 44 44 46 30 31 00",
        ),
        # Visa credit/debit AID.
        (codec.select_aid(hexb("A0000000031010")), "00 A4 04 00 07 A0 00 00 00 03 10 10 00"),
        # The UEC identification application.
        (codec.select_aid(hexb("A000000432900001")), "00 A4 04 00 08 A0 00 00 04 32 90 00 01 00"),
        # ISO 7816-4 5.3.4: GET RESPONSE after 61 14.
        (codec.get_response(0x14), "00 C0 00 00 14"),
        # EMV Book 3 6.5.11: READ RECORD 1 of SFI 1.
        (codec.read_record(1, 1), "00 B2 01 0C 00"),
        (codec.read_binary(0, sfi=1), "00 B0 81 00 00"),
        (codec.read_binary(0x0123, 0x40), "00 B0 01 23 40"),
        (codec.get_data(0x9F17), "00 CA 9F 17 00"),
        (codec.verify_status(0x80), "00 20 00 80"),
    ],
)
def test_commands_encode_as_published(command: Command, published: str) -> None:
    assert command.encode() == hexb(published)
    assert codec.parse_command(hexb(published)) == command


@pytest.mark.parametrize(
    ("command", "encoded"),
    [
        # ISO 7816-4 5.1, the four cases, short.
        (Command(0x00, 0x84, 0, 0), "00 84 00 00"),
        (Command(0x00, 0x84, 0, 0, le=8), "00 84 00 00 08"),
        (Command(0x00, 0xB0, 0, 0, le=256), "00 B0 00 00 00"),
        (Command(0x00, 0xD6, 0, 0, b"\x01\x02"), "00 D6 00 00 02 01 02"),
        (Command(0x80, 0xA8, 0, 0, b"\x83\x00", 256), "80 A8 00 00 02 83 00 00"),
        # Extended: Le alone as 00 xx xx, Le after data as xx xx, 65536 as 00 00.
        (Command(0x00, 0xB0, 0, 0, le=0x0400), "00 B0 00 00 00 04 00"),
        (Command(0x00, 0xB0, 0, 0, le=65536), "00 B0 00 00 00 00 00"),
        (Command(0x00, 0xD6, 0, 0, bytes(300)), "00 D6 00 00 00 01 2C" + "00" * 300),
        (
            Command(0x00, 0x2A, 0x9E, 0x9A, bytes(300), 512),
            "00 2A 9E 9A 00 01 2C" + "00" * 300 + "02 00",
        ),
    ],
)
def test_the_four_cases_short_and_extended(command: Command, encoded: str) -> None:
    assert command.encode() == hexb(encoded)
    assert codec.parse_command(hexb(encoded)) == command


def test_a_short_command_can_be_sent_extended() -> None:
    assert Command(0, 0xB0, 0, 0, le=256).encode(extended=True) == hexb("00 B0 00 00 00 01 00")
    with pytest.raises(errors.MalformedData):
        Command(0, 0xB0, 0, 0, le=257).encode(extended=False)


@pytest.mark.parametrize(
    "raw", ["00 A4 04", "00 A4 04 00 05 01 02", "00 A4 04 00 00 00 05 01", "00 B0 00 00 00 00"]
)
def test_malformed_commands_are_refused(raw: str) -> None:
    with pytest.raises(errors.MalformedData):
        codec.parse_command(hexb(raw))


def test_long_data_is_chained_with_cla_bit_5_and_le_on_the_last() -> None:
    command = Command(0x00, 0xDA, 0x01, 0x02, bytes(range(256)) + bytes(44), 256)
    pieces = codec.chain(command)
    assert [p.cla for p in pieces] == [0x10, 0x00]
    assert [len(p.data) for p in pieces] == [255, 45]
    assert [p.le for p in pieces] == [None, 256]
    assert b"".join(p.data for p in pieces) == command.data
    assert pieces[0].encode()[:5] == hexb("10 DA 01 02 FF")
    assert codec.chain(Command(0, 0xDA, 0, 0, b"abc")) == [Command(0, 0xDA, 0, 0, b"abc")]


def test_responses_split_data_and_status() -> None:
    response = Response.parse(hexb("6F 00 90 00"))
    assert (response.data, response.sw, response.ok) == (b"\x6f\x00", 0x9000, True)
    assert Response.parse(hexb("61 14")).sw1 == 0x61
    with pytest.raises(errors.MalformedData):
        Response.parse(b"\x90")


@pytest.mark.parametrize(
    ("sw", "kind", "builtin"),
    [
        (0x6A82, errors.FileNotFound, LookupError),
        (0x6A83, errors.RecordNotFound, LookupError),
        (0x6A88, errors.FileNotFound, LookupError),
        (0x6982, errors.SecurityNotSatisfied, PermissionError),
        (0x6983, errors.PinBlocked, PermissionError),
        (0x63C0, errors.PinBlocked, PermissionError),
        (0x63C2, errors.WrongPin, PermissionError),
        (0x6700, errors.WrongLength, ValueError),
        (0x6A86, errors.WrongParameters, ValueError),
        (0x6B00, errors.WrongParameters, ValueError),
        (0x6A80, errors.WrongParameters, ValueError),
        (0x6D00, errors.NotSupported, ValueError),
        (0x6E00, errors.NotSupported, ValueError),
        (0x6985, errors.ConditionsNotSatisfied, PermissionError),
        (0x6987, errors.SecureMessagingRequired, PermissionError),
        (0x6988, errors.SecureMessagingRequired, PermissionError),
        (0x6F00, errors.CardFailure, RuntimeError),
        (0x6581, errors.CardFailure, RuntimeError),
        (0x6999, errors.ConditionsNotSatisfied, PermissionError),
        (0x9F10, errors.CardStatusError, RuntimeError),
    ],
)
def test_status_words_become_typed_errors(
    sw: int, kind: type[errors.CardStatusError], builtin: type[Exception]
) -> None:
    error = codec.error_for(sw)
    assert type(error) is kind
    assert isinstance(error, builtin)
    assert error.sw == sw
    with pytest.raises(kind):
        codec.check(Response(b"", sw >> 8, sw & 0xFF))


def test_wrong_pin_says_how_many_tries_are_left() -> None:
    error = codec.error_for(0x63C2)
    assert isinstance(error, errors.WrongPin)
    assert error.tries_left == 2
    assert error.code == "wrong_pin"


@pytest.mark.parametrize(
    ("sw", "kind", "tries_left"),
    [
        # ISO 7816-4 11.5.6: 6300 "verification failed" says no counter; 63Cx says x tries.
        (0x6300, errors.WrongPin, None),
        (0x63C2, errors.WrongPin, 2),
        (0x63C0, errors.PinBlocked, 0),
        (0x6983, errors.PinBlocked, 0),
    ],
)
def test_a_refused_verify_is_a_wrong_pin_with_or_without_a_counter(
    sw: int, kind: type[errors.WrongPin | errors.PinBlocked], tries_left: int | None
) -> None:
    with pytest.raises(kind) as refused:
        codec.check_verify(Response(b"", sw >> 8, sw & 0xFF))
    assert type(refused.value) is kind
    assert refused.value.code in ("wrong_pin", "pin_blocked")
    assert refused.value.tries_left == tries_left
    assert codec.check_verify(Response(b"", 0x90, 0x00)).ok


@pytest.mark.parametrize(
    ("sw", "absent"),
    [
        (0x6A82, True),  # file or application not found
        (0x6A81, True),  # function not supported
        (0x6E00, True),  # class not supported
        (0x6D00, True),  # instruction not supported
        (0x6999, True),  # selection failed (Java Card)
        (0x6283, False),  # the application is there, blocked
        (0x6982, False),
        (0x6F00, False),
        (0x9000, False),
    ],
)
def test_which_answers_to_select_mean_no_such_application(sw: int, absent: bool) -> None:
    assert codec.not_this_application(sw) is absent


def test_success_and_end_of_file_pass() -> None:
    assert codec.check(Response(b"ab", 0x90, 0x00)).data == b"ab"
    assert codec.check(Response(b"ab", 0x62, 0x82)).data == b"ab"


@pytest.mark.parametrize(
    ("pin", "block"),
    [
        # EMV Book 3 6.5.12: plaintext offline PIN 1234.
        ("1234", "24 12 34 FF FF FF FF FF"),
        ("12345", "25 12 34 5F FF FF FF FF"),
        # GlobalPlatform Card Specification 2.0.1 (as OpenSC quotes it).
        ("123456789012", "2C 12 34 56 78 90 12 FF"),
    ],
)
def test_iso_9564_format_2_pin_blocks(pin: str, block: str) -> None:
    assert codec.pin_block(bytearray(pin.encode())) == hexb(block)


def test_the_verify_apdu_carries_the_block_in_a_wipeable_buffer() -> None:
    block = codec.pin_block(bytearray(b"1234"))
    apdu = codec.verify_buffer(0x80, block)
    # EMV Book 3: VERIFY with a plaintext PIN block.
    assert apdu == hexb("00 20 00 80 08 24 12 34 FF FF FF FF FF")
    codec.wipe(apdu, block)
    assert apdu == bytes(13)
    assert block == bytes(8)


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "12 34", ""])
def test_what_cannot_be_a_pin_is_refused_before_the_card(pin: str) -> None:
    with pytest.raises(errors.BadPin):
        codec.pin_block(bytearray(pin.encode()))


@pytest.mark.parametrize(
    ("data", "digits"),
    [
        ("47 61 73 90 01 01 00 10", "4761739001010010"),
        ("01 12 23 34 45 95", "011223344595"),
        ("12 34 5F FF", "12345"),
        ("19 85 03 14", "19850314"),
    ],
)
def test_packed_bcd(data: str, digits: str) -> None:
    assert codec.bcd_digits(hexb(data)) == digits


def test_digits_to_bcd_pad_left_with_zeros_or_right_with_f() -> None:
    assert codec.digits_bcd("11223344595", 6) == hexb("01 12 23 34 45 95")
    assert codec.digits_bcd("12345", pad="right") == hexb("12 34 5F")
    with pytest.raises(errors.MalformedData):
        codec.digits_bcd("1234567", 3)
    with pytest.raises(errors.MalformedData):
        codec.bcd_digits(b"\x1a")


def test_a_command_repr_never_shows_its_data() -> None:
    command = Command(0x00, 0x20, 0x00, 0x01, hexb("24 12 34 FF FF FF FF FF"))
    assert "12 34" not in repr(command)
    assert "1234" not in repr(command)
    assert repr(command) == "Command(00 20 00 01 Lc=8)"
