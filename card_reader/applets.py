"""The applets of the simulated cards: a UEC identification application, a bank card, a blank.

The card's side of ISO 7816-4 and EMV, bytes in and bytes out, no I/O: what
:class:`~card_reader.sim.SimulatedCard` runs behind the virtual reader, and
:class:`~card_reader.sim.AppletLink` behind no reader at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from card_reader import codec, tlv
from card_reader.codec import Command, Response
from card_reader.errors import MalformedData
from card_reader.identity import Identity, Sex
from card_reader.profiles import emv, uec

SAMPLE_HOLDER = Identity(
    surname="Иванова",
    name="Мария",
    patronymic="Петровна",
    birth_date=date(1985, 3, 14),
    sex=Sex.FEMALE,
    snils="11223344595",
    oms_policy="7755443322110099",
)
# Visa's published test card number, in the EMV simulator only.
SAMPLE_PAN = "4761739001010010"


def sw(value: int, data: bytes = b"") -> bytes:
    return data + value.to_bytes(2, "big")


class Applet(Protocol):
    def reset(self) -> None:
        """Power cycle: volatile state (selection, PIN verified) is lost, counters are not."""
        ...

    def process(self, apdu: bytes) -> bytes: ...


# ISO 7816-4 5.6: 6A82 "file or application not found".
APPLICATION_NOT_FOUND = 0x6A82


class IsoApplet:
    """What every applet shares: command chaining (CLA b5) and GET RESPONSE after 61xx."""

    def __init__(self, *, t0: bool = False, absent_sw: int = APPLICATION_NOT_FOUND) -> None:
        """``t0``: answer data with 61xx and hand it out by GET RESPONSE, as T=0 cards do.

        ``absent_sw``: the answer to a SELECT of an application the card does not hold;
        6A82, or as other cards do, 6A81, 6E00 or 6999 (Java Card's "selection failed").
        """
        self.t0 = t0
        self.absent_sw = absent_sw
        self._chained = bytearray()
        self._pending = b""

    def reset(self) -> None:
        self._chained.clear()
        self._pending = b""

    def process(self, apdu: bytes) -> bytes:
        try:
            command = codec.parse_command(apdu)
        except MalformedData:
            return sw(0x6700)
        if command.ins == codec.INS_GET_RESPONSE:
            return self._get_response(command)
        self._pending = b""
        if command.cla & codec.CLA_CHAINING:
            self._chained += command.data
            return sw(0x9000)
        if self._chained:
            data = bytes(self._chained) + command.data
            self._chained.clear()
            command = Command(command.cla, command.ins, command.p1, command.p2, data, command.le)
        answer = Response.parse(self.handle(command))
        if self.t0 and answer.ok and answer.data:
            self._pending = answer.data
            return sw(0x6100 | min(len(answer.data), 256) & 0xFF)
        return answer.encode()

    def _get_response(self, command: Command) -> bytes:
        if not self._pending:
            return sw(0x6985)
        size = command.le or 256
        chunk, self._pending = self._pending[:size], self._pending[size:]
        if self._pending:
            return sw(0x6100 | min(len(self._pending), 256) & 0xFF, chunk)
        return sw(0x9000, chunk)

    def handle(self, command: Command) -> bytes:
        raise NotImplementedError


class BlankApplet(IsoApplet):
    """A card with no application okno knows: every SELECT finds nothing."""

    def handle(self, command: Command) -> bytes:
        if command.ins == codec.INS_SELECT:
            return sw(self.absent_sw)
        return sw(0x6D00)


@dataclass
class UecState:
    """What the simulated UEC holds; ``tries_left`` goes down with each wrong PIN."""

    holder: Identity = SAMPLE_HOLDER
    pin: str = "1234"
    max_tries: int = 3
    tries_left: int = 3
    # Real cards' behaviour this one can show.
    exact_le: bool = True  # a READ with a wrong Le gets 6Cxx, the exact length
    needs_secure_messaging: bool = False
    pin_required: bool = True
    # VERIFY says plain 6300 ("verification failed"), never 63Cx: the counter stays hidden.
    hides_tries: bool = False
    # Data objects written as these raw values instead of the holder's (a card that codes
    # 5F2B its own way, say), by tag.
    raw_objects: dict[int, bytes] = field(default_factory=dict)
    verified: bool = field(default=False, repr=False)


class UecApplet(IsoApplet):
    """The identification application: SELECT, VERIFY (format 2 block), READ BINARY of SFI 1."""

    def __init__(
        self,
        state: UecState | None = None,
        *,
        t0: bool = True,
        absent_sw: int = APPLICATION_NOT_FOUND,
    ) -> None:
        super().__init__(t0=t0, absent_sw=absent_sw)
        self.state = state or UecState()
        self._selected = False
        self._current_ef = False
        self._file = _identity_file(self.state)

    def reset(self) -> None:
        super().reset()
        self._selected = self._current_ef = False
        self.state.verified = False

    def fci(self) -> bytes:
        proprietary = tlv.encode(0xA5, tlv.encode(0x5F24, bytes.fromhex("301231")))
        return tlv.encode(0x6F, tlv.encode(0x84, uec.UEC_ID_AID) + proprietary)

    def handle(self, command: Command) -> bytes:
        if command.ins == codec.INS_SELECT and command.p1 == 0x04:
            if command.data != uec.UEC_ID_AID:
                return sw(self.absent_sw)
            self._selected, self._current_ef = True, False
            self.state.verified = False
            return sw(0x9000, self.fci())
        if not self._selected:
            return sw(self.absent_sw) if command.ins == codec.INS_SELECT else sw(0x6986)
        if command.ins == codec.INS_VERIFY:
            return self._verify(command)
        if command.ins == codec.INS_READ_BINARY:
            return self._read_binary(command)
        return sw(0x6D00)

    def _verify(self, command: Command) -> bytes:
        state = self.state
        if command.p1 != 0x00 or command.p2 != uec.PIN_REFERENCE:
            return sw(0x6A88)
        if state.tries_left == 0:
            return sw(0x6983)
        if not command.data:
            return sw(0x9000) if state.verified else self._failed()
        block = command.data
        length = block[0] & 0x0F
        if len(block) != 8 or block[0] >> 4 != 2 or not 4 <= length <= 12:
            return sw(0x6A80)
        try:
            typed = codec.bcd_digits(block[1:])[:length]
        except MalformedData:
            return sw(0x6A80)
        if typed == state.pin:
            state.tries_left, state.verified = state.max_tries, True
            return sw(0x9000)
        state.tries_left -= 1
        state.verified = False
        return self._failed()

    def _failed(self) -> bytes:
        """A VERIFY not (or not yet) passed: 63Cx with the tries left, or a bare 6300."""
        if self.state.hides_tries:
            return sw(codec.SW_VERIFY_FAILED)
        return sw(0x63C0 | self.state.tries_left)

    def _read_binary(self, command: Command) -> bytes:
        state = self.state
        if command.p1 & 0x80:
            if command.p1 & 0x1F != uec.IDENTITY_SFI:
                return sw(0x6A82)
            offset = command.p2
        elif self._current_ef:
            offset = command.p1 << 8 | command.p2
        else:
            return sw(0x6986)
        if state.needs_secure_messaging or (state.pin_required and not state.verified):
            return sw(0x6982)
        self._current_ef = True
        if offset >= len(self._file):
            return sw(0x6B00)
        remaining = len(self._file) - offset
        wanted = command.le or 256
        if state.exact_le and wanted > remaining:
            return sw(0x6C00 | remaining & 0xFF)
        return sw(0x9000, self._file[offset : offset + wanted])


class EmvApplet(IsoApplet):
    """A bank card: PPSE, one application with a PDOL, GPO (format 2), one record."""

    def __init__(
        self,
        pan: str = SAMPLE_PAN,
        name: str = "IVANOVA/MARIA",
        aid: bytes = emv.MIR,
        *,
        with_ppse: bool = True,
        priority: bytes = b"\x01",
        absent_sw: int = APPLICATION_NOT_FOUND,
    ) -> None:
        """``priority``: the PPSE entry's ``87`` value (empty: an ``87 00`` some cards list)."""
        super().__init__(absent_sw=absent_sw)
        self.aid = aid
        self.with_ppse = with_ppse
        self.priority = priority
        self._pdol = bytes.fromhex("9F66049F02069F3704")
        digits = f"{pan}D3012201" + "0" * 10
        track2 = bytes.fromhex(digits + "F" * (len(digits) % 2))
        self._record = tlv.encode(
            0x70,
            tlv.encode(emv.TAG_TRACK2, track2)
            + tlv.encode(emv.TAG_NAME, name.encode("ascii"))
            + tlv.encode(0x5F24, bytes.fromhex("301231")),
        )
        self._selected = False

    def reset(self) -> None:
        super().reset()
        self._selected = False

    def handle(self, command: Command) -> bytes:
        if command.ins == codec.INS_SELECT and command.p1 == 0x04:
            return self._select(command.data)
        if not self._selected:
            return sw(0x6985)
        if command.ins == codec.INS_GET_PROCESSING_OPTIONS and command.cla == 0x80:
            size = sum(length for _, length in emv.parse_dol(self._pdol))
            if command.data != tlv.encode(0x83, bytes(size)):
                return sw(0x6700)
            afl = bytes((1 << 3, 1, 1, 0))
            return sw(
                0x9000, tlv.encode(0x77, tlv.encode(0x82, b"\x18\x00") + tlv.encode(0x94, afl))
            )
        if command.ins == codec.INS_READ_RECORD:
            if (command.p1, command.p2) != (1, 1 << 3 | 4):
                return sw(0x6A83)
            return sw(0x9000, self._record)
        return sw(0x6D00)

    def _select(self, name: bytes) -> bytes:
        if name == emv.PPSE and self.with_ppse:
            entry = tlv.encode(
                0x61,
                tlv.encode(emv.TAG_AID, self.aid) + tlv.encode(emv.TAG_PRIORITY, self.priority),
            )
            fci = tlv.encode(0x84, name) + tlv.encode(0xA5, tlv.encode(0xBF0C, entry))
            return sw(0x9000, tlv.encode(0x6F, fci))
        if name == self.aid:
            self._selected = True
            body = tlv.encode(0x50, b"CARD") + tlv.encode(emv.TAG_PDOL, self._pdol)
            return sw(0x9000, tlv.encode(0x6F, tlv.encode(0x84, name) + tlv.encode(0xA5, body)))
        return sw(self.absent_sw)


def _identity_file(state: UecState) -> bytes:
    """The holder's ``70`` template, with ``state.raw_objects`` in place of their objects."""
    template = uec.encode_identity(state.holder)
    if not state.raw_objects:
        return template
    (whole,) = tlv.parse(template)
    kept = [obj.encode() for obj in whole.children if obj.tag not in state.raw_objects]
    raw = [tlv.encode(tag, value) for tag, value in state.raw_objects.items()]
    return tlv.encode(uec.TEMPLATE, b"".join(kept + raw))
