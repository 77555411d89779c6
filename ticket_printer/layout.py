"""What goes on a queue ticket and where, as ESC/POS bytes for one printer profile.

Pure: a :class:`TicketSlip` and a :class:`PrinterProfile` in, bytes out. The same slip
gives different bytes on a printer without Cyrillic, NV memory or QR firmware, and reads
the same to the visitor.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import qrcode
from PIL import Image

from ticket_printer import codec
from ticket_printer.codec import Align
from ticket_printer.errors import TemplateError
from ticket_printer.profile import PrinterProfile, encode_text, printable

# The branch logo kept in the repository (images/README.md says what it is).
LOGO_PATH = Path(__file__).resolve().parent.parent / "images" / "logo.png"
LOGO_KEY = "LG"
# Dots of paper fed past the cutter so the next ticket's top margin is not cut off.
CUT_FEED_DOTS = 24
# White space under a QR code, so the line below does not touch its quiet zone.
QR_GAP_DOTS = 12


@dataclass(frozen=True, eq=False)
class Logo:
    """A monochrome branch logo and the NV key it is stored under."""

    image: Image.Image
    key: str = LOGO_KEY

    @classmethod
    def load(cls, path: Path = LOGO_PATH, key: str = LOGO_KEY) -> Logo:
        """Read a PNG (any mode) as black and white."""
        with Image.open(path) as image:
            return cls(image.convert("1", dither=Image.Dither.NONE), key)


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on one queue ticket; no visitor's name, by design."""

    branch_name: str
    number: str
    service_name: str
    issued_at: datetime
    people_ahead: int
    wait_minutes: int | None
    desk_hint: str
    status_url: str
    appointment: str | None = None
    copy: bool = False
    # "Льгота: <category>", and what to do about it while the claim is not yet confirmed.
    priority: str | None = None
    # For a visitor with impaired sight: the lines under the number twice the size.
    large: bool = False


@dataclass(frozen=True)
class TextSlip:
    """A slip of text under a title: a payment receipt, a booking's details."""

    title: str
    lines: tuple[str, ...]
    copy: bool = False


def _lines(text: str, profile: PrinterProfile, width: int = 1) -> bytes:
    """Text wrapped at word boundaries to the line at magnification ``width``, each + LF."""
    columns = profile.chars_per_line // width
    wrapped = textwrap.wrap(printable(text, profile), columns, break_long_words=True) or [""]
    return b"".join(encode_text(line, profile) + codec.LF for line in wrapped)


def _fit(text: str, profile: PrinterProfile, largest: int) -> int:
    """The largest magnification (up to ``largest``) at which text fits on one line."""
    shown = printable(text, profile)
    size = min(largest, profile.chars_per_line // max(len(shown), 1))
    if size < 1:
        raise TemplateError(
            f"{shown!r} is {len(shown)} characters; a {profile.paper_mm} mm line holds "
            f"{profile.chars_per_line}"
        )
    return size


def _big(text: str, profile: PrinterProfile, largest: int) -> bytes:
    """One line in the largest type that fits, then back to normal size."""
    size = _fit(text, profile, largest)
    return codec.char_size(size, size) + _lines(text, profile, size) + codec.char_size(1, 1)


def _sized(lines: list[str], profile: PrinterProfile, size: int) -> bytes:
    """Lines at ``size`` times the normal size, then back to normal."""
    text = b"".join(_lines(line, profile, size) for line in lines)
    return text if size == 1 else codec.char_size(size, size) + text + codec.char_size(1, 1)


def _bold(text: str, profile: PrinterProfile) -> bytes:
    return codec.emphasis(True) + _lines(text, profile) + codec.emphasis(False)


def qr_module_dots(profile: PrinterProfile) -> int:
    """Module size that keeps a 40-character URL's QR readable yet narrow on this paper."""
    return 6 if profile.paper_mm >= 80 else 5


def qr_image(data: str, module_dots: int) -> Image.Image:
    """The QR symbol (model 2, level M, no quiet zone) as the printer would draw it."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_dots, border=0
    )
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("1")


def _qr(data: str, profile: PrinterProfile) -> bytes:
    """Native GS ( k where the firmware has it, else the same symbol as a raster image."""
    module = qr_module_dots(profile)
    if profile.has_native_qr:
        return codec.qr_code(data.encode("utf-8"), module, "M")
    return codec.raster_image(qr_image(data, module))


def _start(profile: PrinterProfile) -> bytes:
    return (
        codec.initialise() + codec.select_code_page(profile.code_page) + codec.align(Align.CENTER)
    )


def _end() -> bytes:
    return codec.feed_lines(1) + codec.cut(CUT_FEED_DOTS)


def render_logo(logo: Logo, profile: PrinterProfile, *, stored: bool) -> bytes:
    """The logo by its NV key when the printer holds it, else the whole raster image."""
    if stored and profile.has_nv_graphics:
        return codec.nv_print(logo.key)
    if logo.image.width > profile.dots_per_line:
        raise TemplateError(
            f"the logo is {logo.image.width} dots wide; {profile.paper_mm} mm paper has "
            f"{profile.dots_per_line}"
        )
    return codec.raster_image(logo.image)


def render_ticket(
    slip: TicketSlip,
    profile: PrinterProfile,
    logo: Logo | None = None,
    *,
    logo_stored: bool = False,
) -> bytes:
    """The ticket as one ESC/POS job, ending with a partial cut."""
    if not slip.number:
        raise TemplateError("a ticket needs a number")
    out = bytearray(_start(profile))
    if logo is not None:
        out += render_logo(logo, profile, stored=logo_stored)
    out += _bold(slip.branch_name, profile)
    out += _big(slip.number, profile, 8)
    if slip.copy:
        out += _bold("КОПИЯ", profile)
    # Large: twice as wide and high; else the service's name twice as high.
    width = 2 if slip.large else 1
    out += codec.char_size(width, 2) + _lines(slip.service_name, profile, width)
    out += codec.char_size(1, 1) + _lines(slip.issued_at.strftime("%d.%m.%Y %H:%M"), profile)
    told = [f"Перед вами: {slip.people_ahead}"]
    if not slip.copy:
        told.append(wait_line(slip.wait_minutes))
    out += _sized(told, profile, width)
    if slip.desk_hint:
        out += _lines(slip.desk_hint, profile)
    if slip.status_url:
        out += _qr(slip.status_url, profile) + codec.feed_dots(QR_GAP_DOTS)
    if slip.appointment:
        out += _bold(slip.appointment, profile)
    if slip.priority:
        out += _bold(slip.priority, profile)
    out += _end()
    return bytes(out)


def wait_line(minutes: int | None) -> str:
    """The hub's estimate in words (None: not known); a copy prints none, being stale."""
    if minutes is None:
        return "Ожидание: уточняется"
    if not minutes:
        return "Ожидание: вас вызовут сейчас"
    return f"Ожидание: около {minutes} мин"


def render_slip(
    slip: TextSlip,
    profile: PrinterProfile,
    logo: Logo | None = None,
    *,
    logo_stored: bool = False,
) -> bytes:
    """A text slip as one ESC/POS job: logo, title, then the lines left-aligned, cut."""
    if not slip.title:
        raise TemplateError("a slip needs a title")
    out = bytearray(_start(profile))
    if logo is not None:
        out += render_logo(logo, profile, stored=logo_stored)
    out += _bold(slip.title, profile)
    if slip.copy:
        out += _bold("КОПИЯ", profile)
    out += codec.align(Align.LEFT)
    for line in slip.lines:
        out += _lines(line, profile)
    out += codec.align(Align.CENTER) + _end()
    return bytes(out)


def render_pairing_code(code: str, profile: PrinterProfile) -> bytes:
    """What an unenrolled printer prints: its pairing code, big, for the technician."""
    return (
        _start(profile)
        + _bold("Принтер не подключён", profile)
        + _lines("Код подключения:", profile)
        + _big(code, profile, 4)
        + _lines("Передайте этот код технику", profile)
        + _end()
    )


def render_test_page(profile: PrinterProfile) -> bytes:
    """A page that shows at a glance whether text, sizes, width, Cyrillic and QR work."""
    ruler = ("1234567890" * 8)[: profile.chars_per_line]
    out = bytearray(_start(profile))
    out += _bold("Тестовая страница / Test page", profile)
    out += _lines(f"{profile.name}: {profile.paper_mm} mm, {profile.dots_per_line} dots", profile)
    out += codec.align(Align.LEFT) + _lines(ruler, profile)
    out += _lines("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя", profile)
    out += codec.align(Align.RIGHT) + _lines("справа / right", profile)
    out += codec.align(Align.CENTER)
    for size in (2, 3):
        out += codec.char_size(size, size) + _lines(f"{size}x", profile, size)
    out += codec.char_size(1, 1)
    out += _qr("okno test page", profile)
    out += _lines("QR: okno test page", profile)
    out += _end()
    return bytes(out)
