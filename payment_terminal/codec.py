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


# --- BCD (ZVT §4): amounts, numbers, dates --------------------------------------


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
