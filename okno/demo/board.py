"""The hall board as a display draws it, built from the HallFeed stream and nothing else."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2

log = logging.getLogger(__name__)

RECENT_CALLS = 8
_ACTIVE = (
    common_pb2.TICKET_STATE_WAITING,
    common_pb2.TICKET_STATE_CALLED,
    common_pb2.TICKET_STATE_SERVING,
)
_AT_DESK = (common_pb2.TICKET_STATE_CALLED, common_pb2.TICKET_STATE_SERVING)
_CALLS = (feed_pb2.EVENT_KIND_TICKET_CALLED, feed_pb2.EVENT_KIND_TICKET_RECALLED)
_WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


@dataclass(frozen=True, slots=True)
class Called:
    number: str
    desk: int
    at_ms: int
    recall: bool


class Board:
    """Tickets in the hall, desks and the latest calls, as of the last sequence applied."""

    def __init__(self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]) -> None:
        self.branch = branch
        self.services = list(services)
        self.seq = 0
        # Newest first, as the board lists them.
        self.calls: list[Called] = []
        self._tickets: dict[str, common_pb2.Ticket] = {}
        self._desks: dict[str, common_pb2.Desk] = {}

    def apply(self, message: feed_pb2.FeedMessage) -> None:
        if message.WhichOneof("body") == "snapshot":
            self._restart(message.snapshot)
            return
        event = message.event
        if event.sequence != self.seq + 1:
            log.warning("feed gap expected_seq=%d got_seq=%d", self.seq + 1, event.sequence)
        self.seq = event.sequence
        if event.HasField("desk"):
            self._desks[event.desk.id] = event.desk
        if event.HasField("ticket"):
            self._track(event.ticket)
            if event.kind in _CALLS:
                recall = event.kind == feed_pb2.EVENT_KIND_TICKET_RECALLED
                self._announce(
                    Called(event.ticket.number, event.desk.number, event.at_unix_ms, recall)
                )

    def _announce(self, call: Called) -> None:
        """Put a call on top; a recall moves the ticket up instead of listing it twice."""
        others = [c for c in self.calls if c.number != call.number]
        self.calls = [call, *others][:RECENT_CALLS]

    def _restart(self, snapshot: common_pb2.QueueState) -> None:
        self.seq = snapshot.sequence
        self._tickets = {t.id: t for t in snapshot.tickets}
        self._desks = {d.id: d for d in snapshot.desks}
        at_desks = sorted(
            (t for t in snapshot.tickets if t.state in _AT_DESK),
            key=lambda t: t.called_at_unix_ms,
            reverse=True,
        )
        self.calls = [
            Called(t.number, self._desks[t.desk_id].number, t.called_at_unix_ms, t.recalls > 0)
            for t in at_desks[:RECENT_CALLS]
        ]

    def _track(self, ticket: common_pb2.Ticket) -> None:
        if ticket.state in _ACTIVE:
            self._tickets[ticket.id] = ticket
        else:
            self._tickets.pop(ticket.id, None)

    def waiting(self, service_id: str, now_ms: int) -> tuple[int, int]:
        """How many wait for the service and the longest wait so far, in seconds."""
        since = [
            t.waiting_since_unix_ms
            for t in self._tickets.values()
            if t.service_id == service_id and t.state == common_pb2.TICKET_STATE_WAITING
        ]
        return len(since), max(0, (now_ms - min(since)) // 1000) if since else 0

    def desks(self, state: common_pb2.DeskState.ValueType) -> list[int]:
        return sorted(d.number for d in self._desks.values() if d.state == state)

    def render(self, now_ms: int) -> RenderableType:
        local = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(self.branch.timezone))
        title = Text.assemble(
            (self.branch.name, "bold"),
            f"   {_WEEKDAYS[local.weekday()]} {local:%d.%m.%Y %H:%M}",
            f"   в зале / in the hall: {len(self._tickets)}",
            (f"   seq {self.seq}", "dim"),
        )
        board = Table.grid(padding=(0, 3))
        board.add_row(self._calls_table(), self._queue_table(now_ms))
        return Group(title, board, self._desks_line())

    def text(self, now_ms: int, width: int = 100) -> str:
        """The board as plain text, for a log, a file or a terminal without cursor control."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
        console.print(self.render(now_ms))
        return buffer.getvalue()

    def _calls_table(self) -> Table:
        table = Table("Талон", "Окно", title="Вызов / Calling", box=box.SIMPLE_HEAD)
        for call in self.calls:
            number = Text(call.number, style="bold")
            if call.recall:
                number.append(" ↻", style="yellow")
            table.add_row(number, str(call.desk))
        return table

    def _queue_table(self, now_ms: int) -> Table:
        table = Table(
            "Услуга / Service",
            "Ждут",
            "Дольше всех",
            title="Очередь / Queue",
            box=box.SIMPLE_HEAD,
        )
        for service in self.services:
            count, longest_s = self.waiting(service.id, now_ms)
            late = "red" if longest_s > service.target_wait_s else ""
            table.add_row(
                f"{service.prefix} {service.name_ru}",
                str(count) if count else "·",
                Text(_minutes(longest_s), style=late) if count else "",
            )
        return table

    def _desks_line(self) -> Text:
        open_ = self.desks(common_pb2.DESK_STATE_OPEN)
        line = Text(f"Открыты окна / open desks ({len(open_)}/{len(self._desks)}): ")
        line.append(_numbers(open_) or "—", style="green")
        paused = self.desks(common_pb2.DESK_STATE_PAUSED)
        if paused:
            line.append(f"   перерыв / break: {_numbers(paused)}", style="yellow")
        return line


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _numbers(values: Iterable[int]) -> str:
    return " ".join(str(v) for v in values)
