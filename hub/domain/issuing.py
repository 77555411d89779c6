"""Issuing tickets and cancelling them: the kiosk's commands, and a paid ticket's fee."""

from __future__ import annotations

from dataclasses import replace

from hub.domain import transitions
from hub.domain.claims import DONE
from hub.domain.estimate import told
from hub.domain.hall import listing
from hub.domain.model import EventKind, JournalEntry, Outcome, Ticket, TicketState
from hub.domain.numbering import local_time, ticket_id, ticket_number
from hub.domain.payments import FeePaid, check_fee
from hub.domain.rollover import Rollover
from hub.errors import (
    BranchClosed,
    InvalidRequest,
    NotClaimable,
    PaymentNotUsable,
    TicketsStopped,
    UnknownPriority,
)


class Issuing(Rollover):
    def issue(
        self,
        service_id: str,
        now_ms: int,
        *,
        priority: str = "",
        priority_from_ms: int = 0,
        request_id: str = "",
        visitor_name: str = "",
        fee: FeePaid | None = None,
        claimed: bool = False,
        confirmed_by: str = "",
        door: str = "",
    ) -> Outcome:
        """A ticket for the service; ``visitor_name`` for a visitor identified by card,
        ``fee`` for one who paid first: it must pay for this service and no other ticket.

        ``claimed``: the visitor's word at the kiosk, for a claimable category only, until
        an operator judges it (claims.py). ``confirmed_by``: who saw the document as the
        ticket was issued (``staff:<id>``), logged as a confirmation beside the issue.
        """
        if fee is not None:
            check_fee(fee, service_id)
        service = self._service(service_id)
        replay = self._replay(request_id, EventKind.TICKET_ISSUED, prefix=service.prefix)
        if replay is not None:
            return replay
        payment_id = fee.payment.id if fee is not None else 0
        if payment_id:
            self._check_payment_unused(payment_id)
        if priority and priority not in {p.id for p in self.config.priorities}:
            raise UnknownPriority(
                f'no priority category "{priority}": the categories are '
                f"{listing(p.id for p in self.config.priorities)}"
            )
        if priority_from_ms and not priority:
            raise InvalidRequest("a priority start time was given without a priority category")
        self._check_claim(priority, claimed)
        self._roll_day(now_ms)
        self._check_open(service.id, service.last_ticket_before_close_min, now_ms)
        serial = self._counters.get(service.prefix, 0) + 1
        self._counters[service.prefix] = serial
        number = ticket_number(service.prefix, serial)
        ticket = Ticket(
            id=ticket_id(self.day, number),
            number=number,
            prefix=service.prefix,
            serial=serial,
            day=self.day,
            service_id=service.id,
            state=TicketState.WAITING,
            issued_at_ms=now_ms,
            waiting_since_ms=now_ms,
            priority=priority,
            priority_from_ms=priority_from_ms,
            visitor_name=visitor_name,
            payment_id=payment_id,
            priority_claimed=claimed,
        )
        self._put(ticket)
        events = [self._emit(EventKind.TICKET_ISSUED, now_ms, ticket, request_id=request_id)]
        if priority and confirmed_by:
            entry = JournalEntry(
                EventKind.PRIORITY_CONFIRMED.value, confirmed_by, ticket.id, DONE, door
            )
            events.append(self._emit(EventKind.PRIORITY_CONFIRMED, now_ms, ticket, entry=entry))
        ahead = self._waiting.ahead_of_newest(ticket, now_ms)
        return self._outcome(ticket, None, events, told(self._basis(service.id), ahead))

    def cancel(
        self, ticket_id_: str, now_ms: int, *, reason: str = "", request_id: str = ""
    ) -> Outcome:
        replay = self._replay(request_id, EventKind.TICKET_CANCELLED, ticket_id=ticket_id_)
        if replay is not None:
            return replay
        self._roll_day(now_ms)
        ticket = self.ticket(ticket_id_)
        transitions.check("cancel", ticket.number, ticket.state)
        desk = self._release(ticket.desk_id) if ticket.state is TicketState.CALLED else None
        cancelled = self._put(replace(ticket, state=TicketState.CANCELLED, finished_at_ms=now_ms))
        event = self._emit(
            EventKind.TICKET_CANCELLED, now_ms, cancelled, desk, reason, request_id=request_id
        )
        return self._outcome(cancelled, desk, [event])

    def _check_claim(self, priority: str, claimed: bool) -> None:
        if not claimed:
            return
        claimable = [p.id for p in self.config.priorities if p.claimable]
        if not priority or priority not in claimable:
            raise NotClaimable(
                f'a visitor may not claim priority "{priority}" at the kiosk: the categories '
                f"claimed there are {listing(claimable)}"
            )

    def _check_open(self, service_id: str, last_ticket_before_close_min: int, now_ms: int) -> None:
        local = local_time(now_ms, self.config.timezone)
        hours = self._index.hours[local.weekday()]
        if hours is None or local.date() in self._index.closed_dates:
            raise BranchClosed("the branch is closed today: tickets are issued on working days")
        minute = local.hour * 60 + local.minute
        opens, closes = hours.opens_minute, hours.closes_minute
        last = closes - last_ticket_before_close_min
        if not opens <= minute < last:
            raise TicketsStopped(
                f'tickets for "{service_id}" are issued today from {_clock(opens)} '
                f"to {_clock(last)}"
            )

    def _check_payment_unused(self, payment_id: int) -> None:
        """A payment stands for one ticket: refused if today's tickets hold it already
        (one of an earlier day comes from the database, in the fee: ``check_fee``)."""
        held = next((t for t in self._tickets.values() if t.payment_id == payment_id), None)
        if held is not None:
            raise PaymentNotUsable(
                "payment_used",
                f"payment {payment_id} was already used for ticket {held.number}: a fee is "
                "paid for one ticket",
            )


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
