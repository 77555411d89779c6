"""``okno desk``: the desk unit (buttons and LED), the operator panel, the bench.

Qt and gpiozero are imported only when a command runs, so ``okno --help`` stays quick.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Annotated

import typer

from okno.console import (
    BenchBranch,
    BenchOut,
    FoundHub,
    HubAddress,
    Interface,
    fail,
    setup_logging,
    until_signal,
)
from okno.errors import OknoError
from staff_desk.panel.client import DEFAULT_HUB_CA

app = typer.Typer(help="The desk: its button unit and LED, the operator panel.")


@app.callback(invoke_without_command=True)
def desk(
    context: typer.Context,
    serial: Annotated[str, typer.Option(help="The desk unit's serial number.")] = "",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/desk"
    ),
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    simulate: Annotated[
        bool, typer.Option(help="Mock pins pressed by a simulated operator.")
    ] = False,
    verbose: bool = False,
) -> None:
    """Run a desk unit: buttons call, recall, start, finish; the LED shows the desk's state."""
    if context.invoked_subcommand is not None:
        return
    from staff_desk.program import DeskSetup, run_desk, run_simulated_desk

    if not serial:
        raise fail("give the desk unit's --serial number")
    setup_logging(verbose)
    setup = DeskSetup(state, serial, hub=hub, interfaces=[interface])
    if simulate:
        until_signal(lambda stop: run_simulated_desk(setup, stop))
    else:
        until_signal(lambda stop: run_desk(setup, stop))


@app.command("panel")
def panel(
    hub: HubAddress = "127.0.0.1:50051",
    hub_ca: Annotated[
        Path,
        typer.Option(
            help="The branch CA (ca.pem from the hub's pki folder, beside its database): "
            "the panel trusts no other certificate."
        ),
    ] = DEFAULT_HUB_CA,
    language: Annotated[str, typer.Option(help="ru or en.")] = "ru",
    large: Annotated[bool, typer.Option(help="Large type, high contrast.")] = False,
    full_screen: Annotated[bool, typer.Option(help="Full screen instead of a window.")] = False,
    screenshots: Annotated[
        Path | None, typer.Option(help="Save the screen as DIR/operator.png at exit.")
    ] = None,
    verbose: bool = False,
) -> None:
    """The operator panel: sign in, open the desk, call, serve, transfer; the hall for admins."""
    from staff_desk.panel.program import OperatorOptions, run_operator

    setup_logging(verbose)
    options = OperatorOptions(
        hub=hub, hub_ca=hub_ca, language=language, large=large, screenshots=screenshots
    )
    if full_screen:
        options = dataclasses.replace(options, size=None)
    try:
        run_operator(options)
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("bench")
def bench_desk(
    out: BenchOut = None,
    config: BenchBranch = Path("examples/branch.toml"),
    presses: Annotated[int, typer.Option(min=1, help="Button presses measured.")] = 200,
) -> None:
    """Desk button press to the call on the hall feed, end to end on mock pins."""
    from rich.console import Console

    from okno.bench import report
    from staff_desk.bench import measure_press_to_board

    setup_logging()
    logging.getLogger("staff_desk").setLevel(logging.WARNING)
    report("desk", asyncio.run(measure_press_to_board(config, presses)), out, Console())
