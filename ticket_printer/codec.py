"""ESC/POS bytes in both directions, with no I/O: commands out, status answers in.

Section names in comments are those of Epson's "ESC/POS Command Reference" (TM series),
which cheap 58/80 mm printers copy for the commands used here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PIL import Image, ImageOps

from ticket_printer.errors import BadStatus, TemplateError

ESC = 0x1B
GS = 0x1D
DLE = 0x10
EOT = 0x04
LF = b"\n"

# Real-time status transmission (DLE EOT n), one answer byte each.
STATUS_PRINTER = 1
STATUS_OFFLINE_CAUSE = 2
STATUS_PAPER = 4
STATUS_REQUESTS = (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER)

# Every DLE EOT answer has bits 0 and 7 clear and bits 1 and 4 set ("Fixed" in the tables).
_FIXED_MASK = 0b1001_0011
_FIXED_VALUE = 0b0001_0010
# Answers to GS ( commands start with the header 37h and an identifier, end with NUL:
# GS ( H fn 48 answers 37 22 d1 d2 d3 d4 00, GS ( L fn 64 answers 37 72 status keys 00.
ANSWER_HEADER = 0x37
PROCESS_ID_IDENTIFIER = 0x22
PROCESS_ID_ANSWER_LENGTH = 7
NV_KEY_LIST_IDENTIFIER = 0x72
# 40 keys of two bytes each at most per block, plus header, identifier, status and NUL.
NV_KEY_LIST_LONGEST = 84

QR_ERROR_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}
QR_MAX_DATA = 7089


class Align(enum.IntEnum):
    """ESC a n justification."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


def initialise() -> bytes:
    """ESC @: clear the buffer and every mode set by earlier jobs."""
    return bytes((ESC, 0x40))


def select_code_page(table: int) -> bytes:
    """ESC t n: the character code table text bytes are read in (17 = PC866 Cyrillic)."""
    if not 0 <= table <= 255:
        raise ValueError(f"code table must be 0..255, not {table}")
    return bytes((ESC, 0x74, table))


def align(how: Align) -> bytes:
    """ESC a n: justification of the lines (and images) that follow."""
    return bytes((ESC, 0x61, int(how)))


def char_size(width: int = 1, height: int = 1) -> bytes:
    """GS ! n: magnify characters 1..8 times; width in the high nibble, height in the low."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character magnification must be 1..8, not {width}x{height}")
    return bytes((GS, 0x21, (width - 1) << 4 | (height - 1)))


def emphasis(on: bool) -> bytes:
    """ESC E n: emphasised (bold) characters on or off."""
    return bytes((ESC, 0x45, int(on)))


def feed_lines(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    if not 0 <= lines <= 255:
        raise ValueError(f"lines to feed must be 0..255, not {lines}")
    return bytes((ESC, 0x64, lines))


def feed_dots(dots: int) -> bytes:
    """ESC J n: print the buffer and feed n dots (finer than a line)."""
    if not 0 <= dots <= 255:
        raise ValueError(f"dots to feed must be 0..255, not {dots}")
    return bytes((ESC, 0x4A, dots))


def cut(feed_dots: int = 0) -> bytes:
    """GS V 66 n: feed to the cutter plus n dots, then cut leaving a hinge (partial cut)."""
    if not 0 <= feed_dots <= 255:
        raise ValueError(f"feed before the cut must be 0..255 dots, not {feed_dots}")
    return bytes((GS, 0x56, 66, feed_dots))


def _gs_paren(function: int, payload: bytes) -> bytes:
    """GS ( <function> pL pH payload: the length-prefixed command family."""
    if len(payload) > 0xFFFF:
        raise ValueError(f"GS ( {chr(function)} payload of {len(payload)} bytes exceeds 65535")
    return bytes((GS, 0x28, function)) + len(payload).to_bytes(2, "little") + payload


def qr_model() -> bytes:
    """GS ( k <fn 165>: QR model 2, the one every phone reads."""
    return _gs_paren(0x6B, bytes((0x31, 0x41, 50, 0)))


def qr_module_size(dots: int) -> bytes:
    """GS ( k <fn 167>: the side of one QR module in dots (1..16)."""
    if not 1 <= dots <= 16:
        raise ValueError(f"QR module size must be 1..16 dots, not {dots}")
    return _gs_paren(0x6B, bytes((0x31, 0x43, dots)))


def qr_error_correction(level: str = "M") -> bytes:
    """GS ( k <fn 169>: error correction L, M, Q or H."""
    return _gs_paren(0x6B, bytes((0x31, 0x45, QR_ERROR_LEVELS[level])))


def qr_store(data: bytes) -> bytes:
    """GS ( k <fn 180>: put the QR payload in the symbol storage area."""
    if not 1 <= len(data) <= QR_MAX_DATA:
        raise TemplateError(f"a QR code holds 1..{QR_MAX_DATA} bytes, not {len(data)}")
    return _gs_paren(0x6B, bytes((0x31, 0x50, 0x30)) + data)


def qr_print() -> bytes:
    """GS ( k <fn 181>: print the stored QR symbol."""
    return _gs_paren(0x6B, bytes((0x31, 0x51, 0x30)))


def qr_code(data: bytes, module_dots: int, level: str = "M") -> bytes:
    """The printer's own QR code: model 2, module size, error level, store, print."""
    return (
        qr_model()
        + qr_module_size(module_dots)
        + qr_error_correction(level)
        + qr_store(data)
        + qr_print()
    )


def pack_image(image: Image.Image) -> tuple[int, int, bytes]:
    """(bytes per row, rows, data): rows left to right, MSB first, 1 = a black dot."""
    grey = ImageOps.invert(image.convert("L"))
    # Inverting before packing keeps the padding bits at the end of each row white.
    bits = grey.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    return (image.width + 7) // 8, image.height, bits.tobytes()


def raster_image(image: Image.Image) -> bytes:
    """GS v 0 m xL xH yL yH d...: print a raster bit image at normal density (m = 0)."""
    width_bytes, height, data = pack_image(image)
    if width_bytes > 0xFFFF or height > 0xFFFF:
        raise ValueError(f"image {image.width}x{image.height} is too large for GS v 0")
    header = bytes((GS, 0x76, 0x30, 0))
    return header + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little") + data


def _key_code(key: str) -> bytes:
    """The two key code bytes of an NV graphic (each 32..126)."""
    raw = key.encode("latin-1", errors="replace")
    if len(raw) != 2 or not all(32 <= b <= 126 for b in raw) or not key.isascii():
        raise ValueError(f"an NV graphics key is two printable ASCII characters, not {key!r}")
    return raw


def nv_define(key: str, image: Image.Image) -> bytes:
    """GS ( L / GS 8 L <fn 67>: store a monochrome raster graphic in NV memory under key."""
    _, height, data = pack_image(image)
    # m fn a kc1 kc2 b xL xH yL yH, then one colour group: c (49 = colour 1) and the data.
    payload = (
        bytes((0x30, 67, 48))
        + _key_code(key)
        + bytes((1,))
        + image.width.to_bytes(2, "little")
        + height.to_bytes(2, "little")
        + bytes((49,))
        + data
    )
    if len(payload) <= 0xFFFF:
        return _gs_paren(0x4C, payload)
    # GS 8 L is the same function with a four-byte length, for graphics over 64 KB.
    return bytes((GS, 0x38, 0x4C)) + len(payload).to_bytes(4, "little") + payload


def nv_print(key: str, scale_x: int = 1, scale_y: int = 1) -> bytes:
    """GS ( L <fn 69>: print the NV graphic stored under key, at 1x or 2x."""
    if scale_x not in (1, 2) or scale_y not in (1, 2):
        raise ValueError(f"NV graphics scale is 1 or 2, not {scale_x}x{scale_y}")
    return _gs_paren(0x4C, bytes((0x30, 69)) + _key_code(key) + bytes((scale_x, scale_y)))


def nv_delete(key: str) -> bytes:
    """GS ( L <fn 66>: delete the NV graphic stored under key."""
    return _gs_paren(0x4C, bytes((0x30, 66)) + _key_code(key))


def nv_key_list_request() -> bytes:
    """GS ( L <fn 64> "KC": ask which NV graphics keys are stored."""
    return _gs_paren(0x4C, bytes((0x30, 64)) + b"KC")


def nv_key_list_answer(keys: tuple[str, ...]) -> bytes:
    """What the printer sends for GS ( L fn 64 when it holds ``keys`` (40 at most)."""
    codes = b"".join(_key_code(key) for key in keys[:40])
    return bytes((ANSWER_HEADER, NV_KEY_LIST_IDENTIFIER, 0x40)) + codes + b"\0"


def status_request(n: int) -> bytes:
    """DLE EOT n: ask for one real-time status byte (1 printer, 2 offline cause, 4 paper)."""
    if n not in STATUS_REQUESTS:
        raise ValueError(f"status request must be one of {STATUS_REQUESTS}, not {n}")
    return bytes((DLE, EOT, n))


def process_id_for(job_id: int) -> str:
    """The four digits that stand for a job in GS ( H (its id modulo 10000)."""
    return f"{job_id % 10_000:04d}"


def process_id_request(process_id: str) -> bytes:
    """GS ( H <fn 48>: ask the printer to answer once everything before it is processed."""
    if len(process_id) != 4 or not process_id.isdigit() or not process_id.isascii():
        raise ValueError(f"a process ID is four digits, not {process_id!r}")
    return _gs_paren(0x48, bytes((0x30, 0x30)) + process_id.encode("ascii"))


def process_id_answer(process_id: str) -> bytes:
    """What the printer sends for a processed GS ( H fn 48: 37 22 d1 d2 d3 d4 00."""
    return bytes((ANSWER_HEADER, PROCESS_ID_IDENTIFIER)) + process_id.encode("ascii") + b"\0"


class PrinterState(enum.StrEnum):
    """What the agent reports: the value is the short human reason."""

    READY = "ready"
    PAPER_NEAR_END = "paper near end"
    PAPER_OUT = "paper out"
    COVER_OPEN = "cover open"
    ERROR = "printer error"
    OFFLINE = "offline"

    @property
    def can_print(self) -> bool:
        """Whether a job sent now would come out of the printer."""
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END)


@dataclass(frozen=True)
class PrinterStatus:
    """The printer's condition as told by DLE EOT 1, 2 and 4."""

    online: bool = True
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    error: bool = False

    def __or__(self, other: PrinterStatus) -> PrinterStatus:
        """Both answers together: a fault seen in either is a fault."""
        return PrinterStatus(
            online=self.online and other.online,
            cover_open=self.cover_open or other.cover_open,
            paper_near_end=self.paper_near_end or other.paper_near_end,
            paper_out=self.paper_out or other.paper_out,
            error=self.error or other.error,
        )

    @property
    def state(self) -> PrinterState:
        """The one condition that matters most to the person who must fix it."""
        if self.paper_out:
            return PrinterState.PAPER_OUT
        if self.cover_open:
            return PrinterState.COVER_OPEN
        if self.error:
            return PrinterState.ERROR
        if not self.online:
            return PrinterState.OFFLINE
        if self.paper_near_end:
            return PrinterState.PAPER_NEAR_END
        return PrinterState.READY

    @property
    def reason(self) -> str:
        """A short human reason: "paper out", "cover open", "ready"..."""
        return self.state.value


def parse_status(n: int, answer: bytes) -> PrinterStatus:
    """The status told by the one-byte answer to DLE EOT n; anything else is BadStatus."""
    if len(answer) != 1:
        what = "nothing" if not answer else f"{len(answer)} bytes ({answer.hex(' ')})"
        raise BadStatus(
            f"DLE EOT {n} must be answered with one byte, got {what}: "
            "check the baud rate and that nothing else talks on the line"
        )
    byte = answer[0]
    if byte & _FIXED_MASK != _FIXED_VALUE:
        raise BadStatus(
            f"DLE EOT {n} answered {byte:02x}, not a status byte (bits 0 and 7 must be 0, "
            "bits 1 and 4 must be 1): check the baud rate and that the device speaks ESC/POS"
        )
    if n == STATUS_PRINTER:
        return PrinterStatus(online=not byte & 0x08)
    if n == STATUS_OFFLINE_CAUSE:
        return PrinterStatus(
            cover_open=bool(byte & 0x04), paper_out=bool(byte & 0x20), error=bool(byte & 0x40)
        )
    if n == STATUS_PAPER:
        return PrinterStatus(paper_near_end=bool(byte & 0x0C), paper_out=bool(byte & 0x60))
    raise ValueError(f"status request must be one of {STATUS_REQUESTS}, not {n}")


def encode_status(n: int, status: PrinterStatus) -> bytes:
    """The byte a printer in ``status`` answers to DLE EOT n (the simulator's side)."""
    byte = _FIXED_VALUE
    if n == STATUS_PRINTER:
        offline = not status.online or status.cover_open or status.paper_out or status.error
        byte |= 0x08 if offline else 0
    elif n == STATUS_OFFLINE_CAUSE:
        byte |= (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0)
        byte |= 0x40 if status.error else 0
    elif n == STATUS_PAPER:
        byte |= (0x0C if status.paper_near_end else 0) | (0x60 if status.paper_out else 0)
    else:
        raise ValueError(f"status request must be one of {STATUS_REQUESTS}, not {n}")
    return bytes((byte,))


@dataclass(frozen=True)
class StatusAnswer:
    """One real-time status byte found in what the printer sent."""

    byte: int


@dataclass(frozen=True)
class ProcessDone:
    """A GS ( H answer: every byte sent before that request has been processed."""

    process_id: str


@dataclass(frozen=True)
class NvKeys:
    """A GS ( L fn 64 answer: the keys of the NV graphics stored (``more``: list goes on)."""

    keys: tuple[str, ...]
    more: bool = False


Answer = StatusAnswer | ProcessDone | NvKeys


def _not_an_answer(data: bytes) -> BadStatus:
    shown = data[:16].hex(" ") + (" ..." if len(data) > 16 else "")
    return BadStatus(
        f"printer sent {shown}, neither a status byte nor a 37h answer "
        "(process ID or NV key list): check the baud rate and that the device speaks ESC/POS"
    )


def _header_answer(frame: bytes) -> tuple[Answer | None, int]:
    """The 37h-headed answer at the start of frame and its length (None, 0: incomplete)."""
    identifier = frame[1:2]
    if identifier == bytes((PROCESS_ID_IDENTIFIER,)):
        if len(frame) < PROCESS_ID_ANSWER_LENGTH:
            return None, 0
        digits = frame[2:6]
        if frame[6] != 0 or not digits.isdigit():
            raise _not_an_answer(frame[:PROCESS_ID_ANSWER_LENGTH])
        return ProcessDone(digits.decode("ascii")), PROCESS_ID_ANSWER_LENGTH
    if identifier == bytes((NV_KEY_LIST_IDENTIFIER,)):
        end = frame.find(b"\0", 2)
        if end < 0:
            if len(frame) > NV_KEY_LIST_LONGEST:
                raise _not_an_answer(frame)
            return None, 0
        # 37 72 status kc1 kc2 ... 00; status 40h: complete, 41h: more keys follow.
        status, codes = frame[2:3], frame[3:end]
        if status not in (b"\x40", b"\x41") or len(codes) % 2:
            raise _not_an_answer(frame[: end + 1])
        keys = tuple(codes[k : k + 2].decode("ascii") for k in range(0, len(codes), 2))
        return NvKeys(keys, more=status == b"\x41"), end + 1
    if identifier == b"":
        return None, 0
    raise _not_an_answer(frame[:2])


def scan_answers(stream: bytes) -> tuple[list[Answer], bytes]:
    """The answers in ``stream`` and the unfinished tail to prepend to the next read."""
    found: list[Answer] = []
    i = 0
    while i < len(stream):
        byte = stream[i]
        if byte == ANSWER_HEADER:
            answer, length = _header_answer(stream[i:])
            if answer is None:
                return found, stream[i:]
            found.append(answer)
            i += length
        elif byte & _FIXED_MASK == _FIXED_VALUE:
            found.append(StatusAnswer(byte))
            i += 1
        else:
            raise _not_an_answer(stream[i:])
    return found, b""
