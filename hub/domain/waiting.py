"""The waiting tickets, indexed so that choosing the next one never scans the hall.

One line per (service, category), kept in order of waiting; one line per desk for
tickets transferred to that desk. A call looks only at the heads of the lines.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.domain.dispatcher import REGULAR, Candidate
from hub.domain.model import Ticket


class WaitingLines:
    def __init__(self) -> None:
        self._lines: dict[tuple[str, str], dict[str, Ticket]] = {}
        self._targeted: dict[str, dict[str, Ticket]] = {}
        self._counts: dict[str, int] = {}

    def add(self, ticket: Ticket) -> None:
        line = self._line_of(ticket)
        if ticket.id not in line:
            self._counts[ticket.service_id] = self._counts.get(ticket.service_id, 0) + 1
        tail = next(reversed(line.values()), None)
        line[ticket.id] = ticket
        if tail is not None and tail.waiting_since_ms > ticket.waiting_since_ms:
            # Back at its place (a removed priority waits from its issue time): rare, so
            # the line is sorted again rather than kept as a tree.
            ordered = sorted(line.values(), key=lambda t: (t.waiting_since_ms, t.id))
            line.clear()
            line.update((t.id, t) for t in ordered)

    def remove(self, ticket: Ticket) -> None:
        if self._line_of(ticket).pop(ticket.id, None) is not None:
            self._counts[ticket.service_id] -= 1

    def _line_of(self, ticket: Ticket) -> dict[str, Ticket]:
        if ticket.target_desk_id:
            return self._targeted.setdefault(ticket.target_desk_id, {})
        return self._lines.setdefault((ticket.service_id, ticket.priority), {})

    def targeted_head(self, desk_id: str) -> Ticket | None:
        """The longest-waiting ticket transferred to this desk: it goes before all others."""
        line = self._targeted.get(desk_id)
        return next(iter(line.values()), None) if line else None

    def candidates(
        self,
        services: dict[str, float],
        categories: tuple[str, ...],
        targets_ms: dict[str, int],
        now_ms: int,
    ) -> Iterator[Candidate]:
        """Heads of the lines a desk serves, each in the class it competes in now."""
        for service_id, weight in services.items():
            target = targets_ms[service_id]
            regular = self._lines.get((service_id, REGULAR))
            if regular:
                yield Candidate(next(iter(regular.values())), REGULAR, weight, target)
            for category in categories:
                line = self._lines.get((service_id, category))
                if not line:
                    continue
                # Priority lines are short; a ticket whose priority has not begun yet
                # (an appointment before its slot) competes as a regular one.
                applying = next((t for t in line.values() if t.priority_applies(now_ms)), None)
                if applying is not None:
                    yield Candidate(applying, category, weight, target)
                early = next((t for t in line.values() if not t.priority_applies(now_ms)), None)
                if early is not None:
                    yield Candidate(early, REGULAR, weight, target)

    def count(self, service_id: str) -> int:
        """Everyone waiting for the service, whichever line they are in."""
        return self._counts.get(service_id, 0)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def ahead_of_newest(self, ticket: Ticket, now_ms: int) -> int:
        """People before the ticket that joined last, as estimate.people_ahead counts them,
        without walking the service's lines (an issue must not slow with the hall):
        everyone of its service, or for a priority that applies, those of its category
        whose priority applies too."""
        if ticket.priority_applies(now_ms):
            line = self._lines.get((ticket.service_id, ticket.priority), {})
            return sum(t.priority_applies(now_ms) for t in line.values() if t.id != ticket.id)
        return self.count(ticket.service_id) - 1

    def alongside(self, ticket: Ticket) -> Iterator[Ticket]:
        """The waiting tickets that may be called before this one: its service's, in every
        line, and those transferred to its desk."""
        for (service_id, _), line in self._lines.items():
            if service_id == ticket.service_id:
                yield from line.values()
        for desk_id, line in self._targeted.items():
            for other in line.values():
                if other.service_id == ticket.service_id or desk_id == ticket.target_desk_id:
                    yield other

    def longest_since_ms(self, service_id: str) -> int | None:
        """When the longest-waiting ticket of the service began to wait, in any line."""
        heads = [
            next(iter(line.values())).waiting_since_ms
            for (sid, _), line in self._lines.items()
            if sid == service_id and line
        ]
        heads += [
            t.waiting_since_ms
            for line in self._targeted.values()
            for t in line.values()
            if t.service_id == service_id
        ]
        return min(heads) if heads else None
