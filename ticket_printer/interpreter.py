"""The printer's side of ESC/POS: a byte stream in, commands out, one byte at a time.

Pure and incremental: bytes may arrive split anywhere (a pty delivers what it has), so
the state machine is a generator that asks for one byte at a time and keeps its place
between reads. It knows every command :mod:`ticket_printer.codec` emits and skips the
other common ESC, GS, FS and DLE commands by their documented lengths, so a job from
another program does not throw it out of step. Real-time commands (DLE EOT) are
recognised between commands only, not inside the data of another command.
"""

from __future__ import annotations

from collections.abc import Generator

from ticket_printer.codec import DLE, EOT, ESC, GS
from ticket_printer.commands import (
    CharSize,
    CodePage,
    Command,
    Cut,
    Emphasis,
    Feed,
    Initialise,
    Justify,
    LineFeed,
    LineSpacing,
    NvDefine,
    NvDelete,
    NvKeyList,
    NvPrint,
    ProcessIdRequest,
    QrPrint,
    QrSetting,
    QrStore,
    Raster,
    Skipped,
    StatusRequest,
    Text,
)

FS = 0x1C
_LF = 0x0A

# Feed a byte, get nothing back: the machine's only interface.
Machine = Generator[None, int, None]
Taker = Generator[None, int, bytes]

# Commands with a fixed number of parameter bytes that we step over (Epson ESC/POS
# reference, "Command list by function"): ESC 2/3, ESC SP, ESC -, ESC M, ESC R, ESC V...
_ESC_FIXED = {
    0x20: 1,  # ESC SP n  right-side character spacing
    0x24: 2,  # ESC $ nL nH  absolute print position
    0x25: 1,  # ESC % n  user-defined character set
    0x2D: 1,  # ESC - n  underline
    0x3C: 0,  # ESC <  return home
    0x3D: 1,  # ESC = n  select peripheral device
    0x3F: 1,  # ESC ? n  cancel user-defined character
    0x42: 2,  # ESC B n t  buzzer (common on 58 mm clones)
    0x47: 1,  # ESC G n  double-strike
    0x4C: 0,  # ESC L  page mode
    0x4D: 1,  # ESC M n  font
    0x52: 1,  # ESC R n  international character set
    0x53: 0,  # ESC S  standard mode
    0x54: 1,  # ESC T n  print direction in page mode
    0x55: 1,  # ESC U n  unidirectional printing
    0x56: 1,  # ESC V n  90 degree rotation
    0x57: 8,  # ESC W  print area in page mode
    0x5C: 2,  # ESC \ nL nH  relative print position
    0x65: 1,  # ESC e n  reverse feed
    0x70: 3,  # ESC p m t1 t2  drawer kick
    0x72: 1,  # ESC r n  colour
    0x7B: 1,  # ESC { n  upside down
}
_GS_FIXED = {
    0x24: 2,  # GS $  absolute vertical position in page mode
    0x2F: 1,  # GS / m  print downloaded bit image
    0x3A: 0,  # GS :  macro definition start/end
    0x42: 1,  # GS B n  reverse black/white
    0x45: 1,  # GS E n  head energy (clones)
    0x48: 1,  # GS H n  HRI position
    0x49: 1,  # GS I n  transmit printer ID
    0x4C: 2,  # GS L nL nH  left margin
    0x50: 2,  # GS P x y  motion units
    0x57: 2,  # GS W nL nH  print area width
    0x5C: 2,  # GS \  relative vertical position in page mode
    0x5E: 3,  # GS ^ r t m  execute macro
    0x61: 1,  # GS a n  automatic status back
    0x62: 1,  # GS b n  smoothing
    0x66: 1,  # GS f n  HRI font
    0x68: 1,  # GS h n  bar code height
    0x72: 1,  # GS r n  transmit status
    0x77: 1,  # GS w n  bar code width
}
_FS_FIXED = {0x21: 1, 0x26: 0, 0x2D: 1, 0x2E: 0, 0x43: 1, 0x53: 2, 0x57: 1, 0x70: 2}
# GS V m: functions A and C take no n, B and D take one (A: 0/1/48/49; B: 65/66...).
_CUT_WITH_N = {65, 66, 97, 98, 103, 104}


def _take(n: int) -> Taker:
    """The next n bytes."""
    got = bytearray()
    while len(got) < n:
        got.append((yield))
    return bytes(got)


def _until_nul(limit: int) -> Taker:
    """Bytes up to (not including) a NUL, giving up after ``limit``."""
    got = bytearray()
    while len(got) < limit:
        byte = yield
        if byte == 0:
            break
        got.append(byte)
    return bytes(got)


def _key(raw: bytes) -> str:
    return raw.decode("ascii", errors="replace")


class Interpreter:
    """The host's bytes as :mod:`~ticket_printer.commands` values, whatever the read boundaries."""

    def __init__(self) -> None:
        self._out: list[Command] = []
        self._text = bytearray()
        self._replay: int | None = None
        self._machine = self._run()
        next(self._machine)

    def feed(self, data: bytes) -> list[Command]:
        """The commands completed by ``data`` (text is flushed at the end of each read)."""
        for byte in data:
            self._machine.send(byte)
        self._flush_text()
        out, self._out = self._out, []
        return out

    def _emit(self, command: Command) -> None:
        self._flush_text()
        self._out.append(command)

    def _flush_text(self) -> None:
        if self._text:
            self._out.append(Text(bytes(self._text)))
            self._text.clear()

    def _run(self) -> Machine:
        while True:
            if self._replay is not None:
                byte, self._replay = self._replay, None
            else:
                byte = yield
            if byte >= 0x20:
                self._text.append(byte)
            elif byte == _LF:
                self._emit(LineFeed())
            elif byte == ESC:
                yield from self._esc()
            elif byte == GS:
                yield from self._gs()
            elif byte == DLE:
                yield from self._dle()
            elif byte == FS:
                yield from self._fs()
            # Other control bytes (CR, HT, NUL...) change nothing we render.

    def _esc(self) -> Machine:
        op = yield
        if op == 0x40:
            self._emit(Initialise())
        elif op == 0x74:
            self._emit(CodePage((yield)))
        elif op == 0x61:
            # ESC a accepts 0..2 and the digits "0".."2".
            self._emit(Justify((yield) % 48))
        elif op == 0x45:
            self._emit(Emphasis(bool((yield) & 1)))
        elif op == 0x21:
            mode = yield
            self._emit(CharSize(2 if mode & 0x20 else 1, 2 if mode & 0x10 else 1))
            self._emit(Emphasis(bool(mode & 0x08)))
        elif op == 0x64:
            self._emit(Feed(lines=(yield)))
        elif op == 0x4A:
            self._emit(Feed(dots=(yield)))
        elif op == 0x32:
            self._emit(LineSpacing(None))
        elif op == 0x33:
            self._emit(LineSpacing((yield)))
        elif op in (0x69, 0x6D):
            self._emit(Cut())
        elif op == 0x2A:
            # ESC * m nL nH d1...dk: 8-dot modes (0, 1) take n bytes, 24-dot modes 3n.
            mode, low, high = yield from _take(3)
            width = low + 256 * high
            data = yield from _take(width * (1 if mode in (0, 1) else 3))
            self._emit(Skipped(bytes((ESC, op, mode, low, high)) + data))
        elif op == 0x44:
            self._emit(Skipped(bytes((ESC, op)) + (yield from _until_nul(33))))
        elif op == 0x63:
            # ESC c 3 n, ESC c 4 n, ESC c 5 n: panel and sensor settings.
            self._emit(Skipped(bytes((ESC, op)) + (yield from _take(2))))
        elif op in _ESC_FIXED:
            self._emit(Skipped(bytes((ESC, op)) + (yield from _take(_ESC_FIXED[op]))))
        else:
            self._emit(Skipped(bytes((ESC, op))))

    def _gs(self) -> Machine:
        op = yield
        if op == 0x21:
            size = yield
            self._emit(CharSize((size >> 4 & 0x07) + 1, (size & 0x07) + 1))
        elif op == 0x56:
            mode = yield
            self._emit(Cut((yield) if mode in _CUT_WITH_N else 0))
        elif op == 0x76:
            head = yield from _take(6)  # "0" m xL xH yL yH
            width_bytes = head[2] + 256 * head[3]
            height = head[4] + 256 * head[5]
            self._emit(Raster(width_bytes, height, (yield from _take(width_bytes * height))))
        elif op == 0x28:
            function = yield
            length = yield from _take(2)
            payload = yield from _take(int.from_bytes(length, "little"))
            self._paren(bytes((GS, op, function)) + length, payload)
        elif op == 0x38:
            function = yield
            length = yield from _take(4)
            payload = yield from _take(int.from_bytes(length, "little"))
            self._paren(bytes((GS, op, function)) + length, payload)
        elif op == 0x6B:
            yield from self._barcode()
        elif op == 0x2A:
            x, y = yield from _take(2)
            self._emit(Skipped(bytes((GS, op, x, y)) + (yield from _take(x * y * 8))))
        elif op in _GS_FIXED:
            self._emit(Skipped(bytes((GS, op)) + (yield from _take(_GS_FIXED[op]))))
        else:
            self._emit(Skipped(bytes((GS, op))))

    def _barcode(self) -> Machine:
        # GS k m: m 0..6 is NUL-terminated data, m 65..79 has a length byte.
        system = yield
        if system <= 6:
            data = yield from _until_nul(255)
        else:
            data = yield from _take((yield))
        self._emit(Skipped(bytes((GS, 0x6B, system)) + data))

    def _paren(self, header: bytes, payload: bytes) -> None:
        """GS ( <function> and GS 8 <function>, once the whole payload has arrived."""
        function = header[2]
        if function == 0x6B and payload[:1] == b"\x31" and len(payload) >= 3:
            self._qr(header, payload)
        elif function == 0x4C and len(payload) >= 2 and payload[0] == 0x30:
            self._graphics(header, payload)
        elif function == 0x48 and payload[:2] == b"00" and len(payload) == 6:
            self._emit(ProcessIdRequest(_key(payload[2:6])))
        else:
            self._emit(Skipped(header + payload))

    def _qr(self, header: bytes, payload: bytes) -> None:
        fn = payload[1]
        if fn == 0x41:
            self._emit(QrSetting("model", payload[2]))
        elif fn == 0x43:
            self._emit(QrSetting("module", payload[2]))
        elif fn == 0x45:
            self._emit(QrSetting("level", payload[2]))
        elif fn == 0x50:
            self._emit(QrStore(payload[3:]))
        elif fn == 0x51:
            self._emit(QrPrint())
        else:
            self._emit(Skipped(header + payload))

    def _graphics(self, header: bytes, payload: bytes) -> None:
        fn = payload[1]
        if fn == 67 and len(payload) >= 11:
            # m fn a kc1 kc2 b xL xH yL yH c d...
            width = payload[6] + 256 * payload[7]
            height = payload[8] + 256 * payload[9]
            self._emit(NvDefine(_key(payload[3:5]), width, height, payload[11:]))
        elif fn == 69 and len(payload) == 6:
            self._emit(NvPrint(_key(payload[2:4]), payload[4], payload[5]))
        elif fn == 66 and len(payload) == 4:
            self._emit(NvDelete(_key(payload[2:4])))
        elif fn == 65:
            self._emit(NvDelete(None))
        elif fn == 64:
            self._emit(NvKeyList())
        else:
            self._emit(Skipped(header + payload))

    def _dle(self) -> Machine:
        op = yield
        if op == EOT:
            self._emit(StatusRequest((yield)))
        elif op == 0x05:
            self._emit(Skipped(bytes((DLE, op, (yield)))))
        elif op == 0x14:
            # DLE DC4 fn ...: fn 1 and 2 take two more bytes, 7 one, 8 seven.
            fn = yield
            rest = yield from _take({1: 2, 2: 2, 7: 1, 8: 7}.get(fn, 0))
            self._emit(Skipped(bytes((DLE, op, fn)) + rest))
        else:
            # A lone DLE: the next byte is ordinary data again.
            self._replay = op

    def _fs(self) -> Machine:
        op = yield
        self._emit(Skipped(bytes((FS, op)) + (yield from _take(_FS_FIXED.get(op, 0)))))
