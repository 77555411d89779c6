"""A virtual smart card in pcscd's vsmartcard reader: the card's side of the real wire protocol.

The card is a TCP client of the vpcd reader driver (``127.0.0.1:35963`` is reader
``Virtual PCD 00 00``, 35964 ``... 00 01``). Every message both ways is a 2-byte
big-endian length and a payload; a 1-byte payload from the reader is a control (0 power
off, 1 power on, 2 reset, 4 "send your ATR"), anything longer a command APDU to answer
with data and SW1 SW2. Connecting inserts the card; disconnecting pulls it out.

The card runs an applet (:mod:`card_reader.applets`): :class:`UecApplet` (the UEC
identification application with a holder, PIN and tries counter), :class:`EmvApplet` (a
bank card) or :class:`BlankApplet` (a card okno does not know). Faults: a mute card
(answers nothing from the n-th APDU), a card pulled out in the middle of the n-th APDU,
a card that insists on secure messaging, a blocked PIN, a PIN counter the card keeps to
itself (a bare 6300), other refusals of a SELECT (6A81, 6E00, 6999), data objects written
as given bytes, and a PPSE entry's priority. Only command headers are
kept, never their data.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Callable

from card_reader.applets import (
    APPLICATION_NOT_FOUND,
    SAMPLE_HOLDER,
    SAMPLE_PAN,
    Applet,
    BlankApplet,
    EmvApplet,
    IsoApplet,
    UecApplet,
    UecState,
)
from card_reader.errors import CardError, MalformedData

__all__ = [
    "BLANK_ATR",
    "EMV_ATR",
    "SAMPLE_HOLDER",
    "SAMPLE_PAN",
    "UEC_ATR",
    "VPCD_PORT",
    "VPCD_READER",
    "Applet",
    "AppletLink",
    "BlankApplet",
    "EmvApplet",
    "IsoApplet",
    "SimulatedCard",
    "UecApplet",
    "UecState",
    "make_atr",
    "simulated_card",
]

log = logging.getLogger(__name__)

VPCD_PORT = 35963
VPCD_READER = "Virtual PCD 00 00"
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4


def make_atr(historical: bytes) -> bytes:
    """A T=1 ATR (ISO 7816-3 8.2): TS 3B, T0, TD1 80, TD2 01, historical bytes, TCK."""
    if len(historical) > 15:
        raise MalformedData("at most 15 historical bytes")
    body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes((tck,))


UEC_ATR = make_atr(b"\x80okno-uec")
EMV_ATR = make_atr(b"\x80okno-emv")
BLANK_ATR = make_atr(b"\x80okno-blank")


class AppletLink:
    """A :class:`~card_reader.transport.Link` straight to an applet, with no reader between.

    For unit tests of profiles and the channel; it skips PC/SC, so it does not test the
    driver's link to a reader (the virtual reader does).
    """

    def __init__(self, applet: Applet, atr: bytes = UEC_ATR, reader: str = "applet") -> None:
        self.applet = applet
        self.atr = atr
        self.reader = reader
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.sent.append(bytes(apdu[:4]))
        return self.applet.process(bytes(apdu))

    def control(self, code: int, data: bytes) -> bytes:
        del data
        raise CardError(f"no control code 0x{code:08X} here")

    def close(self) -> None:
        pass


class SimulatedCard:
    """A card to insert into (connect to) and remove from the vpcd virtual reader."""

    def __init__(
        self,
        applet: Applet,
        *,
        atr: bytes = UEC_ATR,
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
        mute_after: int | None = None,
        remove_after: int | None = None,
    ) -> None:
        """``mute_after``: answer nothing from APDU number n+1 on; ``remove_after``: pull the
        card out when APDU n+1 arrives (the reader is left waiting for its answer).
        """
        self.applet = applet
        self.atr = atr
        self.host, self.port = host, port
        self.mute_after = mute_after
        self.remove_after = remove_after
        # CLA INS P1 P2 of every command APDU received, in order.
        self.headers: list[bytes] = []
        self.powered = threading.Event()
        self.gone = threading.Event()
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def inserted(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def insert(self) -> None:
        """Connect to the reader; OSError if no vpcd reader listens (is pcscd running?)."""
        if self.inserted:
            return
        self.applet.reset()
        self.headers.clear()
        self.powered.clear()
        self.gone.clear()
        link = socket.create_connection((self.host, self.port), timeout=5)
        link.settimeout(None)
        link.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket = link
        self._thread = threading.Thread(target=self._serve, args=(link,), daemon=True)
        self._thread.name = f"simulated card :{self.port}"
        self._thread.start()

    def remove(self, timeout_s: float = 5.0) -> None:
        """Pull the card out: close the connection and wait for the card's thread."""
        link, thread = self._socket, self._thread
        if link is not None:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout_s)
        self._socket = self._thread = None

    def __enter__(self) -> SimulatedCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def _receive(self, link: socket.socket, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            # vpcd writes the length and the body separately: without QUICKACK each
            # round trip waits out TCP's delayed acknowledgement (about 40 ms).
            link.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = link.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    def _serve(self, link: socket.socket) -> None:
        answered = 0
        try:
            while True:
                (size,) = struct.unpack(">H", self._receive(link, 2))
                message = self._receive(link, size)
                if size == 1:
                    answer = self._control(message[0])
                else:
                    self.headers.append(message[:4])
                    if self.remove_after is not None and answered >= self.remove_after:
                        log.info("simulated card pulled out mid-command")
                        return
                    if self.mute_after is not None and answered >= self.mute_after:
                        continue
                    answer = self.applet.process(message)
                    answered += 1
                if answer is not None:
                    link.sendall(struct.pack(">H", len(answer)) + answer)
        except (EOFError, OSError):
            pass
        finally:
            link.close()
            self.gone.set()

    def _control(self, code: int) -> bytes | None:
        if code == GET_ATR:
            self.powered.set()
            return self.atr
        if code in (POWER_OFF, POWER_ON, RESET):
            self.applet.reset()
        return None


def simulated_card(
    kind: str = "uec",
    *,
    port: int = VPCD_PORT,
    mute_after: int | None = None,
    remove_after: int | None = None,
    uec: UecState | None = None,
    absent_sw: int = APPLICATION_NOT_FOUND,
) -> SimulatedCard:
    """A card: ``uec`` (with ``uec``, else the sample holder and PIN 1234), ``emv``, ``blank``.

    ``absent_sw``: what it answers a SELECT of an application it does not hold.
    """
    applets: dict[str, tuple[Callable[[], Applet], bytes]] = {
        "uec": (lambda: UecApplet(uec, absent_sw=absent_sw), UEC_ATR),
        "emv": (lambda: EmvApplet(absent_sw=absent_sw), EMV_ATR),
        "blank": (lambda: BlankApplet(absent_sw=absent_sw), BLANK_ATR),
    }
    if kind in applets:
        applet, atr = applets[kind]
        return SimulatedCard(
            applet(), atr=atr, port=port, mute_after=mute_after, remove_after=remove_after
        )
    raise ValueError(f"no simulated card {kind!r}: uec, emv or blank")
