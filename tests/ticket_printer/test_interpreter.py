"""The simulator's ESC/POS state machine: what the codec emits, in any slicing, and more."""

from __future__ import annotations

import pytest

from tests.ticket_printer.conftest import make_slip
from ticket_printer import codec
from ticket_printer import commands as cmd
from ticket_printer.interpreter import Interpreter
from ticket_printer.layout import Logo, render_test_page, render_ticket
from ticket_printer.profile import BASIC_58, PAPER_80


def merged(commands: list[cmd.Command]) -> list[cmd.Command]:
    """Consecutive Text joined, as reads may split text anywhere."""
    out: list[cmd.Command] = []
    for command in commands:
        if isinstance(command, cmd.Text) and out and isinstance(out[-1], cmd.Text):
            out[-1] = cmd.Text(out[-1].data + command.data)
        else:
            out.append(command)
    return out


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codec.initialise(), [cmd.Initialise()]),
        (codec.select_code_page(17), [cmd.CodePage(17)]),
        (codec.align(codec.Align.RIGHT), [cmd.Justify(2)]),
        (b"\x1b\x61\x31", [cmd.Justify(1)]),  # ESC a "1"
        (codec.char_size(8, 8), [cmd.CharSize(8, 8)]),
        (codec.char_size(1, 2), [cmd.CharSize(1, 2)]),
        (codec.emphasis(True), [cmd.Emphasis(True)]),
        (b"\x1b\x21\x38", [cmd.CharSize(2, 2), cmd.Emphasis(True)]),  # ESC ! n
        (codec.feed_lines(2), [cmd.Feed(lines=2)]),
        (codec.feed_dots(12), [cmd.Feed(dots=12)]),
        (codec.cut(24), [cmd.Cut(24)]),
        (b"\x1d\x56\x01", [cmd.Cut(0)]),  # GS V 1: function A takes no n
        (codec.qr_module_size(5), [cmd.QrSetting("module", 5)]),
        (codec.qr_store(b"okno"), [cmd.QrStore(b"okno")]),
        (codec.qr_print(), [cmd.QrPrint()]),
        (codec.nv_print("LG", 2, 1), [cmd.NvPrint("LG", 2, 1)]),
        (codec.nv_delete("LG"), [cmd.NvDelete("LG")]),
        (codec.nv_key_list_request(), [cmd.NvKeyList()]),
        (codec.status_request(4), [cmd.StatusRequest(4)]),
        (codec.process_id_request("0042"), [cmd.ProcessIdRequest("0042")]),
        (b"ab\ncd", [cmd.Text(b"ab"), cmd.LineFeed(), cmd.Text(b"cd")]),
    ],
)
def test_each_command_is_recognised(data: bytes, expected: list[cmd.Command]) -> None:
    assert Interpreter().feed(data) == expected


def test_graphics_keep_their_dots(logo: Logo) -> None:
    width_bytes, height, rows = codec.pack_image(logo.image)
    assert Interpreter().feed(codec.raster_image(logo.image)) == [
        cmd.Raster(width_bytes, height, rows)
    ]
    assert Interpreter().feed(codec.nv_define("LG", logo.image)) == [
        cmd.NvDefine("LG", logo.image.width, height, rows)
    ]


@pytest.mark.parametrize(
    "data",
    [
        render_ticket(make_slip(), PAPER_80, None),
        render_ticket(make_slip(), BASIC_58, Logo.load()),
        render_test_page(PAPER_80),
    ],
    ids=["ticket", "raster ticket", "test page"],
)
def test_a_job_fed_one_byte_at_a_time_gives_the_same_commands(data: bytes) -> None:
    whole = Interpreter().feed(data)
    trickle = Interpreter()
    pieces = [c for i in range(len(data)) for c in trickle.feed(data[i : i + 1])]
    assert merged(pieces) == whole
    assert not any(isinstance(c, cmd.Skipped) for c in whole)


@pytest.mark.parametrize(
    ("other", "skipped"),
    [
        (b"\x1b\x70\x00\x19\xfa", b"\x1b\x70\x00\x19\xfa"),  # ESC p: drawer kick
        (b"\x1b\x2d\x01", b"\x1b\x2d\x01"),  # ESC -: underline
        (b"\x1b\x2a\x00\x02\x00\xff\xff", b"\x1b\x2a\x00\x02\x00\xff\xff"),  # ESC *: 8-dot image
        (b"\x1b\x2a\x21\x01\x00\x0a\x0a\x0a", b"\x1b\x2a\x21\x01\x00\x0a\x0a\x0a"),  # 24-dot
        (b"\x1d\x28\x45\x03\x00\x01\x49\x0a", b"\x1d\x28\x45\x03\x00\x01\x49\x0a"),  # GS ( E
        (b"\x1d\x6b\x04123\x00", b"\x1d\x6b\x04123"),  # GS k m=4: NUL-terminated barcode
        (b"\x1d\x6b\x49\x03\x0a\x0a\x0a", b"\x1d\x6b\x49\x0a\x0a\x0a"),  # GS k m=73
        (b"\x1c\x70\x01\x00", b"\x1c\x70\x01\x00"),  # FS p: legacy NV bit image
        (b"\x10\x14\x01\x00\x05", b"\x10\x14\x01\x00\x05"),  # DLE DC4 fn 1: pulse
    ],
)
def test_other_commands_are_stepped_over_by_their_length(other: bytes, skipped: bytes) -> None:
    # Parameter bytes like 0A (LF) or 1B inside them must not be taken as commands.
    assert Interpreter().feed(other + b"OK\n") == [
        cmd.Skipped(skipped),
        cmd.Text(b"OK"),
        cmd.LineFeed(),
    ]


def test_an_unknown_escape_is_skipped_alone_and_the_rest_still_prints() -> None:
    assert Interpreter().feed(b"\x1b\x01OK") == [cmd.Skipped(b"\x1b\x01"), cmd.Text(b"OK")]


def test_a_lone_dle_leaves_the_next_byte_as_data() -> None:
    assert Interpreter().feed(b"\x10A\x10\x04\x01") == [
        cmd.Text(b"A"),
        cmd.StatusRequest(1),
    ]
