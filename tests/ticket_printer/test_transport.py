"""Printer URLs: the forms accepted, and a clear refusal for everything else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ticket_printer.errors import BadPrinterUrl, LinkLost
from ticket_printer.sim import SimulatedPrinter
from ticket_printer.transport import (
    FileTransport,
    SerialTransport,
    TcpTransport,
    open_transport,
)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "unknown scheme"),
        ("/dev/ttyUSB0", "unknown scheme"),
        ("lpt://1", "unknown scheme 'lpt'"),
        ("serial://dev/ttyUSB0", "absolute path"),
        ("serial:///dev/ttyUSB0?parity=N", "unknown option parity"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "baudrate must be a number"),
        ("tcp://", "give a host"),
        ("tcp://10.0.0.5:printer", "port must be a number"),
        ("tcp://10.0.0.5:9100/queue", "give a host"),
        ("usb://04b8", "vendor and product"),
        ("usb://epson:tm", "hex"),
        ("file://", "absolute path"),
    ],
)
def test_a_bad_url_says_which_forms_are_accepted(url: str, why: str) -> None:
    with pytest.raises(BadPrinterUrl, match=why) as caught:
        open_transport(url)
    assert "serial:///dev/ttyUSB0?baudrate=115200, tcp://HOST:9100" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_usb_without_pyusb_says_what_to_install() -> None:
    if importlib.util.find_spec("usb") is not None:
        pytest.skip("pyusb is installed here")
    with pytest.raises(BadPrinterUrl, match="pip install pyusb"):
        open_transport("usb://04b8:0202")


def test_a_missing_serial_device_is_link_lost() -> None:
    with pytest.raises(LinkLost, match="cannot open /dev/okno-no-such-printer"):
        open_transport("serial:///dev/okno-no-such-printer")


def test_each_scheme_opens_its_transport(tmp_path: Path) -> None:
    with SimulatedPrinter() as pty, SimulatedPrinter(link="tcp") as tcp:
        serial_link = open_transport(f"serial://{pty.path}?baudrate=9600")
        tcp_link = open_transport(f"tcp://127.0.0.1:{tcp.port}")
        file_link = open_transport(f"file://{tmp_path}/out.bin")
        try:
            assert isinstance(serial_link, SerialTransport)
            assert serial_link.url == f"serial://{pty.path}?baudrate=9600"
            assert isinstance(tcp_link, TcpTransport)
            assert isinstance(file_link, FileTransport)
            assert not file_link.answers
            assert file_link.read(16, 1.0) == b""
        finally:
            for link in (serial_link, tcp_link, file_link):
                link.close()


def test_a_silent_link_returns_nothing_after_the_timeout() -> None:
    with SimulatedPrinter() as sim:
        link = open_transport(sim.url)
        try:
            assert link.read(16, 0.05) == b""
            link.write(b"\x10\x04\x01")
            assert link.read(16, 1.0) == b"\x12"
        finally:
            link.close()
