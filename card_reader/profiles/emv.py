"""Bank cards (EMV): the cardholder's name and a masked card number, nothing else.

EMV Book 1 section 12 and Book B (contactless) for the PPSE: SELECT ``2PAY.SYS.DDF01``
lists the card's payment applications (``61`` entries with ``4F`` AID, ``87`` priority)
under ``BF0C``; a card without a PPSE is tried with a few well-known AIDs. Then, Book 3
sections 10.1 and 10.2: GET PROCESSING OPTIONS with the PDOL filled with zeros gives the
AFL (``94``), and READ RECORD of the files it lists gives ``5F20`` (cardholder name) and
``5A`` (PAN) or ``57`` (track 2 equivalent data). The PAN is masked at once; no PIN is
asked: a bank card's PIN is for payments, never for identifying a visitor.
"""

from __future__ import annotations

from card_reader import codec, tlv
from card_reader.channel import CardChannel
from card_reader.codec import Command
from card_reader.errors import CardStatusError, MalformedData
from card_reader.identity import BankCardHolder, mask_pan
from card_reader.profiles.base import PinEntryFactory, select_application

PPSE = b"2PAY.SYS.DDF01"
MIR = bytes.fromhex("A0000006581010")
VISA = bytes.fromhex("A0000000031010")
MASTERCARD = bytes.fromhex("A0000000041010")
KNOWN_AIDS = (MIR, VISA, MASTERCARD)

TAG_AID = 0x4F
TAG_PRIORITY = 0x87
TAG_APPLICATION = 0x61
TAG_PDOL = 0x9F38
TAG_GPO_FORMAT_1 = 0x80
TAG_GPO_FORMAT_2 = 0x77
TAG_AFL = 0x94
TAG_PAN = 0x5A
TAG_TRACK2 = 0x57
TAG_NAME = 0x5F20
# Records read at most: the name and PAN are in the first few of any card.
MAX_RECORDS = 16
# ISO 7816-5: an AID is 5 to 16 bytes (RID and PIX).
AID_SIZES = range(5, 17)
# Book 1 12.3.2 and 12.3.3: 6283, a blocked PPSE or application, is passed over like a
# missing one: the list of AIDs is tried, the application left out.
BLOCKED = frozenset({0x6283})


def aids_from_ppse(fci: bytes) -> list[bytes]:
    """The AIDs the PPSE lists, highest priority (lowest ``87`` value) first.

    An entry whose ``4F`` is missing or no AID's size is left out.
    """
    entries = []
    for order, entry in enumerate(tlv.find_all(tlv.parse(fci), TAG_APPLICATION)):
        children = {child.tag: child.value for child in entry.children}
        if len(children.get(TAG_AID, b"")) not in AID_SIZES:
            continue
        # Book 1 12.2.3: b4-b1 of the first byte, 1 highest; 0, or none given, is no priority
        # (an empty ``87 00`` too), which ranks last.
        priority = children.get(TAG_PRIORITY, b"")[:1] or b"\x00"
        entries.append(((priority[0] & 0x0F) or 0x10, order, children[TAG_AID]))
    return [aid for _, _, aid in sorted(entries)]


def parse_dol(dol: bytes) -> list[tuple[int, int]]:
    """A data object list (Book 3 5.4): tag and length pairs, no values."""
    items = []
    pos = 0
    while pos < len(dol):
        tag, pos = tlv.read_tag(dol, pos)
        length, pos = tlv.read_length(dol, pos)
        items.append((tag, length))
    return items


def gpo_command(pdol: bytes | None) -> Command:
    """GET PROCESSING OPTIONS ``80 A8 00 00 Lc 83 L <PDOL data> 00``, the PDOL data zeros."""
    size = sum(length for _, length in parse_dol(pdol)) if pdol else 0
    return Command(0x80, codec.INS_GET_PROCESSING_OPTIONS, 0, 0, tlv.encode(0x83, bytes(size)), 256)


def afl_from_gpo(data: bytes) -> bytes:
    """The AFL from a GPO answer, format 1 (``80``: AIP then AFL) or 2 (``77`` with ``94``)."""
    objects = tlv.parse(data)
    if objects and objects[0].tag == TAG_GPO_FORMAT_1:
        return objects[0].value[2:]
    found = tlv.find(objects, TAG_AFL)
    if found is None:
        raise MalformedData("the GPO answer holds no AFL")
    return found.value


def parse_afl(afl: bytes) -> list[tuple[int, int, int]]:
    """(SFI, first record, last record) per 4-byte AFL entry (Book 3 10.2)."""
    if len(afl) % 4:
        raise MalformedData("an AFL is made of 4-byte entries")
    entries = []
    for pos in range(0, len(afl), 4):
        sfi, first, last = afl[pos] >> 3, afl[pos + 1], afl[pos + 2]
        if not 1 <= sfi <= 30 or first == 0 or last < first:
            raise MalformedData("an AFL entry is out of range")
        entries.append((sfi, first, last))
    return entries


def pan_from_track2(value: bytes) -> str:
    """The PAN of track 2 equivalent data: the digits before the ``D`` separator."""
    digits = value.hex().upper()
    if "D" not in digits:
        raise MalformedData("track 2 data holds no field separator")
    return digits.split("D", 1)[0]


def holder_name(value: bytes) -> str:
    """``IVANOV/IVAN`` (ISO 7813 ``SURNAME/GIVEN``) as ``IVAN IVANOV``."""
    text = value.decode("ascii", errors="replace").strip()
    surname, _, given = text.partition("/")
    return f"{given.strip()} {surname.strip()}".strip() if given else surname.strip()


class EmvProfile:
    name = "emv"

    def select(self, channel: CardChannel) -> bytes | None:
        ppse = select_application(channel, PPSE, skip=BLOCKED)
        aids = aids_from_ppse(ppse) if ppse is not None else []
        for aid in [*aids, *(a for a in KNOWN_AIDS if a not in aids)]:
            fci = select_application(channel, aid, skip=BLOCKED)
            if fci is not None:
                return fci
        return None

    def read(
        self, channel: CardChannel, fci: bytes, pin_entry: PinEntryFactory
    ) -> tuple[BankCardHolder, bool]:
        del pin_entry
        pdol = tlv.find(fci, TAG_PDOL)
        afl = afl_from_gpo(channel.send(gpo_command(pdol.value if pdol else None)).data)
        name, pan = "", ""
        read = 0
        for sfi, first, last in parse_afl(afl):
            for record in range(first, last + 1):
                if (name and pan) or read >= MAX_RECORDS:
                    break
                read += 1
                try:
                    objects = tlv.parse(channel.send(codec.read_record(record, sfi)).data)
                except CardStatusError:
                    continue
                if not name and (found := tlv.find(objects, TAG_NAME)) is not None:
                    name = holder_name(found.value)
                if not pan and (found := tlv.find(objects, TAG_PAN)) is not None:
                    pan = codec.bcd_digits(found.value)
                if not pan and (found := tlv.find(objects, TAG_TRACK2)) is not None:
                    pan = pan_from_track2(found.value)
        if not pan:
            raise MalformedData("the bank card shows no card number")
        return BankCardHolder(name, mask_pan(pan)), False
