"""``okno printer``: the ticket printer's device program, a test page, a virtual printer, the bench.

``python -m ticket_printer`` runs the same group without the rest of ``okno``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated, Literal

import typer

from okno.console import (
    BenchBranch,
    BenchOut,
    FoundHub,
    Interface,
    fail,
    setup_logging,
    until_signal,
)
from ticket_printer.driver import TicketPrinter
from ticket_printer.errors import PrinterError
from ticket_printer.profile import PrinterProfile
from ticket_printer.settings import PrinterSettings
from ticket_printer.sim import SimulatedPrinter

app = typer.Typer(
    help="The ticket printer's device program, a test page, a virtual printer, the bench.",
    pretty_exceptions_enable=False,
)
PaperWidth = Annotated[int, typer.Option(help="Paper width in mm: 58 or 80.")]
CodePage = Annotated[str, typer.Option(help="cp866, or ascii: a model without Cyrillic.")]
QrKind = Annotated[str, typer.Option(help="native, or raster: a model without QR firmware.")]
LogoKind = Annotated[str, typer.Option(help="nv, or raster/none: a model without NV memory.")]


@app.callback(invoke_without_command=True)
def printer(
    context: typer.Context,
    device: Annotated[
        str,
        typer.Option(help="The printer: serial:///dev/ttyUSB0?baudrate=115200, tcp://HOST:9100"),
    ] = "",
    serial: Annotated[str, typer.Option(help="The printer's serial number.")] = "",
    state: Annotated[
        Path, typer.Option(help="Where it keeps its key, certificate and job queue.")
    ] = Path("var/printer"),
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    paper_width: PaperWidth = 80,
    code_page: CodePage = "cp866",
    qr: QrKind = "native",
    logo: LogoKind = "nv",
    verbose: bool = False,
) -> None:
    """Run the printer agent: print its pairing code, then the hub's tickets, each once."""
    if context.invoked_subcommand is not None:
        return
    from ticket_printer.layout import Logo
    from ticket_printer.program import PrinterSetup, run_printer

    if not device or not serial:
        raise fail("give the printer's --device URL and its --serial number")
    try:
        settings = PrinterSettings(paper_width, code_page, qr, logo)
    except ValueError as error:
        raise fail(str(error)) from error
    setup_logging(verbose)
    setup = PrinterSetup(
        device, state, serial, hub=hub, interfaces=[interface], settings=settings, logo=Logo.load()
    )
    until_signal(lambda stop: run_printer(setup, stop))


def _profile(paper_width: int, code_page: str, qr: str, logo: str) -> PrinterProfile:
    """The model the settings describe (ticket_printer/settings.py); a bad one ends the command."""
    try:
        return PrinterSettings(paper_width, code_page, qr, logo).profile
    except ValueError as error:
        raise fail(str(error)) from error


@app.command("sim")
def sim_printer(
    pty: Annotated[
        bool, typer.Option("--pty/--no-pty", help="Speak on a pty pair (the default).")
    ] = True,
    tcp: Annotated[
        int | None,
        typer.Option(help="Listen on 127.0.0.1:PORT instead of a pty (0: any free port)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Save each ticket here as ticket-NNNN.png and .txt.")
    ] = None,
    paper_width: PaperWidth = 80,
    code_page: CodePage = "cp866",
    qr: QrKind = "native",
    logo: LogoKind = "nv",
    paper_tickets: Annotated[
        int | None, typer.Option(help="The paper runs out after this many tickets.")
    ] = None,
) -> None:
    """Run a virtual ESC/POS ticket printer until Ctrl-C or SIGTERM; print its URL."""
    setup_logging()
    profile = _profile(paper_width, code_page, qr, logo)
    if tcp is None and not pty:
        raise fail("give --pty or --tcp PORT")
    link: Literal["pty", "tcp"] = "pty" if tcp is None else "tcp"
    printer = SimulatedPrinter(
        profile, link=link, port=tcp or 0, out_dir=out, paper_tickets=paper_tickets
    )
    try:
        printer.start()
    except OSError as error:
        raise fail(f"cannot open the printer's {link}: {error}") from error

    async def serve(stop: asyncio.Event) -> None:
        typer.echo(f"printer: {printer.url}")
        if out is not None:
            typer.echo(f"tickets: {out}")
        await stop.wait()

    try:
        until_signal(serve)
    finally:
        printer.stop()


@app.command("test-page")
def test_page(
    device: Annotated[
        str, typer.Argument(help="The printer's URL: serial:///dev/ttyUSB0, tcp://HOST:9100...")
    ],
    paper_width: PaperWidth = 80,  # noqa: PT028 (a command, not a test)
    code_page: CodePage = "cp866",  # noqa: PT028
    qr: QrKind = "native",  # noqa: PT028
) -> None:
    """Print a test page and wait until the printer confirms it."""
    profile = _profile(paper_width, code_page, qr, "none")
    try:
        with TicketPrinter.open(device, profile) as printer:
            printer.print_test_page()
    except PrinterError as error:
        raise fail(str(error)) from error
    typer.echo("test page printed")


@app.command("bench")
def bench_printer(
    out: BenchOut = None,
    config: BenchBranch = Path("examples/branch.toml"),
    tickets: Annotated[int, typer.Option(min=1, help="Tickets printed one after another.")] = 200,
) -> None:
    """Bytes per ticket (NV logo or raster) and hub-to-printer latency on a virtual printer."""
    from rich.console import Console

    from okno.bench import report
    from ticket_printer.bench import measure_printer

    setup_logging()
    logging.getLogger("ticket_printer").setLevel(logging.WARNING)
    report("printer", asyncio.run(measure_printer(config, tickets)), out, Console())
