"""Links to a printer, chosen by URL, behind three calls: write, read, close.

``serial:///dev/ttyUSB0?baudrate=115200``, ``tcp://10.0.0.5:9100``, ``usb://04b8:0202``,
``file:///tmp/out.bin``. Library exceptions (pyserial, socket, pyusb) leave this module
only as :class:`LinkLost` or :class:`PrintTimeout`, chained with ``from``.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import time
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qs, urlsplit

import serial

from ticket_printer.errors import BadPrinterUrl, LinkLost, PrintTimeout

ACCEPTED = (
    "serial:///dev/ttyUSB0?baudrate=115200, tcp://HOST:9100, usb://VID:PID (hex, e.g. "
    "usb://04b8:0202) or file:///PATH"
)
DEFAULT_BAUDRATE = 115_200
DEFAULT_TCP_PORT = 9100
# pyserial's read timeout: the longest a read waits beyond its deadline.
SERIAL_POLL_S = 0.02
# A write that cannot go out in this time means flow control holds it: the printer is stuck.
WRITE_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 3.0


class Transport(Protocol):
    """A byte link to one printer."""

    url: str
    # False for links that cannot answer (file://): the driver then assumes "ready".
    answers: bool

    def write(self, data: bytes) -> None:
        """Send all of ``data`` or raise LinkLost / PrintTimeout."""

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to ``size`` bytes, as soon as any arrive; b"" after ``timeout_s`` of silence."""

    def close(self) -> None:
        """Release the link; safe to call twice."""


class SerialTransport:
    """A serial port (or pty) through pyserial."""

    answers = True

    def __init__(self, port: str, baudrate: int = DEFAULT_BAUDRATE) -> None:
        self.url = f"serial://{port}?baudrate={baudrate}"
        try:
            self._port = serial.Serial(
                port, baudrate, timeout=SERIAL_POLL_S, write_timeout=WRITE_TIMEOUT_S
            )
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError, ValueError) as error:
            raise LinkLost(f"cannot open {port}: {error}; is the printer plugged in?") from error

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException as error:
            raise PrintTimeout(
                f"{self.url}: the printer took no data for {WRITE_TIMEOUT_S} s (flow control)"
            ) from error
        except (serial.SerialException, OSError) as error:
            raise LinkLost(f"{self.url}: writing failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to ``size`` bytes, waiting at most about ``timeout_s`` for the first."""
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                waiting: int = self._port.in_waiting
                if waiting:
                    return bytes(self._port.read(min(waiting, size)))
                if time.monotonic() >= deadline:
                    return b""
                first = bytes(self._port.read(1))  # Waits SERIAL_POLL_S at most.
                if first:
                    more = min(self._port.in_waiting, size - 1)
                    return first + bytes(self._port.read(more))
        except (serial.SerialException, OSError) as error:
            raise LinkLost(f"{self.url}: reading failed: {error}") from error

    def close(self) -> None:
        """Close the port."""
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.close()


class TcpTransport:
    """A network printer's raw port (9100)."""

    answers = True

    def __init__(self, host: str, port: int = DEFAULT_TCP_PORT) -> None:
        self.url = f"tcp://{host}:{port}"
        try:
            self._socket = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
        except OSError as error:
            raise LinkLost(f"cannot connect to {self.url}: {error}; is it switched on?") from error

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._socket.settimeout(WRITE_TIMEOUT_S)
            self._socket.sendall(data)
        except TimeoutError as error:
            raise PrintTimeout(
                f"{self.url}: the printer took no data for {WRITE_TIMEOUT_S} s"
            ) from error
        except OSError as error:
            raise LinkLost(f"{self.url}: sending failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to ``size`` bytes, waiting at most ``timeout_s`` for the first."""
        try:
            self._socket.settimeout(max(timeout_s, 0.001))
            data = self._socket.recv(size)
        except TimeoutError:
            return b""
        except OSError as error:
            raise LinkLost(f"{self.url}: receiving failed: {error}") from error
        if not data:
            raise LinkLost(f"{self.url}: the printer closed the connection")
        return data

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()


class UsbTransport:
    """A USB printer class device through pyusb (via python-escpos's Usb)."""

    answers = True

    def __init__(self, vendor: int, product: int) -> None:
        self.url = f"usb://{vendor:04x}:{product:04x}"
        try:
            self._usb: Any = importlib.import_module("usb.core")
        except ImportError as error:
            raise BadPrinterUrl(
                f"{self.url} needs pyusb: install it (pip install pyusb) and libusb-1.0 "
                "(apt install libusb-1.0-0), or connect the printer by serial or network"
            ) from error
        from escpos.printer import Usb

        try:
            self._printer: Any = Usb(vendor, product, timeout=int(WRITE_TIMEOUT_S * 1000))
            self._printer.open()
        except Exception as error:  # pyusb and escpos raise many unrelated types here.
            raise LinkLost(f"cannot open {self.url}: {error}") from error

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._printer.device.write(self._printer.out_ep, data, int(WRITE_TIMEOUT_S * 1000))
        except Exception as error:  # usb.core.USBError and its timeouts
            raise LinkLost(f"{self.url}: writing failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to ``size`` bytes from the IN endpoint."""
        try:
            data = self._printer.device.read(
                self._printer.in_ep, size, timeout=max(int(timeout_s * 1000), 1)
            )
        except self._usb.USBTimeoutError:
            return b""
        except self._usb.USBError as error:
            raise LinkLost(f"{self.url}: reading failed: {error}") from error
        return bytes(data)

    def close(self) -> None:
        """Release the device."""
        # Closing a device that is gone must not mask the error that told us so.
        with contextlib.suppress(Exception):
            self._printer.close()


class FileTransport:
    """Appends jobs to a file; never answers, so the driver treats it as always ready."""

    answers = False

    def __init__(self, path: Path) -> None:
        self.url = f"file://{path}"
        try:
            self._file: BinaryIO = path.open("ab")
        except OSError as error:
            raise LinkLost(f"cannot open {path} for writing: {error}") from error

    def write(self, data: bytes) -> None:
        """Append ``data``."""
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as error:
            raise LinkLost(f"{self.url}: writing failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """A file has nothing to say."""
        return b""

    def close(self) -> None:
        """Close the file."""
        self._file.close()


def _bad(url: str, why: str) -> BadPrinterUrl:
    return BadPrinterUrl(f"printer URL {url!r}: {why}; accepted forms: {ACCEPTED}")


def _serial(url: str, path: str, query: str) -> Transport:
    options = parse_qs(query, strict_parsing=False)
    unknown = set(options) - {"baudrate"}
    if unknown:
        raise _bad(url, f"unknown option {', '.join(sorted(unknown))}")
    try:
        baudrate = int(options.get("baudrate", [str(DEFAULT_BAUDRATE)])[-1])
    except ValueError as error:
        raise _bad(url, "baudrate must be a number") from error
    return SerialTransport(path, baudrate)


def _usb(url: str, ids: str) -> Transport:
    vendor, _, product = ids.partition(":")
    try:
        ids_ = int(vendor, 16), int(product, 16)
    except ValueError as error:
        raise _bad(url, "vendor and product ids are hex, like 04b8:0202") from error
    return UsbTransport(*ids_)


def open_transport(url: str) -> Transport:
    """Open the link ``url`` names; BadPrinterUrl for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "serial":
        if parts.netloc or not parts.path.startswith("/"):
            raise _bad(
                url, "give the device's absolute path after serial://, as serial:///dev/ttyUSB0"
            )
        return _serial(url, parts.path, parts.query)
    if scheme == "tcp":
        try:
            port = parts.port or DEFAULT_TCP_PORT
        except ValueError as error:
            raise _bad(url, "the port must be a number") from error
        if not parts.hostname or parts.path not in ("", "/"):
            raise _bad(url, "give a host, as tcp://10.0.0.5:9100")
        return TcpTransport(parts.hostname, port)
    if scheme == "usb":
        if not parts.netloc or parts.netloc.count(":") != 1:
            raise _bad(url, "give vendor and product ids, as usb://04b8:0202")
        return _usb(url, parts.netloc)
    if scheme == "file":
        if parts.netloc or not parts.path:
            raise _bad(url, "give an absolute path after file://, as file:///tmp/out.bin")
        return FileTransport(Path(parts.path))
    raise _bad(url, f"unknown scheme {parts.scheme or '(none)'!r}")
