"""A card's command channel: one command in, its whole answer out, ISO 7816-4's repairs done.

* ``61xx`` (more data, ISO 7816-4 5.3.4): GET RESPONSE ``00 C0 00 00 xx`` until 9000;
* ``6Cxx`` (wrong Le, exact length xx): the same command again with Le = xx;
* data over 255 bytes to a card without extended APDUs: command chaining (CLA b5).

Secure messaging sits behind :class:`SecureChannel`: a profile that needs it opens one
after SELECT and every later command is wrapped and every answer unwrapped by it.
"""

from __future__ import annotations

import time
from typing import Protocol

from card_reader import codec
from card_reader.codec import Command, Response
from card_reader.errors import CardError, MalformedData
from card_reader.part10 import CM_IOCTL_GET_FEATURE_REQUEST, parse_features
from card_reader.transport import Link

# A card that keeps answering 61xx is broken; this many GET RESPONSEs is far beyond any file.
MAX_GET_RESPONSE = 64


class SecureChannel(Protocol):
    """Wraps commands and unwraps answers (ISO 7816-4 section 10); :data:`PLAIN` does nothing."""

    def wrap(self, command: Command) -> Command: ...

    def wrap_secret(self, apdu: bytearray) -> bytearray:
        """Protect a command that carries a secret (a PIN block) held in a buffer to wipe."""
        ...

    def unwrap(self, response: Response) -> Response: ...


class Plain:
    """No secure messaging: what the simulated card and most cards' open data need."""

    def wrap(self, command: Command) -> Command:
        return command

    def wrap_secret(self, apdu: bytearray) -> bytearray:
        return apdu

    def unwrap(self, response: Response) -> Response:
        return response


PLAIN = Plain()


class CardChannel:
    def __init__(self, link: Link, *, extended: bool = False) -> None:
        """``extended``: the card takes extended APDUs (from its ATR or FCI); else chaining."""
        self.link = link
        self.extended = extended
        self.secure: SecureChannel = PLAIN
        # Round trips made, and the time spent in them, for the benchmark's time per APDU.
        self.apdus = 0
        self.seconds = 0.0

    def _round_trip(self, apdu: bytes | bytearray) -> Response:
        started = time.perf_counter()
        try:
            answer = self.link.transmit(apdu)
        finally:
            self.seconds += time.perf_counter() - started
            self.apdus += 1
        return Response.parse(answer)

    def exchange(self, command: Command) -> Response:
        """Send ``command`` (wrapped), fetch the whole answer; the status word is not checked."""
        wrapped = self.secure.wrap(command)
        if wrapped.extended and not self.extended:
            pieces = codec.chain(wrapped)
            for piece in pieces[:-1]:
                codec.check(self._round_trip(piece.encode()))
            wrapped = pieces[-1]
        response = self._round_trip(wrapped.encode())
        if response.sw1 == 0x6C:
            response = self._round_trip(wrapped.with_le(response.sw2 or 256).encode())
        return self.secure.unwrap(self._collect(response))

    def _collect(self, response: Response) -> Response:
        data = bytearray(response.data)
        for _ in range(MAX_GET_RESPONSE):
            if response.sw1 != 0x61:
                return Response(bytes(data), response.sw1, response.sw2)
            response = self._round_trip(codec.get_response(response.sw2).encode())
            data += response.data
        raise MalformedData("the card keeps saying more data is available (61xx)")

    def send(self, command: Command) -> Response:
        """:meth:`exchange` and raise the typed error unless it succeeded."""
        return codec.check(self.exchange(command))

    def send_secret(self, apdu: bytearray) -> Response:
        """Send a command held in a buffer the caller wipes (VERIFY with a PIN block).

        The answer's status word is not checked; no copy of the buffer is kept here.
        """
        wrapped = self.secure.wrap_secret(apdu)
        try:
            response = self._round_trip(wrapped)
        finally:
            if wrapped is not apdu:
                codec.wipe(wrapped)
        return self.secure.unwrap(self._collect(response))

    def control(self, code: int, data: bytes) -> bytes:
        return self.link.control(code, data)

    def features(self) -> dict[int, int]:
        """The reader's PC/SC part 10 features; none when it answers no feature request."""
        try:
            return parse_features(self.control(CM_IOCTL_GET_FEATURE_REQUEST, b""))
        except CardError:
            return {}
