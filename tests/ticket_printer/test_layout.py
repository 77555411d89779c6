"""Ticket layout: size on the wire, Cyrillic bytes, and the fallbacks of cheap printers."""

from __future__ import annotations

import pytest

from tests.ticket_printer.conftest import make_slip
from ticket_printer import codec
from ticket_printer import commands as cmd
from ticket_printer.errors import TemplateError
from ticket_printer.interpreter import Interpreter
from ticket_printer.layout import (
    Logo,
    render_pairing_code,
    render_test_page,
    render_ticket,
)
from ticket_printer.profile import (
    BASIC_58,
    PAPER_58,
    PAPER_80,
    PrinterProfile,
    encode_text,
    transliterate,
)

WIDTHS = [PAPER_58, PAPER_80]


@pytest.mark.parametrize("profile", WIDTHS, ids=lambda p: p.name)
def test_a_ticket_with_the_logo_in_nv_memory_and_a_native_qr_fits_in_1_kb(
    profile: PrinterProfile, logo: Logo
) -> None:
    longest = make_slip(
        number="Б9999",
        service_name="Регистрация прав на недвижимое имущество и сделок с ним, выписки из ЕГРН",
        desk_hint="Окна 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12",
        copy=True,
    )
    data = render_ticket(longest, profile, logo, logo_stored=True)
    assert len(data) <= 1024
    assert codec.nv_print("LG") in data
    assert codec.qr_store(longest.status_url.encode()) in data


@pytest.mark.parametrize("profile", WIDTHS, ids=lambda p: p.name)
def test_a_ticket_is_one_job_from_initialise_to_cut(profile: PrinterProfile) -> None:
    data = render_ticket(make_slip(), profile)
    assert data.startswith(codec.initialise() + codec.select_code_page(17))
    assert data.endswith(codec.cut(24))
    assert data.count(codec.cut(24)) == 1


def test_russian_text_goes_out_in_cp866() -> None:
    data = render_ticket(make_slip(), PAPER_80)
    assert "Перед вами: 3".encode("cp866") in data
    assert "Ожидание: около 12 мин".encode("cp866") in data
    assert "По записи на 10:20".encode("cp866") in data
    assert "23.11.2026 10:05".encode("cp866") in data
    # The number is in the largest type that fits: 8 x 8 for four characters.
    assert codec.char_size(8, 8) + "А123".encode("cp866") + b"\n" in data
    assert bytes.fromhex("80 31 32 33") in data  # "А" is 80h in CP866


def test_the_number_shrinks_to_fit_58_mm_paper() -> None:
    data = render_ticket(make_slip(number="А1234"), PAPER_58)
    assert codec.char_size(6, 6) + "А1234".encode("cp866") in data


def test_a_number_too_long_for_the_line_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="33 characters"):
        render_ticket(make_slip(number="А" * 33), PAPER_58)


def test_an_unknown_wait_is_said_in_words_and_no_appointment_line_is_left_out() -> None:
    data = render_ticket(make_slip(wait_minutes=None, appointment=None), PAPER_80)
    assert "Ожидание: уточняется".encode("cp866") in data
    assert "~".encode("cp866") not in data
    assert "По записи".encode("cp866") not in data


def test_a_wait_of_no_minutes_never_prints_zero_and_a_copy_prints_no_stale_wait() -> None:
    now = render_ticket(make_slip(people_ahead=0, wait_minutes=0), PAPER_80)
    assert "Ожидание: вас вызовут сейчас".encode("cp866") in now
    assert "0 мин".encode("cp866") not in now
    assert "Ожидание".encode("cp866") not in render_ticket(make_slip(copy=True), PAPER_80)


def test_a_reprint_says_copy() -> None:
    assert "КОПИЯ".encode("cp866") in render_ticket(make_slip(copy=True), PAPER_80)
    assert "КОПИЯ".encode("cp866") not in render_ticket(make_slip(), PAPER_80)


def test_a_printer_without_cp866_nv_or_qr_gets_latin_text_and_raster_images(logo: Logo) -> None:
    data = render_ticket(make_slip(), BASIC_58, logo, logo_stored=True)
    assert data.startswith(codec.initialise() + codec.select_code_page(0))
    assert b"Pered vami: 3" in data
    assert b"Ozhidanie: okolo 12 min" in data
    assert b"Po zapisi na 10:20" in data
    assert b"A123\n" in data
    assert codec.raster_image(logo.image) in data  # stored or not: it has no NV memory
    assert b"\x1d\x28\x6b" not in data  # no GS ( k
    assert data.count(b"\x1d\x76\x30") == 2  # logo and QR as GS v 0


def test_an_unstored_logo_is_sent_as_raster(logo: Logo) -> None:
    data = render_ticket(make_slip(), PAPER_80, logo, logo_stored=False)
    assert codec.raster_image(logo.image) in data
    assert codec.nv_print("LG") not in data


def test_a_logo_wider_than_the_paper_is_a_template_error(logo: Logo) -> None:
    wide = Logo(logo.image.resize((400, 64)))
    with pytest.raises(TemplateError, match="400 dots wide"):
        render_ticket(make_slip(), PAPER_58, wide)


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("Щука", "Shchuka"),
        ("МФЦ", "MFTS"),
        ("Юрий Ёлкин", "Iurii Elkin"),
        ("подъезд № 5", "podieezd N 5"),
        ("Окно 3", "Okno 3"),
        ("А123", "A123"),
        ("ok", "ok"),
    ],
)
def test_transliteration_follows_russian_passports(text: str, latin: str) -> None:
    assert transliterate(text) == latin


@pytest.mark.parametrize(
    ("text", "cp866", "ascii"),
    [
        ("«Окно» — №1", '"Окно" - №1'.encode("cp866"), b'"Okno" - N1'),
        ("10…12", b"10...12", b"10...12"),
        ("€ 5", b"? 5", b"? 5"),
    ],
)
def test_typography_is_replaced_by_what_the_code_table_has(
    text: str, cp866: bytes, ascii: bytes
) -> None:
    assert encode_text(text, PAPER_80) == cp866
    assert encode_text(text, BASIC_58) == ascii


def test_pairing_code_is_big_and_says_who_to_give_it_to() -> None:
    data = render_pairing_code("K7QM-3TXD", PAPER_58)
    assert codec.char_size(3, 3) + b"K7QM-3TXD\n" in data
    assert "Передайте этот код технику".encode("cp866") in data
    assert data.endswith(codec.cut(24))


@pytest.mark.parametrize("profile", [*WIDTHS, BASIC_58], ids=lambda p: p.name)
def test_test_page_shows_the_ruler_of_the_paper_width(profile: PrinterProfile) -> None:
    data = render_test_page(profile)
    assert ("1234567890" * 5)[: profile.chars_per_line].encode() + b"\n" in data


def test_paper_widths_other_than_58_and_80_are_refused() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        PrinterProfile.for_paper(76)
    assert (PAPER_58.dots_per_line, PAPER_58.chars_per_line) == (384, 32)
    assert (PAPER_80.dots_per_line, PAPER_80.chars_per_line) == (576, 48)


def test_a_large_slip_prints_the_service_the_people_and_the_wait_twice_the_size() -> None:
    """For a visitor guided by the kiosk's voice; decoded as the printer reads it."""
    normal = Interpreter().feed(render_ticket(make_slip(), PAPER_80))
    large = Interpreter().feed(render_ticket(make_slip(large=True), PAPER_80))

    def sized(commands: list[cmd.Command]) -> dict[str, cmd.CharSize]:
        size, found = cmd.CharSize(1, 1), {}
        for command in commands:
            if isinstance(command, cmd.CharSize):
                size = command
            elif isinstance(command, cmd.Text):
                found[command.data.decode("cp866").strip()] = size
        return found

    assert sized(normal)["Перед вами: 3"] == cmd.CharSize(1, 1)
    assert sized(large)["Перед вами: 3"] == cmd.CharSize(2, 2)
    assert sized(large)["Ожидание: около 12 мин"] == cmd.CharSize(2, 2)
    assert sized(large)["гражданина РФ"] == cmd.CharSize(2, 2)
    assert sized(large)["А123"] == sized(normal)["А123"] == cmd.CharSize(8, 8)
    assert sized(large)["23.11.2026 10:05"] == cmd.CharSize(1, 1)
