"""BER-TLV as ISO/IEC 7816-4 (5.2.2) and EMV Book 3 (annex B) use it: pure bytes <-> objects.

A tag is one byte, or more when its low five bits are all set (``5F2B``, ``DF2D``,
``9F38``; further bytes follow while their top bit is set). A length is one byte below
0x80, else ``81 xx``, ``82 xx xx`` (up to ``84``). Bit 6 of the first tag byte marks a
constructed object, whose value is more TLV. ``00`` and ``FF`` bytes before, between or
after objects are padding (ISO 7816-4 5.2.2.1) and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from card_reader.errors import MalformedData

__all__ = ["Tlv", "encode", "encode_length", "find", "find_all", "parse", "total_length"]


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        return bool(_first_byte(self.tag) & 0x20)

    @property
    def children(self) -> list[Tlv]:
        """The objects inside a constructed object; MalformedData for a primitive one."""
        if not self.constructed:
            raise MalformedData(f"tag {self.tag:X} is primitive: it holds no objects")
        return parse(self.value)

    def encode(self) -> bytes:
        return encode(self.tag, self.value)

    def __repr__(self) -> str:
        # Values may be personal data: a repr shows the tag and the length only.
        return f"Tlv({self.tag:X}, {len(self.value)} bytes)"


def _first_byte(tag: int) -> int:
    return tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")[0]


def read_tag(data: bytes, pos: int) -> tuple[int, int]:
    """The tag that starts at ``pos`` and the position after it."""
    if pos >= len(data):
        raise MalformedData("data ends where a tag should start")
    first = data[pos]
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise MalformedData(f"tag {tag:X} is cut off")
            byte = data[pos]
            tag = tag << 8 | byte
            pos += 1
            if not byte & 0x80:
                break
            if tag > 0xFFFFFFFF:
                raise MalformedData("tag longer than 4 bytes")
    return tag, pos


def read_length(data: bytes, pos: int) -> tuple[int, int]:
    """The length that starts at ``pos`` and the position after it."""
    if pos >= len(data):
        raise MalformedData("data ends where a length should start")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 4:
        raise MalformedData(f"length byte {first:02X} is not allowed in BER-TLV here")
    if pos + count > len(data):
        raise MalformedData("length is cut off")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def _objects(data: bytes) -> Iterator[Tlv]:
    pos = 0
    while pos < len(data):
        if data[pos] in (0x00, 0xFF):
            pos += 1
            continue
        tag, pos = read_tag(data, pos)
        length, pos = read_length(data, pos)
        if pos + length > len(data):
            raise MalformedData(
                f"tag {tag:X} says {length} bytes, only {len(data) - pos} are there"
            )
        yield Tlv(tag, bytes(data[pos : pos + length]))
        pos += length


def parse(data: bytes) -> list[Tlv]:
    """The objects at the top level of ``data``; MalformedData if any is cut or wrong."""
    return list(_objects(data))


def total_length(data: bytes) -> int | None:
    """How many bytes the first object of ``data`` takes whole, from its first bytes.

    None while ``data`` is too short to tell (a long tag or length cut off). Used to read a
    file in as many READ BINARY chunks as the object needs.
    """
    pos = 0
    while pos < len(data) and data[pos] in (0x00, 0xFF):
        pos += 1
    try:
        _, after_tag = read_tag(data, pos)
        length, after_length = read_length(data, after_tag)
    except MalformedData:
        if len(data) >= pos + 8:
            raise
        return None
    return after_length + length


def encode_length(length: int) -> bytes:
    if length < 0:
        raise MalformedData("a length cannot be negative")
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    if size > 4:
        raise MalformedData("length does not fit in 4 bytes")
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def encode(tag: int, value: bytes) -> bytes:
    """One object, with the shortest length form (DER style)."""
    size = (tag.bit_length() + 7) // 8 or 1
    return tag.to_bytes(size, "big") + encode_length(len(value)) + bytes(value)


def find_all(objects: Iterable[Tlv], tag: int) -> Iterator[Tlv]:
    """Every object with ``tag``, depth first, looking inside constructed objects."""
    for obj in objects:
        if obj.tag == tag:
            yield obj
        if obj.constructed:
            yield from find_all(obj.children, tag)


def find(objects: Iterable[Tlv] | bytes, tag: int) -> Tlv | None:
    """The first object with ``tag`` at any depth, or None."""
    if isinstance(objects, bytes | bytearray):
        objects = parse(bytes(objects))
    return next(find_all(objects, tag), None)
