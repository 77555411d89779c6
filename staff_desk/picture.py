"""The desk as the hub tells it: the hall feed's picture, an answer shown until the feed
catches up, and the light that picture calls for. No I/O.

The feed is the one ordered source every board follows, so it has the last word; an
answer to a press (which carries the sequence it was committed at) is shown at once and
gives way as soon as the feed has applied that sequence, so the light never flickers back
to an older state and never misses a change someone else made in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from protos.okno.v1 import common_pb2, feed_pb2
from staff_desk.light import Light

_AT_DESK = (common_pb2.TICKET_STATE_CALLED, common_pb2.TICKET_STATE_SERVING)


@dataclass(frozen=True, slots=True)
class DeskView:
    """One desk and its current ticket: what a desk display shows."""

    desk: common_pb2.Desk | None = None
    ticket: common_pb2.Ticket | None = None
    sequence: int = 0


class Picture:
    """The branch's desks and the tickets at them, as of the last feed message applied."""

    def __init__(self) -> None:
        # None until the first snapshot: the branch's desks are not known yet.
        self.desks: dict[str, common_pb2.Desk] | None = None
        self.sequence = 0
        self._tickets: dict[str, common_pb2.Ticket] = {}
        self._answer: DeskView | None = None

    def apply(self, message: feed_pb2.FeedMessage) -> bool:
        """Apply one feed message; False when a fresh snapshot is needed instead."""
        if message.WhichOneof("body") == "snapshot":
            snapshot = message.snapshot
            self.desks = {desk.id: desk for desk in snapshot.desks}
            self._tickets = {t.id: t for t in snapshot.tickets if t.state in _AT_DESK}
            self.sequence = snapshot.sequence
        else:
            event = message.event
            if event.kind == feed_pb2.EVENT_KIND_CONFIG_RELOADED:
                # Desks may have come or gone: start again from a snapshot.
                return False
            if self.desks is not None and event.HasField("desk"):
                self.desks[event.desk.id] = event.desk
            if event.HasField("ticket"):
                if event.ticket.state in _AT_DESK and event.ticket.desk_id:
                    self._tickets[event.ticket.id] = event.ticket
                else:
                    self._tickets.pop(event.ticket.id, None)
            self.sequence = event.sequence
        if self._answer is not None and self.sequence >= self._answer.sequence:
            self._answer = None
        return True

    def answer(
        self, desk: common_pb2.Desk, ticket: common_pb2.Ticket | None, sequence: int
    ) -> None:
        """Show the hub's answer to a press until the feed reaches ``sequence``."""
        if not desk.id:
            return
        if ticket is None or ticket.id != desk.current_ticket_id:
            ticket = self.view(desk.id).ticket
            if ticket is not None and ticket.id != desk.current_ticket_id:
                ticket = None
        self._answer = DeskView(desk, ticket, sequence)

    def forget_answer(self) -> None:
        self._answer = None

    def resolve(self, wanted: str) -> str | None:
        """The id of the desk named by id or by number, once the desks are known."""
        if self.desks is None:
            return None
        if wanted in self.desks:
            return wanted
        if wanted.isdigit():
            for desk in self.desks.values():
                if desk.number == int(wanted):
                    return desk.id
        return None

    def view(self, desk_id: str | None) -> DeskView:
        if desk_id is None or self.desks is None or desk_id not in self.desks:
            return DeskView(sequence=self.sequence)
        answer = self._answer
        if answer is not None and answer.sequence > self.sequence:
            assert answer.desk is not None
            if answer.desk.id == desk_id:
                return answer
        desk = self.desks[desk_id]
        return DeskView(desk, self._tickets.get(desk.current_ticket_id), self.sequence)


def light_for(view: DeskView) -> Light:
    """The light for a desk the hub can be reached about."""
    if view.desk is None:
        return Light.HUB_LOST
    if view.desk.state == common_pb2.DESK_STATE_CLOSED:
        return Light.CLOSED
    if view.desk.state == common_pb2.DESK_STATE_PAUSED:
        return Light.PAUSED
    if view.ticket is None:
        return Light.IDLE
    if view.ticket.state == common_pb2.TICKET_STATE_SERVING:
        return Light.SERVING
    return Light.CALLING
