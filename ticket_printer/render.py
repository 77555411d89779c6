"""The simulated print head: interpreted ESC/POS commands onto a picture of the paper.

A line of text is laid out as the printer does it: Font A cells of 12 x 24 dots, each
magnified by GS !, wrapped at the paper's width, justified by ESC a and printed on LF.
Images (GS v 0, NV graphics, QR codes) print as blocks. A cut closes the ticket.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from ticket_printer import commands as cmd
from ticket_printer.codec import Align
from ticket_printer.profile import (
    CODE_PAGE_PC437,
    FONT_A_HEIGHT,
    FONT_A_WIDTH,
    PrinterProfile,
    decode_text,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# DejaVu Sans Mono at 20 px has a 12 px advance and 19 + 5 px of ascent and descent:
# exactly Font A's 12 x 24 cell. It covers Cyrillic.
_FONT_PX = 20
# ESC 2: the default line spacing, 1/6 inch on a 180 dpi head.
DEFAULT_LINE_DOTS = 30
_QR_LEVELS = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M}
_QR_LEVELS |= {50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}
WHITE = 255


@dataclass
class RenderedTicket:
    """One cut-off piece of paper: its picture, its text, and the QR payloads on it."""

    number: int
    image: Image.Image
    text: str
    qr_payloads: list[str] = field(default_factory=list)

    def save(self, directory: Path) -> tuple[Path, Path]:
        """Write ticket-NNNN.png and ticket-NNNN.txt into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"ticket-{self.number:04d}"
        png, txt = stem.with_suffix(".png"), stem.with_suffix(".txt")
        self.image.save(png, optimize=True)
        txt.write_text(self.text, encoding="utf-8")
        return png, txt


@functools.lru_cache(maxsize=64)
def _font(bold: bool, height: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), _FONT_PX * height)


@functools.lru_cache(maxsize=4096)
def _glyph(char: str, width: int, height: int, bold: bool) -> Image.Image:
    """One character in its magnified cell, black on white, 8-bit grey."""
    cell = Image.new("L", (FONT_A_WIDTH * height, FONT_A_HEIGHT * height), WHITE)
    ImageDraw.Draw(cell).text((0, 0), char, font=_font(bold, height), fill=0)
    if width != height:
        cell = cell.resize((FONT_A_WIDTH * width, FONT_A_HEIGHT * height), Image.Resampling.BICUBIC)
    return cell


@dataclass(frozen=True)
class _Char:
    char: str
    width: int
    height: int
    bold: bool

    @property
    def dots(self) -> int:
        return FONT_A_WIDTH * self.width


class Paper:
    """The head and the paper of one printer; NV graphics survive ESC @ and cuts."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.nv: dict[str, Image.Image] = {}
        self.printed = 0
        self._blocks: list[Image.Image] = []
        self._text: list[str] = []
        self._qr_payloads: list[str] = []
        self._line: list[_Char] = []
        self._reset_modes()

    def _reset_modes(self) -> None:
        self.code_page = CODE_PAGE_PC437
        self.align = Align.LEFT
        self.size = (1, 1)
        self.bold = False
        self.line_dots = DEFAULT_LINE_DOTS
        self.qr_module = 3
        self.qr_level = 48
        self.qr_data = b""

    @property
    def blank(self) -> bool:
        """Nothing printed since the last cut."""
        return not (self._blocks or self._line)

    def discard(self) -> None:
        """Forget what is not yet cut off (the paper ran out under it)."""
        self._blocks.clear()
        self._text.clear()
        self._qr_payloads.clear()
        self._line.clear()

    def supports(self, command: cmd.Command) -> bool:
        """Whether this model carries out ``command``; a real one ignores what it lacks.

        A model without the table ESC t asks for keeps the one it has, so Cyrillic sent to
        it prints as PC437 signs; one without QR firmware or NV memory prints nothing for
        GS ( k or GS ( L.
        """
        profile = self.profile
        match command:
            case cmd.CodePage(table):
                return table in (CODE_PAGE_PC437, profile.code_page)
            case cmd.QrSetting() | cmd.QrStore() | cmd.QrPrint():
                return profile.has_native_qr
            case cmd.NvDefine() | cmd.NvPrint() | cmd.NvDelete() | cmd.NvKeyList():
                return profile.has_nv_graphics
        return True

    def apply(self, command: cmd.Command) -> RenderedTicket | None:
        """Carry out one command; a cut gives back the finished ticket."""
        if not self.supports(command):
            return None
        match command:
            case cmd.Text(data):
                self._type(decode_text(data, self.code_page))
            case cmd.LineFeed():
                self._print_line()
            case cmd.Initialise():
                self._line.clear()
                self._reset_modes()
            case cmd.CodePage(table):
                self.code_page = table
            case cmd.Justify(how):
                self.align = Align(min(how, 2))
            case cmd.CharSize(width, height):
                self.size = (width, height)
            case cmd.Emphasis(on):
                self.bold = on
            case cmd.LineSpacing(dots):
                self.line_dots = DEFAULT_LINE_DOTS if dots is None else dots
            case cmd.Feed(lines, dots):
                self._print_line(feed=False)
                self._space(lines * self.line_dots + dots)
            case cmd.Raster(width_bytes, height, data):
                self._image(
                    _unpack(width_bytes, height, data), f"[image {width_bytes * 8}x{height}]"
                )
            case cmd.QrSetting(name, value):
                if name == "module":
                    self.qr_module = value
                elif name == "level":
                    self.qr_level = value
            case cmd.QrStore(data):
                self.qr_data = data
            case cmd.QrPrint():
                self._qr()
            case cmd.NvDefine(key, width, height, data):
                self.nv[key] = _unpack((width + 7) // 8, height, data).crop((0, 0, width, height))
            case cmd.NvPrint(key, scale_x, scale_y):
                self._nv_print(key, scale_x, scale_y)
            case cmd.NvDelete(key):
                self._nv_delete(key)
            case cmd.Cut(feed_dots):
                return self._cut(feed_dots)
        return None

    def _type(self, text: str) -> None:
        width, height = self.size
        for char in text:
            glyph = _Char(char, width, height, self.bold)
            if sum(c.dots for c in self._line) + glyph.dots > self.profile.dots_per_line:
                self._print_line()
            self._line.append(glyph)

    def _print_line(self, *, feed: bool = True) -> None:
        """LF: print the buffered line; an empty buffer just feeds one line."""
        if not self._line:
            if feed:
                self._space(self.line_dots)
            return
        tallest = max(c.height for c in self._line) * FONT_A_HEIGHT
        row = Image.new("L", (self._line_width(), max(tallest, self.line_dots)), WHITE)
        x = 0
        for c in self._line:
            glyph = _glyph(c.char, c.width, c.height, c.bold)
            # Characters of different heights in one line share the baseline.
            row.paste(glyph, (x, tallest - glyph.height))
            x += c.dots
        self._place(row)
        self._text.append(self._aligned("".join(c.char for c in self._line)))
        self._line.clear()

    def _line_width(self) -> int:
        return sum(c.dots for c in self._line)

    def _aligned(self, text: str) -> str:
        columns = self.profile.chars_per_line
        if self.align == Align.CENTER:
            return text.center(columns).rstrip()
        if self.align == Align.RIGHT:
            return text.rjust(columns)
        return text

    def _place(self, image: Image.Image) -> None:
        """A block as wide as the paper with ``image`` justified in it."""
        dots = self.profile.dots_per_line
        block = Image.new("L", (dots, image.height), WHITE)
        spare = max(dots - image.width, 0)
        x = {Align.LEFT: 0, Align.CENTER: spare // 2, Align.RIGHT: spare}[self.align]
        block.paste(image.convert("L").crop((0, 0, min(image.width, dots), image.height)), (x, 0))
        self._blocks.append(block)

    def _space(self, dots: int) -> None:
        if dots > 0:
            self._blocks.append(Image.new("L", (self.profile.dots_per_line, dots), WHITE))

    def _image(self, image: Image.Image, label: str) -> None:
        self._print_line(feed=False)
        self._place(image)
        self._text.append(self._aligned(label))

    def _qr(self) -> None:
        if not self.qr_data:
            return
        code = qrcode.QRCode(
            error_correction=_QR_LEVELS.get(self.qr_level, qrcode.constants.ERROR_CORRECT_L),
            box_size=self.qr_module,
            border=0,
        )
        payload = self.qr_data.decode("utf-8", errors="replace")
        code.add_data(self.qr_data)
        code.make(fit=True)
        image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
        self._qr_payloads.append(payload)
        self._image(image, f"[QR {payload}]")

    def _nv_print(self, key: str, scale_x: int, scale_y: int) -> None:
        stored = self.nv.get(key)
        if stored is None:
            return  # A real printer prints nothing for an undefined key.
        size = (stored.width * scale_x, stored.height * scale_y)
        self._image(stored.resize(size, Image.Resampling.NEAREST), f"[logo {key}]")

    def _nv_delete(self, key: str | None) -> None:
        if key is None:
            self.nv.clear()
        else:
            self.nv.pop(key, None)

    def _cut(self, feed_dots: int) -> RenderedTicket:
        self._print_line(feed=False)
        self._space(feed_dots)
        dots = self.profile.dots_per_line
        height = sum(b.height for b in self._blocks) or 1
        sheet = Image.new("L", (dots, height), WHITE)
        y = 0
        for block in self._blocks:
            sheet.paste(block, (0, y))
            y += block.height
        self.printed += 1
        ticket = RenderedTicket(
            self.printed,
            sheet.point(lambda v: WHITE if v >= 128 else 0).convert("1", dither=Image.Dither.NONE),
            "\n".join(self._text) + "\n",
            list(self._qr_payloads),
        )
        self.discard()
        return ticket


def _unpack(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """Raster bytes (1 = black) as a black-on-white picture."""
    padded = data[: width_bytes * height].ljust(width_bytes * height, b"\0")
    inverted = bytes(b ^ 0xFF for b in padded)
    return Image.frombytes("1", (width_bytes * 8, height), inverted)
