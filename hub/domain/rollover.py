"""The day's end and a new configuration: what the hall keeps across them, and what not.

Every command first ends a past day (``_roll_day``), so the first command of a new day,
or of a hub started on a later day, finds yesterday's visitors sent home and the numbers
starting again.
"""

from __future__ import annotations

from dataclasses import replace

from hub.domain.branch import Branch, BranchIndex
from hub.domain.hall import HallState, default_times, desk_from_config
from hub.domain.model import DeskState, EventKind, Outcome, TicketState
from hub.domain.numbering import branch_day


class Rollover(HallState):
    def _roll_day(self, now_ms: int) -> None:
        """At the first command of a new day: end what the old day left, restart numbers.

        Its events wait in ``_undelivered`` until an outcome carries them, so that a
        command refused right after the roll does not lose them (see take_undelivered).
        """
        day = branch_day(now_ms, self.config.timezone)
        if day <= self.day:
            # A clock stepped back must not restart the numbers of a day already used.
            return
        self.day = day
        for ticket in list(self._tickets.values()):
            if ticket.state.active:
                ended = self._put(
                    replace(ticket, state=TicketState.CANCELLED, finished_at_ms=now_ms)
                )
                self._undelivered.append(
                    self._emit(EventKind.TICKET_CANCELLED, now_ms, ended, detail="day ended")
                )
        for desk in list(self._desks.values()):
            if desk.state is not DeskState.CLOSED or desk.current_ticket_id:
                closed = self._put_desk(
                    replace(desk, state=DeskState.CLOSED, operator_id="", current_ticket_id="")
                )
                self._undelivered.append(
                    self._emit(EventKind.DESK_CLOSED, now_ms, None, closed, "day ended")
                )
        self._tickets = {}
        self._counters = {}
        self._requests = {}
        self._rotations = {}

    def roll_day(self, now_ms: int) -> Outcome:
        """End the day if it is over; the hub calls it by itself, so a quiet night ends too."""
        self._roll_day(now_ms)
        return self._outcome(None, None, [])

    def reconfigure(self, config: Branch, now_ms: int, detail: str) -> Outcome:
        """Take a new configuration unless it would strand tickets that are in the hall."""
        self._roll_day(now_ms)
        self._check_fits(config, "the new configuration", self._desks.values())
        dropped = [
            d
            for d in self._desks.values()
            if config.desk(d.id) is None and d.state is not DeskState.CLOSED
        ]
        closing = [
            self._emit(
                EventKind.DESK_CLOSED,
                now_ms,
                None,
                replace(d, state=DeskState.CLOSED, operator_id=""),
                "removed from the configuration",
            )
            for d in dropped
        ]
        self.config = config
        self._index = BranchIndex.of(config)
        self._times.reconfigure(default_times(config))
        self._desks = {d.id: desk_from_config(d, self._desks.get(d.id)) for d in config.desks}
        self._rotations = {k: v for k, v in self._rotations.items() if k in self._desks}
        reloaded = self._emit(EventKind.CONFIG_RELOADED, now_ms, detail=detail)
        return self._outcome(None, None, [*closing, reloaded])
