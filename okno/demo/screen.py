"""Showing the board: redrawn in place on a terminal, printed now and then when headless."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.live import Live

from okno.demo.board import Board
from okno.demo.clock import wait_any
from okno.demo.world import World

# Real seconds between boards printed when stdout is not a terminal.
PRINT_EVERY_S = 5.0


async def show(board: Board, world: World, *, live: bool) -> None:
    """Show the board until the demo stops."""
    if not live:
        while not world.stop.is_set():
            await wait_any([world.stop], PRINT_EVERY_S)
            print(board.text(world.clock()), flush=True)
        return
    with (
        Live(
            console=Console(),
            get_renderable=lambda: board.render(world.clock()),
            refresh_per_second=4,
        ),
        _logs_above_the_board(),
    ):
        await world.stop.wait()


@contextlib.contextmanager
def _logs_above_the_board() -> Iterator[None]:
    """Send terminal log lines through Live's stderr proxy, so they scroll above the board."""
    moved = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream.isatty()
    ]
    previous = [handler.setStream(sys.stderr) for handler in moved]
    try:
        yield
    finally:
        for handler, stream in zip(moved, previous, strict=True):
            handler.setStream(stream)
