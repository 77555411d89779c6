"""What every program's command line does alike: a one-line refusal, log lines, a run to a signal.

Part of okno's ground: it imports no program package, so each program's ``cli.py`` can
import it and ``okno.cli`` only mounts their groups.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer

from okno.errors import OknoError

HubAddress = Annotated[str, typer.Option("--hub", help="The hub's host:port.")]
AdminSocket = Annotated[
    Path, typer.Option("--socket", help="The hub's admin socket (run on its machine, as its user).")
]
FoundHub = Annotated[str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")]
Interface = Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")]
BenchOut = Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")]
BenchBranch = Annotated[Path, typer.Option(help="Branch to measure.")]


def fail(reason: str) -> typer.Exit:
    """Print a one-line reason and give the exit (code 2) to raise."""
    typer.echo(f"okno: {reason}", err=True)
    return typer.Exit(code=2)


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr as key=value lines that grep well; no personal data is ever logged."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def until_signal(
    main: Callable[[asyncio.Event], Awaitable[object]],
    refusals: tuple[type[Exception], ...] = (OknoError,),
) -> None:
    """Run ``main`` until SIGTERM or Ctrl-C sets its stop event; a refusal is a one-line reason."""

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    try:
        asyncio.run(run())
    except refusals as error:
        raise fail(str(error)) from error


def admin_socket_for(db: Path) -> Path:
    """Where the hub with database ``db`` opens its admin socket, and its tools find it.

    In a folder of its own beside the database (``var/okno.db`` -> ``var/okno-run/``),
    which the hub makes 0700: the socket's permissions are the check.
    """
    return db.absolute().parent / f"{db.stem}-run" / "admin.sock"


# The admin socket of a hub run with the default --db (var/okno.db).
DEFAULT_SOCKET = Path("var/okno-run/admin.sock")
