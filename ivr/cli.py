"""``okno ivr``: the phone voice menu (``serve``), its prompts (``prepare``), its ``bench``.

The menus, the hub client and espeak-ng are imported only when a command runs, so
``okno --help`` stays quick.
"""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from okno.console import BenchOut, FoundHub, Interface, fail, setup_logging, until_signal
from okno.errors import OknoError

app = typer.Typer(help="The phone voice menu: Asterisk hands it calls over FastAGI.")

StateOption = Annotated[
    Path, typer.Option(help="Where it keeps its key, certificate and prompt files.")
]


@app.command("serve")
def serve(
    state: StateOption = Path("var/ivr"),
    serial: Annotated[
        str, typer.Option(help="The machine's serial number (default: hostname).")
    ] = "",
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    listen: Annotated[str, typer.Option(help="Address Asterisk connects to.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(min=0, max=65535, help="FastAGI port.")] = 4573,
    max_calls: Annotated[int, typer.Option(min=1, help="Calls in the menus at once.")] = 60,
    operators: Annotated[
        str, typer.Option(help="The dialplan's Queue() of operators that 0 hands a call to.")
    ] = "operators",
    prompts: Annotated[
        Path | None,
        typer.Option(help="Where the prompt files are (Asterisk reads them); STATE/prompts."),
    ] = None,
    verbose: Annotated[bool, typer.Option(help="Log each call's transcript (DEBUG).")] = False,
) -> None:
    """Serve calls from Asterisk (dialplan: AGI(agi://HOST:4573)) until SIGTERM or Ctrl-C."""
    from ivr.agent import AgentOptions
    from ivr.program import IvrOptions
    from ivr.program import serve as run

    setup_logging(verbose)
    options = IvrOptions(
        state=state,
        hub=hub,
        interfaces=(interface,),
        serial=serial or socket.gethostname(),
        agent=AgentOptions(host=listen, port=port, max_calls=max_calls, operators=operators),
        prompts_dir=prompts,
    )
    until_signal(lambda stop: run(options, stop), refusals=(OknoError, OSError))


@app.command("prepare")
def prepare(state: StateOption = Path("var/ivr")) -> None:
    """Synthesise every prompt the menus can say into STATE/prompts (8 kHz WAV for Asterisk).

    With no hub to ask the branch's zone, the days are named for each day the branch can be
    on (UTC's day, the one before and the one after); ``serve`` makes what differs (the
    branch's own services) when it starts."""
    from ivr.program import IvrOptions
    from ivr.program import prepare as make
    from ivr.prompts import Prompts

    setup_logging()
    folder = IvrOptions(state=state).prompts
    try:
        prompts = Prompts(folder)
        utc_day = datetime.now(UTC).date()
        made = sum(make(prompts, utc_day + timedelta(days=d)) for d in (-1, 0, 1))
    except OSError as error:
        raise fail(f"cannot write the prompts in {folder}: {error}") from error
    typer.echo(f"{made} prompts made in {folder}")


@app.command("bench")
def bench(
    out: BenchOut = None,
    calls: Annotated[int, typer.Option(min=2, help="Calls at once.")] = 50,
    quick: Annotated[bool, typer.Option(help="A few calls only (for tests and CI).")] = False,
) -> None:
    """Concurrent calls, mostly booking (some racing for a seat): answer to first prompt,
    key to next prompt, double bookings."""
    from rich.console import Console

    from ivr.bench import measure_ivr
    from okno.bench import report

    setup_logging()
    for noisy in ("ivr", "hub"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    report("ivr", measure_ivr(calls=5 if quick else calls), out, Console())
