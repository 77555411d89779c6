"""The terminal's answer to a status enquiry 05 01: its software and its state (pure).

ZVT §2.55: after 80 00 00 the terminal sends a completion 06 0F whose data is its
software version (LLLVAR, CP437) and one terminal status code (chapter "Terminal status
codes"); 00 is ready.
"""

from __future__ import annotations

from dataclasses import dataclass

from payment_terminal.bmp import var_length, var_length_at
from payment_terminal.codec import COMPLETION, Apdu
from payment_terminal.errors import FrameError

# Terminal status codes (ZVT chapter "Terminal status codes"): what a status enquiry says.
TERMINAL_READY = 0x00
TERMINAL_STATES: dict[int, str] = {
    0x00: "PT ready for operation",
    0x51: "initialisation required",
    0x62: "date/time incorrect",
    0x9C: "please wait",
    0xB1: "memory full",
    0xDF: "out of order",
    0xE0: "remote maintenance activated",
    0xF0: "reconciliation required",
}


@dataclass(frozen=True)
class TerminalStatus:
    """The completion of a status enquiry 05 01: the terminal's software and its state."""

    software_version: str
    status: int

    @property
    def ready(self) -> bool:
        return self.status == TERMINAL_READY

    @property
    def description(self) -> str:
        return TERMINAL_STATES.get(self.status, f"terminal status {self.status:#04x}")


def status_enquiry_completion(software_version: str, status: int = TERMINAL_READY) -> Apdu:
    """Completion 06 0F of a status enquiry: <software version, LLLVAR> <status code> (§2.55)."""
    version = software_version.encode("cp437")
    return Apdu(COMPLETION, var_length(len(version), 3) + version + bytes([status]))


def parse_status_enquiry_completion(data: bytes) -> TerminalStatus:
    """Software version and terminal status code of a status enquiry's completion."""
    if len(data) < 4:
        raise FrameError(f"status enquiry completion of {len(data)} bytes: {data.hex(' ')}")
    n = var_length_at(data, 0, 3)
    if len(data) < 3 + n + 1:
        raise FrameError(f"status enquiry completion cut short: {data.hex(' ')}")
    version = data[3 : 3 + n].decode("cp437")
    return TerminalStatus(version, data[3 + n])
