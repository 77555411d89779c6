"""Showing the board: redrawn in place on a terminal, printed now and then when headless."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.live import Live

from hall_display.board import Board
from hall_display.screen import Camera
from okno.demo.board import render, text
from okno.demo.clock import wait_any
from okno.demo.world import World
from protos.okno.v1 import admin_pb2

# Real seconds between boards printed when stdout is not a terminal.
PRINT_EVERY_S = 5.0
# Real seconds between screenshots of the hall display's board (out/screens/*.png).
SCREENS_EVERY_S = 10.0


async def show(board: Board, branch: admin_pb2.Branch, world: World, *, live: bool) -> None:
    """Show the board until the demo stops."""
    if not live:
        while not world.stop.is_set():
            await wait_any([world.stop], PRINT_EVERY_S)
            print(text(board, branch, world.clock()), flush=True)
        return
    with (
        Live(
            console=Console(),
            get_renderable=lambda: render(board, branch, world.clock()),
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


async def photograph(camera: Camera, world: World) -> None:
    """Keep the hall display's screenshots of the board current until the demo stops."""
    while not world.stop.is_set():
        await wait_any([world.stop], SCREENS_EVERY_S)
        if not world.stop.is_set():
            camera.shoot()
