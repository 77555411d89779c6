"""The hall board on a terminal: hall_display's board model, drawn with rich."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from hall_display.board import RECENT_CALLS, Board
from protos.okno.v1 import admin_pb2, common_pb2

_WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def render(board: Board, branch: admin_pb2.Branch, now_ms: int) -> RenderableType:
    local = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(branch.timezone))
    title = Text.assemble(
        (branch.name, "bold"),
        f"   {_WEEKDAYS[local.weekday()]} {local:%d.%m.%Y %H:%M}",
        f"   в зале / in the hall: {board.in_hall}",
        (f"   seq {board.seq}", "dim"),
    )
    grid = Table.grid(padding=(0, 3))
    grid.add_row(_calls_table(board), _queue_table(board, now_ms))
    return Group(title, grid, _desks_line(board))


def text(board: Board, branch: admin_pb2.Branch, now_ms: int, width: int = 100) -> str:
    """The board as plain text, for a log, a file or a terminal without cursor control."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(render(board, branch, now_ms))
    return buffer.getvalue()


def _calls_table(board: Board) -> Table:
    table = Table("Талон", "Окно", title="Вызов / Calling", box=box.SIMPLE_HEAD)
    for call in board.calls[:RECENT_CALLS]:
        number = Text(call.number, style="bold")
        if call.recall:
            number.append(" ↻", style="yellow")
        table.add_row(number, str(call.desk))
    return table


def _queue_table(board: Board, now_ms: int) -> Table:
    table = Table(
        "Услуга / Service",
        "Ждут",
        "Дольше всех",
        title="Очередь / Queue",
        box=box.SIMPLE_HEAD,
    )
    targets = {s.id: s.target_wait_s for s in board.services}
    for waiting in board.queues(now_ms):
        late = "red" if waiting.longest_s > targets.get(waiting.service_id, 0) else ""
        table.add_row(
            f"{waiting.prefix} {waiting.name_ru}",
            str(waiting.count) if waiting.count else "·",
            Text(_minutes(waiting.longest_s), style=late) if waiting.count else "",
        )
    return table


def _desks_line(board: Board) -> Text:
    open_ = board.desks(common_pb2.DESK_STATE_OPEN)
    every = sum(len(board.desks(state)) for state in common_pb2.DeskState.values())
    line = Text(f"Открыты окна / open desks ({len(open_)}/{every}): ")
    line.append(_numbers(open_) or "—", style="green")
    paused = board.desks(common_pb2.DESK_STATE_PAUSED)
    if paused:
        line.append(f"   перерыв / break: {_numbers(paused)}", style="yellow")
    return line


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _numbers(values: Iterable[int]) -> str:
    return " ".join(str(v) for v in values)
