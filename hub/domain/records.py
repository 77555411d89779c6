"""Events of the branch's other books (appointments, ratings, payments, the journal) in
the one log.

Their rules live with them (``appointments/``, ``rating.py``, ``payments.py``); the
engine only numbers their changes in the branch's one sequence, ending a past day first.
"""

from __future__ import annotations

from hub.domain.applications import Application
from hub.domain.model import Appointment, Event, EventKind, JournalEntry, Outcome, Rating
from hub.domain.payments import Payment
from hub.domain.rollover import Rollover


class Records(Rollover):
    def record(
        self,
        kind: EventKind,
        now_ms: int,
        appointment: Appointment,
        *,
        detail: str = "",
        request_id: str = "",
    ) -> Event:
        """Number a change of an appointment in the branch's one sequence of events.

        A past day is ended first, as for any command; its events wait for
        take_undelivered, which the caller must put before this one.
        """
        self._roll_day(now_ms)
        return self._emit(
            kind, now_ms, detail=detail, request_id=request_id, appointment=appointment
        )

    def rate(self, rating: Rating, now_ms: int) -> Outcome:
        """Number a visitor's rating; the rules (hub/domain/rating.py) were checked before."""
        self._roll_day(now_ms)
        return self._outcome(
            None, None, [self._emit(EventKind.TICKET_RATED, now_ms, rating=rating)]
        )

    def settle_payment(self, payment: Payment, now_ms: int) -> Outcome:
        """Number a payment's end, so the back office gets it with the rest of the log."""
        self._roll_day(now_ms)
        event = self._emit(EventKind.PAYMENT_SETTLED, now_ms, payment=payment)
        return self._outcome(None, None, [event])

    def journal(self, entry: JournalEntry, now_ms: int) -> Outcome:
        """Number a journal entry, so it is kept and sent like every other change."""
        self._roll_day(now_ms)
        return self._outcome(None, None, [self._emit(EventKind.JOURNAL, now_ms, entry=entry)])

    def application(
        self, kind: EventKind, application: Application, now_ms: int, *, detail: str = ""
    ) -> Outcome:
        """Number an application's acceptance or change; its rules were checked before."""
        self._roll_day(now_ms)
        event = self._emit(kind, now_ms, detail=detail, application=application)
        return self._outcome(None, None, [event])
