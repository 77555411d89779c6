"""``okno card-reader``: the reader's device program, a virtual card, the benchmark.

``python -m card_reader`` runs the same group without the rest of ``okno``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from card_reader.errors import CardError
from okno.console import BenchOut, FoundHub, Interface, fail, setup_logging, until_signal
from okno.errors import OknoError

app = typer.Typer(
    help="Smart-card reader: the device program, a virtual card, the benchmark.",
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def card_reader(
    context: typer.Context,
    serial: Annotated[str, typer.Option(help="The reader's serial number.")] = "",
    reader: Annotated[
        str,
        typer.Option(help="pcsc:// (first reader with a card) or pcsc://READER%20NAME; ?spy=1"),
    ] = "pcsc://",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/card_reader"
    ),
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    verbose: bool = False,
) -> None:
    """Run the card reader next to a kiosk or desk: identify visitors by UEC or bank card."""
    if context.invoked_subcommand is not None:
        return
    from card_reader.program import CardReaderSetup, run_card_reader

    if not serial:
        raise fail("give the reader's --serial number")
    setup_logging(verbose)
    setup = CardReaderSetup(state, serial, reader, hub=hub, interfaces=[interface])
    until_signal(lambda stop: run_card_reader(setup, stop), (OknoError, OSError))


@app.command("sim")
def sim_card(
    kind: Annotated[str, typer.Option(help="uec, emv or blank (a card okno does not know).")] = (
        "uec"
    ),
    port: Annotated[
        int, typer.Option(help="vpcd port: 35963 is Virtual PCD 00 00, 35964 is 00 01.")
    ] = 35963,
    pin: Annotated[str, typer.Option(help="The UEC card's PIN.")] = "1234",
    tries_left: Annotated[int, typer.Option(help="PIN tries left; 0 is a blocked PIN.")] = 3,
    secure_messaging: Annotated[
        bool, typer.Option(help="Refuse plain reads, as a real UEC does.")
    ] = False,
    mute_after: Annotated[
        int | None, typer.Option(help="Answer nothing after this many APDUs.")
    ] = None,
    remove_after: Annotated[
        int | None, typer.Option(help="Pull out in the middle of the next APDU after this many.")
    ] = None,
    start_pcscd: Annotated[
        bool, typer.Option(help="Start pcscd (as root) when none is running.")
    ] = True,
    absent_sw: Annotated[
        str,
        typer.Option(help="SW to a SELECT of an application it lacks: 6A82, 6A81, 6E00, 6999."),
    ] = "6A82",
    hides_tries: Annotated[
        bool, typer.Option(help="UEC: a wrong PIN gets a bare 6300, no tries counter.")
    ] = False,
) -> None:
    """Insert a virtual smart card into pcscd's vsmartcard reader until Ctrl-C or SIGTERM."""
    from card_reader.program import SimCardOptions, run_simulated_card

    setup_logging()
    if kind not in ("uec", "emv", "blank"):
        raise fail(f"no simulated card {kind!r}: uec, emv or blank")
    if len(absent_sw) != 4 or not all(c in "0123456789abcdefABCDEF" for c in absent_sw):
        raise fail(f"--absent-sw {absent_sw!r} is not a status word: four hex digits, as 6A82")
    options = SimCardOptions(
        kind,
        port,
        pin,
        tries_left,
        secure_messaging,
        mute_after,
        remove_after,
        start_pcscd,
        int(absent_sw, 16),
        hides_tries,
    )
    until_signal(lambda stop: run_simulated_card(options, stop, typer.echo), (OknoError, OSError))


@app.command("bench")
def bench_card(
    out: BenchOut = None,
    cards: Annotated[int, typer.Option(min=1, help="Cards inserted one after another.")] = 20,
) -> None:
    """Card inserted to identity through pcscd on the virtual reader; time per APDU."""
    from rich.console import Console

    from card_reader.bench import measure_card
    from okno.bench import report

    setup_logging()
    logging.getLogger("card_reader").setLevel(logging.WARNING)
    try:
        figures = asyncio.run(measure_card(cards))
    except (CardError, OSError) as error:
        raise fail(str(error)) from error
    report("card", figures, out, Console())
