"""``okno kiosk``: the touchscreen kiosk and ``okno kiosk bench`` (``catalogue``, ``keys``).

``python -m kiosk`` runs the same group (the benchmark starts the kiosk that way to time a
cold start). Qt and the rest are imported only when a command runs, so ``okno --help``
stays quick.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Annotated

import typer

from okno.console import BenchBranch, BenchOut, FoundHub, Interface, fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="The touchscreen kiosk: tickets, appointment check-in, for everyone.")


@app.callback(invoke_without_command=True)
def kiosk(
    context: typer.Context,
    serial: Annotated[
        str, typer.Option(help="The kiosk's serial number (default: hostname).")
    ] = "",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/kiosk"
    ),
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    windowed: Annotated[
        bool, typer.Option(help="A window instead of kiosk mode (development).")
    ] = False,
    size: Annotated[
        str, typer.Option(help="The window's WIDTHxHEIGHT with --windowed.")
    ] = "540x960",
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="A setting before the hub's, KEY=VALUE (printer=ticket_printer-P-1)."
        ),
    ] = None,
    screenshots: Annotated[
        Path | None, typer.Option(help="Save the screen as DIR/kiosk.png now and then.")
    ] = None,
    exit_when_ready: Annotated[
        bool, typer.Option(hidden=True, help="Print when the home screen is usable, then quit.")
    ] = False,
    terminal: Annotated[
        str,
        typer.Option(help="The card payment terminal (ZVT): serial:///dev/ttyUSB0?baudrate=9600."),
    ] = "",
    terminal_id: Annotated[
        str,
        typer.Option(
            help="The terminal's serial (default: SERIAL-terminal): it enrolls as "
            "payment_terminal-TERMINAL_ID."
        ),
    ] = "",
    card_reader: Annotated[
        str,
        typer.Option(help='The card reader in this kiosk: "auto" or pcsc://READER%20NAME.'),
    ] = "",
    verbose: bool = False,
) -> None:
    """Run the touchscreen kiosk: tickets, appointment check-in, for everyone."""
    if context.invoked_subcommand is not None:
        return
    from kiosk.program import KioskOptions, run_kiosk

    window = None
    if windowed:
        width, _, height = size.partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise fail("--size takes WIDTHxHEIGHT, for example 1080x1920")
        window = (int(width), int(height))
    config = []
    for item in setting or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--set takes KEY=VALUE, not {item!r}")
        config.append((key.strip(), value))
    setup_logging(verbose)
    options = KioskOptions(
        state=state,
        hub=hub,
        interfaces=(interface,),
        serial=serial or socket.gethostname(),
        size=window,
        config=tuple(config),
        screenshots=screenshots,
        exit_when_ready=exit_when_ready,
        terminal=terminal,
        terminal_id=terminal_id,
        card_reader=card_reader,
    )
    try:
        run_kiosk(options)
    except OknoError as error:
        raise fail(str(error)) from error


bench = typer.Typer(help="Cold start and taps (no verb); search typed; a blind visitor's keys.")
app.add_typer(bench, name="bench")


@bench.callback(invoke_without_command=True)
def bench_kiosk(
    context: typer.Context,
    out: BenchOut = None,
    config: BenchBranch = Path("examples/branch.toml"),
    taps: Annotated[int, typer.Option(min=1, help="Tickets taken by tapping a service.")] = 200,
    starts: Annotated[int, typer.Option(min=1, help="Cold starts timed.")] = 5,
) -> None:
    """Cold start to a usable home screen; tap to ticket on screen and to the printer."""
    if context.invoked_subcommand is not None:
        return
    from rich.console import Console

    from kiosk.bench import measure_kiosk
    from okno.bench import report

    setup_logging()
    for noisy in ("kiosk", "ticket_printer", "hall_display"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    report("kiosk", measure_kiosk(config, taps=taps, starts=starts), out, Console())


@bench.command("catalogue")
def bench_catalogue(
    out: BenchOut = None,
    quick: Annotated[bool, typer.Option(help="Two queries only (for tests).")] = False,
) -> None:
    """Search as people type over 500 services: keystroke to results painted."""
    from rich.console import Console

    from kiosk.bench_catalogue import measure_search
    from okno.bench import report

    setup_logging()
    logging.getLogger("kiosk").setLevel(logging.WARNING)
    report("kiosk-catalogue", measure_search(quick=quick), out, Console())


@bench.command("keys")
def bench_keys(
    out: BenchOut = None,
    config: BenchBranch = Path("examples/branch.toml"),
    quick: Annotated[bool, typer.Option(help="One service's ticket only (for tests).")] = False,
) -> None:
    """A blind visitor's ticket with the keypad: presses and seconds of speech, beside taps."""
    from rich.console import Console

    from kiosk.keys_bench import measure_keys
    from okno.bench import report

    setup_logging()
    logging.getLogger("kiosk").setLevel(logging.WARNING)
    report("kiosk keys", measure_keys(config, quick=quick), out, Console())
