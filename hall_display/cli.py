"""``okno display``: a hall board or a desk display, and ``okno display bench``.

Qt is imported only when a command runs, so ``okno --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from okno.console import BenchBranch, BenchOut, FoundHub, Interface, fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="Hall boards and desk displays: calls shown and spoken.")


@app.callback(invoke_without_command=True)
def display(
    context: typer.Context,
    role: Annotated[str, typer.Option(help="hall (the big board) or desk (one desk's).")] = "hall",
    desk_id: Annotated[str, typer.Option("--desk", help="The desk, for --role desk.")] = "",
    serial: Annotated[
        str, typer.Option(help="The display's serial number (default: hostname).")
    ] = "",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/display"
    ),
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    windowed: Annotated[str, typer.Option(help="WIDTHxHEIGHT window instead of full screen.")] = "",
    screenshots: Annotated[
        Path | None, typer.Option(help="Save the screen as DIR/display.png now and then.")
    ] = None,
    verbose: bool = False,
) -> None:
    """Run a hall board or a desk display: calls shown and spoken, the same on every board."""
    if context.invoked_subcommand is not None:
        return
    import socket

    from hall_display.program import DisplayOptions, run_display

    size = None
    if windowed:
        width, _, height = windowed.partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise fail("--windowed takes WIDTHxHEIGHT, for example 1920x1080")
        size = (int(width), int(height))
    setup_logging(verbose)
    options = DisplayOptions(
        state=state,
        role=role,
        desk=desk_id,
        hub=hub,
        interfaces=(interface,),
        serial=serial or socket.gethostname(),
        size=size,
        screenshots=screenshots,
    )
    try:
        run_display(options)
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("bench")
def bench_display(
    out: BenchOut = None,
    config: BenchBranch = Path("examples/branch.toml"),
    calls: Annotated[int, typer.Option(min=1, help="Calls timed to the painted row.")] = 200,
    hours: Annotated[
        float, typer.Option(help="Hours of sped-up traffic for the memory run.")
    ] = 24.0,
) -> None:
    """Call to row painted on the board, voice latency, memory over a sped-up day."""
    import tempfile

    from rich.console import Console

    from hall_display.bench import measure_display
    from okno.bench import report

    setup_logging()
    with tempfile.TemporaryDirectory(prefix="okno-bench-display-") as scratch:
        figures = measure_display(Path(scratch), config=config, calls=calls, hours=hours)
    report("display", figures, out, Console())
