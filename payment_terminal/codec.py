"""ZVT (ECR interface) bytes <-> values: transport frames, APDUs, BMP fields, results.

Pure: no I/O. Section references are to the ZVT protocol specification (ECR-Interface,
"ZVT-Protokoll") as published by the Deutsche Kreditwirtschaft / PayTec.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from payment_terminal.errors import FrameError

DLE = 0x10
STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15

# Serial transport (ZVT §2.2): the receiver answers each frame with one byte, ACK or NAK.
ACK_BYTE = bytes([ACK])
NAK_BYTE = bytes([NAK])

RUB = 643

# Command classes / instructions (ZVT §2, §3).
REGISTRATION = b"\x06\x00"
AUTHORISATION = b"\x06\x01"
REPEAT_RECEIPT = b"\x06\x20"
REVERSAL = b"\x06\x30"
REFUND = b"\x06\x31"
END_OF_DAY = b"\x06\x50"
ABORT = b"\x06\xb0"
STATUS_ENQUIRY = b"\x05\x01"
COMPLETION = b"\x06\x0f"
STATUS_INFORMATION = b"\x04\x0f"
INTERMEDIATE_STATUS = b"\x04\xff"
PRINT_LINE = b"\x06\xd1"
ABORT_FROM_PT = b"\x06\x1e"
ACK_APDU = b"\x80\x00\x00"
REFUSED = 0x84  # class of a negative acknowledgement 84 xx (ZVT §2.1)

# BMP tags (ZVT §4, "Bitmaps").
BMP_AMOUNT = 0x04
BMP_TLV = 0x06
BMP_TRACE = 0x0B
BMP_TIME = 0x0C
BMP_DATE = 0x0D
BMP_RESULT = 0x27
BMP_TID = 0x29
BMP_VU = 0x2A
BMP_ORIGINAL_TRACE = 0x37
BMP_AID = 0x3B
BMP_CURRENCY = 0x49
BMP_RECEIPT = 0x87
BMP_CARD_NAME = 0x8B

LLVAR = -2
LLLVAR = -3
TLV = -1

# Every BMP of the ECR interface with its fixed length, or LLVAR/LLLVAR/TLV (ZVT
# specification v13.x, chapter "Summary of utilised BMPs"; checked against ecrterm and
# zvt-show's transcription of rev. 13.11). A tag missing here cannot be skipped: ZVT
# bitmaps do not carry their own length.
BMP_LENGTHS: dict[int, int] = {
    0x01: 1,  # timeout
    0x02: 1,  # max. status infos
    0x03: 1,  # service byte
    0x04: 6,  # amount, BCD
    0x05: 1,  # pump number
    0x06: TLV,  # TLV container, BER length
    0x0B: 3,  # trace number, BCD
    0x0C: 3,  # time hhmmss, BCD
    0x0D: 2,  # date MMDD, BCD
    0x0E: 2,  # expiry date YYMM, BCD
    0x17: 2,  # card sequence number, BCD
    0x19: 1,  # status byte / payment type
    0x22: LLVAR,  # PAN / EF_ID, masked
    0x23: LLVAR,  # track 2
    0x24: LLLVAR,  # track 3
    0x27: 1,  # result code
    0x29: 4,  # terminal id, BCD
    0x2A: 15,  # VU number, ASCII
    0x2D: LLVAR,  # track 1
    0x2E: LLLVAR,  # synchronous chip data
    0x37: 3,  # trace number of the original transaction (reversal), BCD
    0x3A: 2,  # CVV/CVC
    0x3B: 8,  # AID authorisation attribute
    0x3C: LLLVAR,  # additional data / additional text
    0x3D: 3,  # password, BCD
    0x49: 2,  # currency code ISO 4217, BCD
    0x60: LLLVAR,  # individual totals
    0x70: 4,  # display image: request id
    0x71: 4,  # display image: total size
    0x72: 1,  # display image: MIME type
    0x73: 1,  # display image: encoding
    0x74: 1,  # display image: number of chunks
    0x75: 1,  # display image: chunk index
    0x87: 2,  # receipt number, BCD
    0x88: 3,  # turnover record number, BCD
    0x8A: 1,  # card type (ZVT card-type id)
    0x8B: LLVAR,  # card name
    0x8C: 1,  # card-type id of the network operator
    0x92: LLLVAR,  # additional data ec-Cash with chip offline
    0x9A: LLLVAR,  # GeldKarte payment / failed-payment / total record
    0xA0: 1,  # result code AS
    0xA7: LLVAR,  # chip data, EF_ID
    0xAA: 3,  # date YYMMDD, BCD
    0xAF: LLLVAR,  # EF_Info
    0xBA: 5,  # AID parameter
    0xD0: 1,  # algorithm key
    0xD1: LLVAR,  # card offset / PIN data
    0xD2: 1,  # direction (card output)
    0xD3: 1,  # key position (DUKPT key identifier)
    0xE0: 1,  # min. length of the input
    **dict.fromkeys(range(0xE1, 0xE9), LLVAR),  # text2 lines 1..8
    0xE9: 1,  # max. length of the input
    0xEA: 1,  # echo the input
    0xEB: 8,  # MAC over text 1 and text 2
    0xF0: 1,  # display duration
    **dict.fromkeys(range(0xF1, 0xF9), LLVAR),  # text1 lines 1..8
    0xF9: 1,  # number of beep tones
    0xFA: 1,  # status / card reader activation
    0xFB: 1,  # confirmation of the input with OK required
    0xFC: 1,  # dialog control
    0xFD: 1,  # display device
}


# --- CRC and framing (ZVT §2.2.4) ---------------------------------------------------


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC-16/CCITT as ZVT uses it: polynomial 0x1021 bit-reflected (0x8408), start 0."""
    crc = 0
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def frame_crc(apdu: bytes) -> bytes:
    """The two CRC bytes of a frame: over the unstuffed APDU and ETX, low byte first."""
    return crc16(apdu + bytes([ETX])).to_bytes(2, "little")


def stuff(data: bytes) -> bytes:
    """Double every DLE inside a frame's data."""
    return data.replace(bytes([DLE]), bytes([DLE, DLE]))


def encode_frame(apdu: bytes) -> bytes:
    """DLE STX <stuffed APDU> DLE ETX CRC-low CRC-high."""
    return bytes([DLE, STX]) + stuff(apdu) + bytes([DLE, ETX]) + frame_crc(apdu)


@dataclass(frozen=True)
class Frame:
    """A complete frame off the line; ``crc_ok`` is False when its CRC did not match."""

    apdu: bytes
    crc_ok: bool
    raw: bytes


@dataclass(frozen=True)
class Control:
    """A single ACK or NAK byte."""

    byte: int


@dataclass(frozen=True)
class Garbage:
    """Bytes that belong to no frame."""

    data: bytes


Event = Frame | Control | Garbage


class FrameDecoder:
    """Incremental decoder: feed it bytes as they come, get frames, ACK/NAK and garbage."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        """Add bytes; return every event they complete, in order."""
        self._buf += data
        return list(self._drain())

    def _drain(self) -> Iterator[Event]:
        buf = self._buf
        while buf:
            if buf[0] in (ACK, NAK):
                yield Control(buf[0])
                del buf[:1]
                continue
            if buf[0] != DLE:
                end = next((i for i, b in enumerate(buf) if b in (DLE, ACK, NAK)), len(buf))
                yield Garbage(bytes(buf[:end]))
                del buf[:end]
                continue
            if len(buf) < 2:
                return
            if buf[1] != STX:
                yield Garbage(bytes(buf[:1]))
                del buf[:1]
                continue
            parsed = _parse_frame(bytes(buf))
            if parsed is None:
                return
            event, used = parsed
            yield event
            del buf[:used]


def _parse_frame(buf: bytes) -> tuple[Event, int] | None:
    """One frame from the start of ``buf`` (which begins DLE STX), or None if incomplete."""
    apdu = bytearray()
    i = 2
    while i < len(buf):
        byte = buf[i]
        if byte != DLE:
            apdu.append(byte)
            i += 1
            continue
        if i + 1 >= len(buf):
            return None
        nxt = buf[i + 1]
        if nxt == DLE:
            apdu.append(DLE)
            i += 2
        elif nxt == ETX:
            if i + 4 > len(buf):
                return None
            crc = buf[i + 2 : i + 4]
            used = i + 4
            return Frame(bytes(apdu), crc == frame_crc(bytes(apdu)), buf[:used]), used
        else:
            # A lone DLE inside a frame: the frame is broken, drop what we have.
            return Garbage(buf[: i + 1]), i + 1
    return None


# --- APDU (ZVT §2.1) ----------------------------------------------------------------


@dataclass(frozen=True)
class Apdu:
    """Control field (class, instruction) and data."""

    command: bytes
    data: bytes = b""

    def encode(self) -> bytes:
        """CCRC APRC, length (one byte, or FF and two bytes little-endian), data."""
        n = len(self.data)
        if n < 0xFF:
            length = bytes([n])
        elif n <= 0xFFFF:
            length = b"\xff" + n.to_bytes(2, "little")
        else:
            raise FrameError(f"APDU data too long: {n} bytes")
        return self.command + length + self.data


def decode_apdu(raw: bytes) -> Apdu:
    """Split an APDU into command and data, checking the length field."""
    if len(raw) < 3:
        raise FrameError(f"APDU too short: {raw.hex(' ')}")
    if raw[2] == 0xFF:
        if len(raw) < 5:
            raise FrameError(f"APDU extended length cut short: {raw.hex(' ')}")
        n, start = int.from_bytes(raw[3:5], "little"), 5
    else:
        n, start = raw[2], 3
    if len(raw) - start != n:
        raise FrameError(f"APDU length {n} but {len(raw) - start} data bytes")
    return Apdu(raw[:2], raw[start:])


# --- BCD and BMP fields (ZVT §4) ----------------------------------------------------


def bcd(value: int, size: int) -> bytes:
    """``value`` as packed BCD in ``size`` bytes."""
    digits = f"{value:0{size * 2}d}"
    if value < 0 or len(digits) > size * 2:
        raise ValueError(f"{value} does not fit {size} BCD bytes")
    return bytes.fromhex(digits)


def from_bcd(data: bytes) -> int:
    """Packed BCD to int."""
    text = data.hex()
    if not text.isdigit():
        raise FrameError(f"not BCD: {data.hex(' ')}")
    return int(text)


def var_length_at(data: bytes, pos: int, digits: int) -> int:
    """LLVAR/LLLVAR length: each byte Fx carries one decimal digit x."""
    chunk = data[pos : pos + digits]
    if len(chunk) != digits or any(b >> 4 != 0xF or b & 0xF > 9 for b in chunk):
        raise FrameError(f"bad variable length at {pos}: {chunk.hex(' ')}")
    return int("".join(str(b & 0xF) for b in chunk))


def var_length(n: int, digits: int) -> bytes:
    """Encode an LLVAR (2) or LLLVAR (3) length."""
    return bytes(0xF0 | int(d) for d in f"{n:0{digits}d}")


def ber_length_at(data: bytes, pos: int) -> tuple[int, int]:
    """BER-TLV length at ``pos``: (length, bytes used)."""
    if pos >= len(data):
        raise FrameError("TLV length missing")
    first = data[pos]
    if first < 0x80:
        return first, 1
    count = first & 0x7F
    if count not in (1, 2) or pos + 1 + count > len(data):
        raise FrameError(f"bad TLV length at {pos}")
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), 1 + count


def ber_length(n: int) -> bytes:
    """Encode a BER-TLV length."""
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    return bytes([0x82]) + n.to_bytes(2, "big")


@dataclass(frozen=True)
class Bmps:
    """BMP fields of an APDU's data, and where parsing had to stop.

    ``unknown_tag`` is the first tag the specification's table does not hold: its length
    cannot be known, so the fields before it are kept and ``rest`` holds it and what
    follows (for a log of its tag, never its content: it may be card data).
    """

    fields: dict[int, bytes]
    unknown_tag: int | None = None
    rest: bytes = b""


def read_bmps(data: bytes) -> Bmps:
    """BMP fields of a terminal's message: what can be read, even past a tag we do not know."""
    fields: dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        tag = data[pos]
        kind = BMP_LENGTHS.get(tag)
        if kind is None:
            return Bmps(fields, tag, data[pos:])
        pos += 1
        if kind == TLV:
            n, used = ber_length_at(data, pos)
            pos += used
        elif kind in (LLVAR, LLLVAR):
            digits = -kind
            n = var_length_at(data, pos, digits)
            pos += digits
        else:
            n = kind
        if pos + n > len(data):
            raise FrameError(f"BMP {tag:#04x} cut short")
        fields[tag] = data[pos : pos + n]
        pos += n
    return Bmps(fields)


def parse_bmps(data: bytes) -> dict[int, bytes]:
    """BMP fields of an APDU's data: tag -> value (variable lengths stripped); strict."""
    found = read_bmps(data)
    if found.unknown_tag is not None:
        at = len(data) - len(found.rest)
        raise FrameError(f"unknown BMP {found.unknown_tag:#04x} at {at}")
    return found.fields


def parse_tlv(data: bytes) -> list[tuple[int, bytes]]:
    """Top-level BER-TLV objects (one- or two-byte tags) as (tag, value)."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag & 0x1F == 0x1F:
            if pos >= len(data):
                raise FrameError("TLV tag cut short")
            tag = (tag << 8) | data[pos]
            pos += 1
        n, used = ber_length_at(data, pos)
        pos += used
        if pos + n > len(data):
            raise FrameError(f"TLV {tag:#x} cut short")
        out.append((tag, data[pos : pos + n]))
        pos += n
    return out


def tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV object with a one-byte tag."""
    return bytes([tag]) + ber_length(len(value)) + value
