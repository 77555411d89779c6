"""Command-line entry points of the ticket printer package, thin over sim and driver.

``okno`` mounts :func:`sim_printer` as ``okno sim printer`` and :func:`test_page` as
``okno printer test-page``; ``python -m ticket_printer`` runs the same two commands.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated, Literal

import typer

from ticket_printer.driver import TicketPrinter
from ticket_printer.errors import PrinterError
from ticket_printer.profile import PrinterProfile
from ticket_printer.settings import PrinterSettings
from ticket_printer.sim import SimulatedPrinter

PaperWidth = Annotated[int, typer.Option(help="Paper width in mm: 58 or 80.")]
CodePage = Annotated[str, typer.Option(help="cp866, or ascii: a model without Cyrillic.")]
QrKind = Annotated[str, typer.Option(help="native, or raster: a model without QR firmware.")]
LogoKind = Annotated[str, typer.Option(help="nv, or raster/none: a model without NV memory.")]


def _fail(reason: str) -> typer.Exit:
    typer.echo(f"okno: {reason}", err=True)
    return typer.Exit(code=2)


def _profile(paper_width: int, code_page: str, qr: str, logo: str) -> PrinterProfile:
    """The model the settings describe (ticket_printer/settings.py); a bad one ends the command."""
    try:
        return PrinterSettings(paper_width, code_page, qr, logo).profile
    except ValueError as error:
        raise _fail(str(error)) from error


def sim_printer(  # noqa: PLR0917 (a command: Typer declares it by its options)
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
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    profile = _profile(paper_width, code_page, qr, logo)
    if tcp is None and not pty:
        raise _fail("give --pty or --tcp PORT")
    link: Literal["pty", "tcp"] = "pty" if tcp is None else "tcp"
    printer = SimulatedPrinter(
        profile, link=link, port=tcp or 0, out_dir=out, paper_tickets=paper_tickets
    )
    try:
        printer.start()
    except OSError as error:
        raise _fail(f"cannot open the printer's {link}: {error}") from error
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        typer.echo(f"printer: {printer.url}")
        if out is not None:
            typer.echo(f"tickets: {out}")
        stop.wait()
    finally:
        printer.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
        raise _fail(str(error)) from error
    typer.echo("test page printed")


app = typer.Typer(
    help="Ticket printers: a virtual printer and a test page.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("sim-printer")(sim_printer)
app.command("test-page")(test_page)
