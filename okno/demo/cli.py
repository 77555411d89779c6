"""``okno demo``: the command that runs the simulated hall and says where its outputs are."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from okno.console import fail, setup_logging
from okno.errors import OknoError

app = typer.Typer()


@app.command("demo")
def demo(
    duration: Annotated[
        float | None,
        typer.Option(min=0.1, help="Stop by itself after SECONDS (default: run until Ctrl-C)."),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Where to write events.jsonl, board.txt and summary.json.")
    ] = Path("var/demo"),
    speed: Annotated[
        float, typer.Option(min=0.1, help="Simulated seconds per real second.")
    ] = 60.0,
    config: Annotated[Path, typer.Option(help="The branch's TOML configuration.")] = Path(
        "examples/branch.toml"
    ),
    verbose: bool = False,
) -> None:
    """Run a whole simulated hall on this machine: hub, kiosk visitors, desks, hall board."""
    from okno.demo.hall import DemoOptions, run_until_signalled

    setup_logging(verbose)
    options = DemoOptions(config=config, out=out, speed=speed, duration_s=duration)
    try:
        result = asyncio.run(run_until_signalled(options))
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"event log: {result.events}")
    typer.echo(f"last board: {result.board}")
    typer.echo(f"summary: {result.summary}")
    for screen in result.screens:
        typer.echo(f"board screenshot: {screen}")
    if result.tickets is not None:
        typer.echo(f"printed tickets: {result.tickets}")
    if result.voice is not None:
        typer.echo(f"spoken calls: {result.voice}")
    if result.phone is not None:
        typer.echo(f"phone calls to the voice menu: {result.phone}")
    if result.reports is not None:
        typer.echo(f"back-office reports and dashboard: {result.reports}")
