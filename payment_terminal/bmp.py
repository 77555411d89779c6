"""ZVT bitmaps (BMPs) and TLV containers: bytes <-> fields (pure).

The specification's table of every BMP's length, the LLVAR/LLLVAR and BER-TLV lengths,
and reading the fields of a command or a terminal's message. Section references are to
the ZVT protocol specification (ECR-Interface) v13.x.
"""

from __future__ import annotations

from dataclasses import dataclass

from payment_terminal.errors import FrameError

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
    """Top-level BER-TLV objects as (tag, value); a tag of any length (ZVT §9.4: 1F xx...).

    Tags we do not know are kept like any other: their length is in the object itself.
    """
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        more = tag & 0x1F == 0x1F  # the tag goes on; each next byte with bit 8 set too
        while more:
            if pos >= len(data):
                raise FrameError("TLV tag cut short")
            tag = (tag << 8) | data[pos]
            more = data[pos] & 0x80 != 0
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
