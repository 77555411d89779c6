"""Tickets as the API issues them, answered once committed, with the wait they are told.

The rules are the engine's (``QueueEngine.issue``, and ``hub.domain.payments.check_fee``
for a paid one); this reads first what only the database holds, a paid ticket's payment
and whether a ticket of an earlier day took it already, and holds its amount to the fee
the branch's configuration sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from hub.domain.engine import QueueEngine
from hub.domain.model import Outcome, Ticket, WaitEstimate
from hub.domain.payments import Payment
from hub.errors import PaymentNotUsable
from hub.journal import acting
from hub.store import payments
from hub.store.repository import Repository

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Issued:
    ticket: Ticket
    estimate: WaitEstimate


class TicketHost(Protocol):
    """What issuing tickets needs of the hub (:class:`hub.service.Hub`)."""

    engine: QueueEngine

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...

    async def ticket_estimate(self, ticket_id: str) -> WaitEstimate: ...


class Tickets:
    def __init__(self, hub: TicketHost) -> None:
        self._hub = hub

    async def issue(
        self,
        service_id: str,
        *,
        priority: str = "",
        priority_from_ms: int = 0,
        request_id: str = "",
        visitor_name: str = "",
        payment_id: int = 0,
        claimed: bool = False,
        confirmed_by: str = "",
    ) -> Issued:
        """A ticket for the service; a retried request gets the ticket it was given."""
        fee = None
        if payment_id:
            today = self._hub.engine.day
            fee = await self._hub.read_store(lambda r: payments.fee_paid(r, payment_id, today))
            self._check_amount(fee.payment, service_id)
        outcome = await self._hub.run(
            lambda engine, now: engine.issue(
                service_id,
                now,
                priority=priority,
                priority_from_ms=priority_from_ms,
                request_id=request_id,
                visitor_name=visitor_name,
                fee=fee,
                claimed=claimed,
                confirmed_by=confirmed_by,
                door=acting().door,
            )
        )
        ticket = outcome.ticket
        assert ticket is not None
        estimate = outcome.estimate or await self._hub.ticket_estimate(ticket.id)
        return Issued(ticket, estimate)

    def _check_amount(self, payment: Payment, service_id: str) -> None:
        """Refuse a payment of another amount than the service's fee in the configuration:
        the amount of a payment is its terminal's word, the fee is the branch's. A payment
        for another service is refused as that (payment_other_service), not for its amount."""
        service = next((s for s in self._hub.engine.config.services if s.id == service_id), None)
        if (
            service is not None
            and payment.service_id == service_id
            and payment.amount != service.fee_kopecks
        ):
            raise PaymentNotUsable(
                "payment_wrong_amount",
                f"payment {payment.id} is {payment.amount} kopecks, but the fee for "
                f"{service_id} is {service.fee_kopecks}: take the ticket without it and pay "
                "at the desk",
            )
