"""A ticket the hub acknowledged for one of this kiosk's requests, and how it is told.

The I/O side makes it from the hub's answer and the flow shows it, so it lives below both.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import speech
from kiosk.states import PrintState


@dataclass(frozen=True, slots=True)
class Issued:
    """A ticket the hub acknowledged for one of this kiosk's requests."""

    request_id: str
    ticket_id: str
    number: str
    service_id: str
    people_ahead: int
    wait_minutes: int
    wait_known: bool
    issued_at_ms: int = 0
    job_id: int = 0
    print_state: PrintState = PrintState.NONE
    print_error: str = ""
    # For a check-in: the slot's local time, "10:20".
    appointment: str = ""
    # The priority category the visitor claimed ("" none; an appointment's is not shown).
    priority: str = ""


def spoken(ticket: Issued, language: str) -> str:
    """What the voice says of the ticket on the screen: its number, the wait, the print."""
    printing = {
        PrintState.SENDING: "printed",
        PrintState.PRINTED: "printed",
        PrintState.FAILED: "not_printed",
    }.get(ticket.print_state, "no_printer")
    return speech.ticket_sentence(
        ticket.number,
        people=ticket.people_ahead,
        minutes=ticket.wait_minutes,
        known=ticket.wait_known,
        printing=printing,
        language=language,
    )
