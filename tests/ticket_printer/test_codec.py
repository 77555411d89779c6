"""ESC/POS bytes, both directions, against the command reference's own examples."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image

from ticket_printer import codec
from ticket_printer.codec import (
    Align,
    NvKeys,
    PrinterState,
    PrinterStatus,
    ProcessDone,
    StatusAnswer,
)
from ticket_printer.errors import BadStatus, TemplateError


def checker(width: int, height: int) -> Image.Image:
    """A 1-bit picture whose top-left dot is black and whose dots alternate after it."""
    image = Image.new("1", (width, height), 1)
    for x, y in itertools.product(range(width), range(height)):
        if (x + y) % 2 == 0:
            image.putpixel((x, y), 0)
    return image


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (codec.initialise(), "1b 40"),
        (codec.select_code_page(17), "1b 74 11"),
        (codec.select_code_page(0), "1b 74 00"),
        (codec.align(Align.LEFT), "1b 61 00"),
        (codec.align(Align.CENTER), "1b 61 01"),
        (codec.align(Align.RIGHT), "1b 61 02"),
        (codec.char_size(1, 1), "1d 21 00"),
        (codec.char_size(2, 2), "1d 21 11"),
        (codec.char_size(1, 2), "1d 21 01"),
        (codec.char_size(8, 8), "1d 21 77"),
        (codec.emphasis(True), "1b 45 01"),
        (codec.emphasis(False), "1b 45 00"),
        (codec.feed_lines(3), "1b 64 03"),
        (codec.feed_dots(12), "1b 4a 0c"),
        (codec.cut(), "1d 56 42 00"),
        (codec.cut(24), "1d 56 42 18"),
        (codec.qr_model(), "1d 28 6b 04 00 31 41 32 00"),
        (codec.qr_module_size(6), "1d 28 6b 03 00 31 43 06"),
        (codec.qr_error_correction("M"), "1d 28 6b 03 00 31 45 31"),
        (codec.qr_error_correction("H"), "1d 28 6b 03 00 31 45 33"),
        (codec.qr_store(b"okno"), "1d 28 6b 07 00 31 50 30 6f 6b 6e 6f"),
        (codec.qr_print(), "1d 28 6b 03 00 31 51 30"),
        (codec.nv_print("LG"), "1d 28 4c 06 00 30 45 4c 47 01 01"),
        (codec.nv_print("LG", 2, 2), "1d 28 4c 06 00 30 45 4c 47 02 02"),
        (codec.nv_delete("LG"), "1d 28 4c 04 00 30 42 4c 47"),
        (codec.nv_key_list_request(), "1d 28 4c 04 00 30 40 4b 43"),
        (codec.status_request(1), "10 04 01"),
        (codec.status_request(2), "10 04 02"),
        (codec.status_request(4), "10 04 04"),
        (codec.process_id_request("0042"), "1d 28 48 06 00 30 30 30 30 34 32"),
        (codec.process_id_answer("0042"), "37 22 30 30 34 32 00"),
        (codec.nv_key_list_answer(("LG", "A0")), "37 72 40 4c 47 41 30 00"),
        (codec.nv_key_list_answer(()), "37 72 40 00"),
    ],
)
def test_commands_are_byte_exact(made: bytes, expected: str) -> None:
    assert made.hex(" ") == expected


def test_native_qr_is_model_size_level_store_print_in_that_order() -> None:
    assert codec.qr_code(b"okno", 5) == (
        codec.qr_model()
        + codec.qr_module_size(5)
        + codec.qr_error_correction("M")
        + codec.qr_store(b"okno")
        + codec.qr_print()
    )


def test_raster_image_packs_rows_msb_first_with_white_padding() -> None:
    # 10 x 2 dots: two bytes per row; the 6 padding bits of each row stay 0 (white).
    data = codec.raster_image(checker(10, 2))
    assert data.hex(" ") == "1d 76 30 00 02 00 02 00 aa 80 55 40"


def test_raster_image_takes_any_mode_and_thresholds_grey() -> None:
    grey = Image.new("L", (8, 1), 255)
    grey.putpixel((0, 0), 0)
    grey.putpixel((1, 0), 100)  # dark grey prints
    grey.putpixel((2, 0), 200)  # light grey does not
    assert codec.raster_image(grey)[-1] == 0b1100_0000


def test_nv_define_stores_a_monochrome_raster_under_its_key() -> None:
    data = codec.nv_define("LG", checker(10, 2))
    # pL pH = 11 + 4 data bytes: m fn a kc1 kc2 b xL xH yL yH c, then the rows.
    assert data.hex(" ") == ("1d 28 4c 0f 00 30 43 30 4c 47 01 0a 00 02 00 31 aa 80 55 40")


def test_nv_define_switches_to_gs_8_l_beyond_64_kb() -> None:
    data = codec.nv_define("LG", Image.new("1", (2048, 300), 1))
    payload = 11 + 256 * 300
    assert data[:7] == bytes((0x1D, 0x38, 0x4C)) + payload.to_bytes(4, "little")
    assert data[7:9] == b"\x30\x43"
    assert len(data) == 7 + payload


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: codec.char_size(9, 1), ValueError),
        (lambda: codec.char_size(1, 0), ValueError),
        (lambda: codec.qr_module_size(17), ValueError),
        (lambda: codec.qr_store(b""), TemplateError),
        (lambda: codec.qr_store(b"x" * 7090), TemplateError),
        (lambda: codec.nv_print("L"), ValueError),
        (lambda: codec.nv_print("Л1"), ValueError),
        (lambda: codec.nv_print("LG", 3), ValueError),
        (lambda: codec.status_request(3), ValueError),
        (lambda: codec.process_id_request("42"), ValueError),
        (lambda: codec.process_id_request("００４２"), ValueError),
        (lambda: codec.feed_lines(256), ValueError),
        (lambda: codec.cut(-1), ValueError),
    ],
)
def test_out_of_range_parameters_are_refused(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("job_id", "process_id"), [(0, "0000"), (7, "0007"), (9999, "9999"), (123_456, "3456")]
)
def test_process_id_is_the_job_id_modulo_10000(job_id: int, process_id: str) -> None:
    assert codec.process_id_for(job_id) == process_id


READY = PrinterStatus()


@pytest.mark.parametrize(
    ("n", "byte", "status"),
    [
        (1, 0x12, READY),
        (1, 0x16, READY),  # drawer kick-out connector pin 3 high: nothing to do with us
        (1, 0x1A, PrinterStatus(online=False)),
        (1, 0x32, READY),  # waiting for online recovery alone
        (2, 0x12, READY),
        (2, 0x16, PrinterStatus(cover_open=True)),
        (2, 0x1A, READY),  # paper being fed by the feed button
        (2, 0x32, PrinterStatus(paper_out=True)),
        (2, 0x52, PrinterStatus(error=True)),
        (4, 0x12, READY),
        (4, 0x1E, PrinterStatus(paper_near_end=True)),
        (4, 0x72, PrinterStatus(paper_out=True)),
        (4, 0x7E, PrinterStatus(paper_near_end=True, paper_out=True)),
    ],
)
def test_status_bytes_mean_what_the_manual_says(n: int, byte: int, status: PrinterStatus) -> None:
    assert codec.parse_status(n, bytes((byte,))) == status


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (b"\x00", "00"),  # bit 1 and bit 4 clear
        (b"\xff", "ff"),  # bits 0 and 7 set
        (b"\x13", "13"),  # bit 0 set
        (b"\x92", "92"),  # bit 7 set
        (b"\x02", "02"),  # bit 4 clear
        (b"\x10", "10"),  # bit 1 clear
        (b"\x37", "37"),  # a process ID header is not a status
    ],
)
def test_garbage_status_bytes_raise_bad_status_naming_them(answer: bytes, shown: str) -> None:
    with pytest.raises(BadStatus, match=f"answered {shown}, not a status byte"):
        codec.parse_status(1, answer)


@pytest.mark.parametrize(("answer", "what"), [(b"", "got nothing"), (b"\x12\x12", "2 bytes")])
def test_truncated_or_overlong_status_answers_raise_bad_status(answer: bytes, what: str) -> None:
    with pytest.raises(BadStatus, match=what):
        codec.parse_status(4, answer)


def test_bad_status_is_a_value_error_with_a_stable_code() -> None:
    with pytest.raises(ValueError, match="ff") as caught:
        codec.parse_status(2, b"\xff")
    assert caught.value.code == "bad_status"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "status",
    [
        PrinterStatus(*flags)
        for flags in itertools.product((True, False), repeat=5)
        if flags[0] or not any(flags[1:])  # encode folds every fault into "offline"
    ],
)
def test_encoded_status_parses_back(status: PrinterStatus) -> None:
    parsed = PrinterStatus()
    for n in codec.STATUS_REQUESTS:
        parsed |= codec.parse_status(n, codec.encode_status(n, status))
    assert parsed.state == status.state
    assert (parsed.paper_out, parsed.cover_open, parsed.error) == (
        status.paper_out,
        status.cover_open,
        status.error,
    )


@pytest.mark.parametrize(
    ("status", "state", "reason"),
    [
        (READY, PrinterState.READY, "ready"),
        (PrinterStatus(paper_near_end=True), PrinterState.PAPER_NEAR_END, "paper near end"),
        (PrinterStatus(paper_out=True, online=False), PrinterState.PAPER_OUT, "paper out"),
        (PrinterStatus(cover_open=True, online=False), PrinterState.COVER_OPEN, "cover open"),
        (PrinterStatus(error=True), PrinterState.ERROR, "printer error"),
        (PrinterStatus(online=False), PrinterState.OFFLINE, "offline"),
        (PrinterStatus(paper_out=True, cover_open=True), PrinterState.PAPER_OUT, "paper out"),
    ],
)
def test_state_is_the_condition_that_matters_most(
    status: PrinterStatus, state: PrinterState, reason: str
) -> None:
    assert status.state is state
    assert status.reason == reason
    assert state.can_print == (state in (PrinterState.READY, PrinterState.PAPER_NEAR_END))


def test_answers_are_found_in_a_mixed_stream() -> None:
    stream = bytes.fromhex("12 37 22 30 30 30 37 00 16 37 72 40 4c 47 00 72")
    assert codec.scan_answers(stream) == (
        [
            StatusAnswer(0x12),
            ProcessDone("0007"),
            StatusAnswer(0x16),
            NvKeys(("LG",)),
            StatusAnswer(0x72),
        ],
        b"",
    )


@pytest.mark.parametrize("cut_at", range(1, 7))
def test_a_process_id_answer_split_across_reads_is_kept_for_the_next(cut_at: int) -> None:
    answer = codec.process_id_answer("1234")
    found, tail = codec.scan_answers(b"\x12" + answer[:cut_at])
    assert (found, tail) == ([StatusAnswer(0x12)], answer[:cut_at])
    assert codec.scan_answers(tail + answer[cut_at:]) == ([ProcessDone("1234")], b"")


def test_an_nv_key_list_with_more_to_come_says_so() -> None:
    assert codec.scan_answers(bytes.fromhex("37 72 41 4c 47 00")) == (
        [NvKeys(("LG",), more=True)],
        b"",
    )


@pytest.mark.parametrize(
    "stream",
    [
        "12 ff",  # garbage after a good status
        "00",
        "37 22 30 30 41 31 00",  # a letter among the digits
        "37 22 30 30 30 31 ff",  # no NUL
        "37 99",  # unknown identifier
        "37 72 40 4c 00",  # a key code of one byte
        "37 72 33 4c 47 00",  # unknown list status
        "37 72 40" + " 41" * 90,  # a key list that never ends
    ],
)
def test_a_stream_with_garbage_raises_bad_status_with_the_bytes_in_hex(stream: str) -> None:
    data = bytes.fromhex(stream)
    with pytest.raises(BadStatus, match="printer sent") as caught:
        codec.scan_answers(data)
    assert "check" in str(caught.value)
