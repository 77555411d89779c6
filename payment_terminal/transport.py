"""The ZVT serial link: frames over a byte port, ACK/NAK and the repeat rules (ZVT §2.2).

Both ends use :class:`Link`: the driver over pyserial, the simulator over a pty's master.
"""

from __future__ import annotations

import os
import select
import time
from collections import deque
from typing import Protocol
from urllib.parse import parse_qs, urlparse

import serial

from payment_terminal import codec
from payment_terminal.errors import FrameError, LinkError, TerminalTimeout

T3_ACK = 5.0  # ZVT §2.2.5: wait up to T3 for ACK/NAK before repeating a frame
REPEATS = 2  # a NAKed (or unanswered) frame is sent again at most twice
BAD_FRAMES = 3  # frames with a bad CRC NAKed before the receiver gives up


class Port(Protocol):
    """A byte pipe: the narrow interface a :class:`Link` needs."""

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""

    def read_some(self, timeout: float) -> bytes:
        """Whatever bytes arrive within ``timeout`` seconds; b"" when none."""

    def close(self) -> None:
        """Release the port."""


class SerialPort:
    """A pyserial port (a device path or any pyserial URL such as ``loop://``)."""

    def __init__(self, port: serial.SerialBase) -> None:
        self._port = port

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as err:
            raise LinkError(f"cannot write to the terminal: {err}") from err

    def read_some(self, timeout: float) -> bytes:
        """Whatever bytes arrive within ``timeout`` seconds; b"" when none."""
        try:
            self._port.timeout = max(timeout, 0.0)
            first = self._port.read(1)
            if not first:
                return b""
            waiting: int = getattr(self._port, "in_waiting", 0)
            return first + self._port.read(waiting)
        except (serial.SerialException, OSError) as err:
            raise LinkError(f"cannot read from the terminal: {err}") from err

    def close(self) -> None:
        """Close the port."""
        self._port.close()


class FdPort:
    """A raw file descriptor (the simulator's end of a pty pair)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def read_some(self, timeout: float) -> bytes:
        """Whatever bytes arrive within ``timeout`` seconds; b"" when none."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return b""
        try:
            return os.read(self._fd, 4096)
        except OSError:  # the other end is gone (EIO on a pty)
            return b""

    def close(self) -> None:
        """Close the descriptor."""
        os.close(self._fd)


def open_port(url: str, baudrate: int = 9600) -> SerialPort:
    """Open ``serial:///dev/ttyUSB0?baudrate=9600``, a bare path, or a pyserial URL."""
    parsed = urlparse(url)
    if parsed.scheme == "serial":
        path = parsed.path
        query = parse_qs(parsed.query)
        if "baudrate" in query:
            baudrate = int(query["baudrate"][0])
    else:
        path = url
    try:
        port = serial.serial_for_url(path, baudrate=baudrate, timeout=0)
    except (serial.SerialException, OSError, ValueError) as err:
        raise LinkError(f"cannot open the payment terminal at {url}: {err}") from err
    return SerialPort(port)


class Link:
    """Frames in and out of a port, with ACK/NAK and repeats; half-duplex as ZVT is."""

    def __init__(self, port: Port, *, ack_timeout: float = T3_ACK, repeats: int = REPEATS) -> None:
        self.port = port
        self.ack_timeout = ack_timeout
        self.repeats = repeats
        self._decoder = codec.FrameDecoder()
        self._events: deque[codec.Event] = deque()
        # Fault switches, used by the simulator: NAK or stay silent on the next good frames.
        self.nak_next = 0
        self.mute_next = 0
        self.last_muted = False  # the frame receive() returned was left unacknowledged

    def _next_event(self, deadline: float) -> codec.Event | None:
        while not self._events:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            data = self.port.read_some(remaining)
            if data:
                self._events.extend(self._decoder.feed(data))
        return self._events.popleft()

    def send(self, apdu: bytes) -> None:
        """Send one APDU framed; return once it is acknowledged, repeating as ZVT says."""
        frame = codec.encode_frame(apdu)
        naks = 0
        for _ in range(1 + self.repeats):
            self.port.write(frame)
            deadline = time.monotonic() + self.ack_timeout
            while True:
                event = self._next_event(deadline)
                if event is None:
                    break
                if isinstance(event, codec.Control):
                    if event.byte == codec.ACK:
                        return
                    naks += 1
                    break
                if isinstance(event, codec.Frame) and event.crc_ok:
                    # The peer already answers: our frame arrived even if its ACK did not.
                    self._events.appendleft(event)
                    return
        if naks:
            raise FrameError(f"the other end refused the frame {naks} times (NAK)")
        raise TerminalTimeout(f"no ACK within {self.ack_timeout:g} s, frame sent 3 times")

    def receive(self, timeout: float) -> bytes:
        """The next good APDU (acknowledged); NAKs bad frames, gives up after three."""
        deadline = time.monotonic() + timeout
        bad = 0
        garbage = b""
        while True:
            event = self._next_event(deadline)
            if event is None:
                if garbage:
                    raise FrameError(f"garbage instead of a frame: {garbage[:32].hex(' ')}")
                raise TerminalTimeout(f"no answer within {timeout:g} s")
            if isinstance(event, codec.Garbage):
                garbage += event.data
                continue
            if isinstance(event, codec.Control):
                continue  # a stray ACK/NAK: nothing waits for it
            if not event.crc_ok:
                bad += 1
                self.port.write(codec.NAK_BYTE)
                if bad >= BAD_FRAMES:
                    raise FrameError(f"{bad} frames with a bad CRC in a row")
                continue
            self.last_muted = self.mute_next > 0
            if self.mute_next:
                self.mute_next -= 1
            elif self.nak_next:
                self.nak_next -= 1
                self.port.write(codec.NAK_BYTE)
                continue
            else:
                self.port.write(codec.ACK_BYTE)
            return event.apdu

    def discard(self) -> None:
        """Drop what is on the line now: left from a command an earlier ECR broke off."""
        self._events.clear()
        while self.port.read_some(0.0):
            pass
        self._decoder = codec.FrameDecoder()

    def write_raw(self, data: bytes) -> None:
        """Bytes straight to the line (the simulator's garbage and broken frames)."""
        self.port.write(data)

    def close(self) -> None:
        """Close the port."""
        self.port.close()
