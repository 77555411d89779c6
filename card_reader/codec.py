"""APDUs of ISO/IEC 7816-4, status words, PIN blocks: pure bytes <-> values, no I/O.

Command APDU (ISO 7816-4 section 5.1): ``CLA INS P1 P2 [Lc data] [Le]``. Short form: Lc
one byte (1-255), Le one byte (``00`` means 256). Extended form: Lc is ``00 xx xx``; Le is
two bytes after Lc, or ``00 xx xx`` without data (``00 00`` means 65536). The four cases
are case 1 (header only), 2 (Le), 3 (data), 4 (data and Le).

The PIN travels only in :func:`pin_block` and :func:`verify_buffer`, which fill
``bytearray``\\ s the caller zeroes with :func:`wipe` as soon as the card has answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from card_reader import errors
from card_reader.errors import BadPin, MalformedData

__all__ = [
    "Command",
    "Response",
    "bcd_digits",
    "chain",
    "check",
    "check_verify",
    "digits_bcd",
    "error_for",
    "get_response",
    "not_this_application",
    "parse_command",
    "pin_block",
    "read_binary",
    "read_record",
    "select_aid",
    "verify_buffer",
    "verify_status",
    "wipe",
]

SHORT_LC_MAX = 255
SHORT_LE_MAX = 256
EXTENDED_MAX = 65536
# CLA bit 5 (0x10): more commands of this chain follow (ISO 7816-4 5.4.1).
CLA_CHAINING = 0x10

INS_VERIFY = 0x20
INS_SELECT = 0xA4
INS_READ_BINARY = 0xB0
INS_READ_RECORD = 0xB2
INS_GET_RESPONSE = 0xC0
INS_GET_DATA = 0xCA
INS_GET_PROCESSING_OPTIONS = 0xA8


@dataclass(frozen=True, slots=True)
class Command:
    """A command APDU. ``le`` None: no response data expected; 256 / 65536 for "all"."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise MalformedData(f"{name} must be one byte")
        if len(self.data) > EXTENDED_MAX - 1:
            raise MalformedData("command data longer than 65535 bytes")
        if self.le is not None and not 1 <= self.le <= EXTENDED_MAX:
            raise MalformedData("Le must be 1..65536 (256 or 65536 for 'all')")

    @property
    def extended(self) -> bool:
        """Whether it needs the extended form: data over 255 bytes or Le over 256."""
        return len(self.data) > SHORT_LC_MAX or (self.le is not None and self.le > SHORT_LE_MAX)

    def encode(self, *, extended: bool | None = None) -> bytes:
        """The APDU's bytes, short unless it must (or ``extended``) be extended."""
        long_form = self.extended if extended is None else extended
        if not long_form and self.extended:
            raise MalformedData("this command does not fit in a short APDU")
        out = bytearray((self.cla, self.ins, self.p1, self.p2))
        if long_form:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = b"\x00\x00" if self.le == EXTENDED_MAX else self.le.to_bytes(2, "big")
                out += le if self.data else b"\x00" + le
        else:
            if self.data:
                out += bytes([len(self.data)]) + self.data
            if self.le is not None:
                out.append(0 if self.le == SHORT_LE_MAX else self.le)
        return bytes(out)

    def with_le(self, le: int) -> Command:
        return Command(self.cla, self.ins, self.p1, self.p2, self.data, le)

    def __repr__(self) -> str:
        # Data may be personal (or a PIN block): a repr shows the header and lengths only.
        le = "" if self.le is None else f" Le={self.le}"
        return (
            f"Command({self.cla:02X} {self.ins:02X} {self.p1:02X} {self.p2:02X}"
            f" Lc={len(self.data)}{le})"
        )


def parse_command(raw: bytes) -> Command:
    """The command in ``raw``, short or extended, any of the four cases."""
    if len(raw) < 4:
        raise MalformedData("a command APDU has at least 4 bytes")
    cla, ins, p1, p2 = raw[:4]
    body = raw[4:]
    if not body:
        return Command(cla, ins, p1, p2)
    if len(body) == 1:
        return Command(cla, ins, p1, p2, le=body[0] or SHORT_LE_MAX)
    if body[0] != 0:
        lc = body[0]
        if len(body) == 1 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1:]))
        if len(body) == 2 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[1 + lc] or SHORT_LE_MAX)
        raise MalformedData(f"Lc {lc} does not match {len(body) - 1} bytes after it")
    # Extended: 00 then two bytes of Lc or Le.
    if len(body) == 3:
        return Command(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or EXTENDED_MAX)
    lc = int.from_bytes(body[1:3], "big")
    if lc == 0 or len(body) not in (3 + lc, 5 + lc):
        raise MalformedData("extended Lc does not match the bytes after it")
    data = bytes(body[3 : 3 + lc])
    if len(body) == 3 + lc:
        return Command(cla, ins, p1, p2, data)
    le = int.from_bytes(body[3 + lc : 5 + lc], "big") or EXTENDED_MAX
    return Command(cla, ins, p1, p2, data, le)


@dataclass(frozen=True, slots=True)
class Response:
    data: bytes
    sw1: int
    sw2: int

    @classmethod
    def parse(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise MalformedData("a response APDU ends with two status bytes")
        return cls(bytes(raw[:-2]), raw[-2], raw[-1])

    @property
    def sw(self) -> int:
        return self.sw1 << 8 | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    def encode(self) -> bytes:
        return self.data + bytes((self.sw1, self.sw2))

    def __repr__(self) -> str:
        return f"Response({len(self.data)} bytes, SW={self.sw:04X})"


# -- commands -----------------------------------------------------------------------------


def select_aid(aid: bytes, *, first: bool = True, le: int | None = SHORT_LE_MAX) -> Command:
    """SELECT by DF name (ISO 7816-4 11.2.2): ``00 A4 04 00 Lc AID 00``, FCI returned."""
    return Command(0x00, INS_SELECT, 0x04, 0x00 if first else 0x02, aid, le)


def read_binary(offset: int = 0, le: int = SHORT_LE_MAX, *, sfi: int | None = None) -> Command:
    """READ BINARY (ISO 7816-4 11.3.3): by current EF and 15-bit offset, or by SFI (P1 b8 set)."""
    if sfi is not None:
        if not 1 <= sfi <= 30 or not 0 <= offset <= 0xFF:
            raise MalformedData("with an SFI, the SFI is 1..30 and the offset 0..255")
        return Command(0x00, INS_READ_BINARY, 0x80 | sfi, offset, le=le)
    if not 0 <= offset <= 0x7FFF:
        raise MalformedData("READ BINARY offset is 0..32767")
    return Command(0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, le=le)


def read_record(record: int, sfi: int, le: int = SHORT_LE_MAX) -> Command:
    """READ RECORD number ``record`` of file ``sfi`` (ISO 7816-4 11.3.5, EMV: P2 = SFI<<3 | 4)."""
    if not 1 <= record <= 0xFE or not 1 <= sfi <= 30:
        raise MalformedData("record is 1..254 and SFI 1..30")
    return Command(0x00, INS_READ_RECORD, record, sfi << 3 | 0x04, le=le)


def get_response(length: int) -> Command:
    """GET RESPONSE ``00 C0 00 00 xx`` after a 61xx (ISO 7816-4 5.3.4, T=0 case 4)."""
    return Command(0x00, INS_GET_RESPONSE, 0x00, 0x00, le=length or SHORT_LE_MAX)


def get_data(tag: int, le: int = SHORT_LE_MAX) -> Command:
    """GET DATA for a one- or two-byte tag (ISO 7816-4 11.4.3): ``00 CA P1 P2 00``."""
    if not 0 <= tag <= 0xFFFF:
        raise MalformedData("GET DATA takes a tag of one or two bytes")
    return Command(0x00, INS_GET_DATA, tag >> 8, tag & 0xFF, le=le)


def verify_status(reference: int) -> Command:
    """VERIFY without data (ISO 7816-4 11.5.6): asks how many tries are left, 63Cx."""
    return Command(0x00, INS_VERIFY, 0x00, reference)


def chain(command: Command, size: int = SHORT_LC_MAX) -> list[Command]:
    """``command`` as a chain of short commands (ISO 7816-4 5.4.1): CLA b5 set on all but the last.

    Only the last one carries Le.
    """
    if size < 1:
        raise MalformedData("a chained piece holds at least one byte")
    if len(command.data) <= size:
        return [command]
    pieces = [command.data[i : i + size] for i in range(0, len(command.data), size)]
    chained = [
        Command(command.cla | CLA_CHAINING, command.ins, command.p1, command.p2, piece)
        for piece in pieces[:-1]
    ]
    chained.append(
        Command(command.cla, command.ins, command.p1, command.p2, pieces[-1], command.le)
    )
    return chained


# -- status words -------------------------------------------------------------------------

_STATUS: dict[int, tuple[type[errors.CardStatusError], str]] = {
    0x6281: (errors.CardFailure, "part of the returned data may be corrupted"),
    0x6283: (errors.ConditionsNotSatisfied, "the selected file or application is blocked"),
    0x6400: (errors.CardFailure, "execution error"),
    0x6581: (errors.CardFailure, "memory failure"),
    0x6700: (errors.WrongLength, "wrong length"),
    0x6881: (errors.NotSupported, "logical channel not supported"),
    0x6882: (errors.NotSupported, "secure messaging not supported"),
    0x6981: (errors.ConditionsNotSatisfied, "command incompatible with the file structure"),
    0x6982: (errors.SecurityNotSatisfied, "security status not satisfied"),
    0x6983: (errors.PinBlocked, "authentication method blocked"),
    0x6984: (errors.PinBlocked, "reference data not usable"),
    0x6985: (errors.ConditionsNotSatisfied, "conditions of use not satisfied"),
    0x6986: (errors.ConditionsNotSatisfied, "command not allowed (no current EF)"),
    0x6987: (errors.SecureMessagingRequired, "expected secure messaging data objects missing"),
    0x6988: (errors.SecureMessagingRequired, "incorrect secure messaging data objects"),
    0x6A80: (errors.WrongParameters, "incorrect data field"),
    0x6A81: (errors.NotSupported, "function not supported"),
    0x6A82: (errors.FileNotFound, "file or application not found"),
    0x6A83: (errors.RecordNotFound, "record not found"),
    0x6A86: (errors.WrongParameters, "incorrect P1-P2"),
    0x6A88: (errors.FileNotFound, "referenced data not found"),
    0x6B00: (errors.WrongParameters, "wrong parameters (offset outside the EF)"),
    0x6D00: (errors.NotSupported, "instruction not supported"),
    0x6E00: (errors.NotSupported, "class not supported"),
    0x6F00: (errors.CardFailure, "no precise diagnosis"),
}


def error_for(sw: int) -> errors.CardStatusError:
    """The typed error for a refusing status word (not 9000, 61xx, 6Cxx)."""
    sw1, sw2 = sw >> 8, sw & 0xFF
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        tries = sw2 & 0x0F
        if tries == 0:
            return errors.PinBlocked("wrong PIN, no tries left: the PIN is blocked", sw)
        return errors.WrongPin(f"wrong PIN, {tries} tries left", sw, tries)
    if sw in _STATUS:
        kind, text = _STATUS[sw]
        return kind(f"{text} ({sw:04X})", sw)
    if sw1 in (0x64, 0x65, 0x66, 0x6F):
        return errors.CardFailure(f"the card failed ({sw:04X})", sw)
    if sw1 == 0x69:
        return errors.ConditionsNotSatisfied(f"command not allowed ({sw:04X})", sw)
    if sw1 == 0x6A:
        return errors.WrongParameters(f"wrong parameters ({sw:04X})", sw)
    return errors.CardStatusError(f"the card refused the command ({sw:04X})", sw)


def check(response: Response) -> Response:
    """``response`` if it succeeded (9000, or 6282 "fewer bytes than Le"), else its typed error."""
    if response.sw in (0x9000, 0x6282):
        return response
    raise error_for(response.sw)


# ISO 7816-4 11.5.6: a refused VERIFY says 63Cx with the tries left, or plain 6300
# ("verification failed", no counter given) on cards that keep the counter to themselves.
SW_VERIFY_FAILED = 0x6300


def check_verify(response: Response) -> Response:
    """:func:`check` for a VERIFY answer: a plain 6300 is a wrong PIN, its tries left unknown."""
    if response.sw == SW_VERIFY_FAILED:
        raise errors.WrongPin(
            "wrong PIN (the card does not say how many tries are left)", response.sw, None
        )
    return check(response)


# What a card answers a SELECT of an application it does not hold (ISO 7816-4 5.6 and
# 11.2.2, EMV Book 1 12.3): 6A82 file or application not found, 6A81 function not
# supported, 6D00 instruction not supported, 6E00 class not supported, and 6999 (selection
# failed), which Java Card answers when the applet is absent or refuses to be selected.
_NOT_THIS_APPLICATION = frozenset({0x6A81, 0x6A82, 0x6D00, 0x6E00, 0x6999})


def not_this_application(sw: int) -> bool:
    """Whether ``sw``, the answer to a SELECT, means "this card has no such application"."""
    return sw in _NOT_THIS_APPLICATION


# -- numbers, PIN blocks ------------------------------------------------------------------


def bcd_digits(data: bytes) -> str:
    """The digits of packed BCD ('n' format), up to the first F nibble of padding."""
    digits: list[str] = []
    for byte in data:
        for nibble in (byte >> 4, byte & 0x0F):
            if nibble == 0x0F:
                return "".join(digits)
            if nibble > 9:
                raise MalformedData("packed BCD holds a nibble above 9")
            digits.append(str(nibble))
    return "".join(digits)


def digits_bcd(digits: str, size: int | None = None, *, pad: str = "left") -> bytes:
    """Packed BCD of ``digits``: zeros on the left (EMV 'n') or F on the right ('cn')."""
    if not digits.isdigit() or not digits.isascii():
        raise MalformedData("BCD takes digits only")
    width = len(digits) + len(digits) % 2 if size is None else size * 2
    if len(digits) > width:
        raise MalformedData(f"{len(digits)} digits do not fit in {width // 2} bytes")
    padded = digits.rjust(width, "0") if pad == "left" else digits.ljust(width, "F")
    return bytes.fromhex(padded)


PIN_MIN = 4
PIN_MAX = 12
PIN_BLOCK_SIZE = 8


def pin_block(pin: bytearray) -> bytearray:
    """ISO 9564-1 format 2 block of the ASCII digits in ``pin``: ``2N P P ... F F``, 8 bytes.

    ``2`` is the control nibble, ``N`` the number of digits; the digits follow as BCD,
    padded with F (EMV Book 3 6.5.12, plaintext offline PIN). The caller wipes both
    ``pin`` and the block.
    """
    if not PIN_MIN <= len(pin) <= PIN_MAX or any(not 0x30 <= c <= 0x39 for c in pin):
        raise BadPin(f"a PIN is {PIN_MIN} to {PIN_MAX} digits")
    block = bytearray(b"\xff" * PIN_BLOCK_SIZE)
    block[0] = 0x20 | len(pin)
    for index, char in enumerate(pin):
        position = 1 + index // 2
        digit = char - 0x30
        if index % 2 == 0:
            block[position] = digit << 4 | 0x0F
        else:
            block[position] = block[position] & 0xF0 | digit
    return block


def verify_buffer(reference: int, block: bytearray, cla: int = 0x00) -> bytearray:
    """VERIFY ``CLA 20 00 ref 08 <block>`` (ISO 7816-4 11.5.6) in a buffer the caller wipes."""
    if len(block) != PIN_BLOCK_SIZE:
        raise BadPin("a format 2 PIN block is 8 bytes")
    apdu = bytearray((cla, INS_VERIFY, 0x00, reference, PIN_BLOCK_SIZE))
    apdu += block
    return apdu


def wipe(*buffers: bytearray) -> None:
    """Overwrite each buffer with zeros, in place."""
    for buffer in buffers:
        buffer[:] = bytes(len(buffer))
