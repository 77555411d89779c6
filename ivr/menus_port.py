"""What the menus need from the hub, as plain values: the seam ``hub_client`` fills over gRPC.

The dialogue (menus.py) sees only this protocol, so it is tested with an in-memory hub
and runs against the real one unchanged. Every method raises
:class:`~ivr.errors.HubUnreachable` when the hub does not answer and
:class:`~ivr.errors.Refused` (with the hub's reason code) when it says no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class GroupQueue:
    """A service group's queue now: people waiting and the wait the hub estimates."""

    name: str
    waiting: int
    wait_s: int
    # False when no open desk serves the group: the wait cannot be told.
    known: bool


@dataclass(frozen=True, slots=True)
class TicketWait:
    """One of today's tickets whose digits the caller typed."""

    number: str
    people_ahead: int
    wait_s: int
    known: bool
    # Called to a desk already: the caller hears that instead of a wait.
    called: bool


@dataclass(frozen=True, slots=True)
class Offer:
    """A bookable service, named as the caller hears it."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Slot:
    """A free time of a service, in branch time."""

    service_id: str
    start_ms: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Booked:
    """A live booking, as the caller hears it back."""

    code: str
    service_id: str
    service_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Status:
    """An application's status as the hub names it (``ready``...) and its planned day."""

    status: str
    planned_ready: date | None


class HubPort(Protocol):
    """The hub as the voice menu uses it: only what a caller can ask for."""

    async def today(self) -> date:
        """The branch's day now."""
        ...

    async def queue_now(self) -> list[GroupQueue]:
        """Each service group's queue, in the branch's order."""
        ...

    async def ticket_waits(self, digits: str) -> list[TicketWait]:
        """Today's tickets waiting or called whose number has these digits."""
        ...

    async def offers(self) -> list[Offer]:
        """The services a caller may book, in the branch's order."""
        ...

    async def free_days(self, service_id: str) -> list[date]:
        """Days of the booking horizon with a free slot of the service, earliest first."""
        ...

    async def free_slots(self, service_id: str, day: date) -> list[Slot]:
        """The service's free slots on that day, earliest first."""
        ...

    async def book(self, request_id: str, slot: Slot, *, phone: str, send_code: bool) -> Booked:
        """Book the slot for the caller; the same request id never books twice."""
        ...

    async def find_booking(self, keys: str, phone: str) -> Booked:
        """The caller's live booking whose code the keys spell (ITU E.161)."""
        ...

    async def move(self, request_id: str, booked: Booked, slot: Slot, phone: str) -> Booked:
        """Move the booking to the slot; the same request id never moves twice."""
        ...

    async def cancel(self, request_id: str, booked: Booked, phone: str) -> Booked:
        """Cancel the booking."""
        ...

    async def application(self, number: str, phone: str) -> Status:
        """The status of the application with that number left with that phone."""
        ...
