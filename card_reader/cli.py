"""Command-line entry points of the card reader package, thin over program and bench.

``okno`` mounts :func:`card_reader_command` as ``okno card-reader``, :func:`sim_card` as
``okno sim card`` and :func:`bench_card` as ``okno bench card``; ``python -m card_reader``
runs the same three.
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

from card_reader.errors import CardError
from okno.errors import OknoError

HubOption = Annotated[str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")]


def _fail(reason: str) -> typer.Exit:
    typer.echo(f"okno: {reason}", err=True)
    return typer.Exit(code=2)


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def _until_signal(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    try:
        asyncio.run(run())
    except (OknoError, OSError) as error:
        raise _fail(str(error)) from error


def card_reader_command(  # noqa: PLR0917 (a command: Typer declares it by its options)
    serial: Annotated[str, typer.Option(help="The reader's serial number.")],
    reader: Annotated[
        str,
        typer.Option(help="pcsc:// (first reader with a card) or pcsc://READER%20NAME; ?spy=1"),
    ] = "pcsc://",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/card_reader"
    ),
    hub: HubOption = "",
    interface: Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")] = (
        "127.0.0.1"
    ),
    verbose: bool = False,
) -> None:
    """Run the card reader next to a kiosk or desk: identify visitors by UEC or bank card."""
    from card_reader.program import CardReaderSetup, run_card_reader

    _logging(verbose)
    setup = CardReaderSetup(state, serial, reader, hub=hub, interfaces=[interface])
    _until_signal(lambda stop: run_card_reader(setup, stop))


def sim_card(  # noqa: PLR0917 (a command: Typer declares it by its options)
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

    _logging(False)
    if kind not in ("uec", "emv", "blank"):
        raise _fail(f"no simulated card {kind!r}: uec, emv or blank")
    if len(absent_sw) != 4 or not all(c in "0123456789abcdefABCDEF" for c in absent_sw):
        raise _fail(f"--absent-sw {absent_sw!r} is not a status word: four hex digits, as 6A82")
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
    _until_signal(lambda stop: run_simulated_card(options, stop, typer.echo))


def bench_card(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    cards: Annotated[int, typer.Option(min=1, help="Cards inserted one after another.")] = 20,
) -> None:
    """Card inserted to identity through pcscd on the virtual reader; time per APDU."""
    from rich.console import Console

    from card_reader.bench import measure_card
    from okno.bench import report

    _logging(False)
    logging.getLogger("card_reader").setLevel(logging.WARNING)
    try:
        figures = asyncio.run(measure_card(cards))
    except (CardError, OSError) as error:
        raise _fail(str(error)) from error
    report("card", figures, out, Console())


app = typer.Typer(
    help="Smart-card reader: the device program, a virtual card, the benchmark.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("run")(card_reader_command)
app.command("sim")(sim_card)
app.command("bench")(bench_card)
