"""What the kiosk knows of a print job and of its printer: shared by the flow's steps."""

from __future__ import annotations

from enum import StrEnum


class PrintState(StrEnum):
    NONE = "none"  # no printer asked for
    SENDING = "sending"  # kept by the hub, on its way to paper
    PRINTED = "printed"
    FAILED = "failed"


class Printer(StrEnum):
    """What the kiosk knows of its printer before the next tap."""

    NONE = "none"  # none configured: tickets are shown, not printed
    UNKNOWN = "unknown"
    READY = "ready"
    PAPER_OUT = "paper_out"
    DOWN = "down"


def printer_health(error: str) -> Printer:
    """The printer's state from a failed job's error ("paper out", or anything else)."""
    return Printer.PAPER_OUT if error.strip().lower() == "paper out" else Printer.DOWN
