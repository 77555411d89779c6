"""``okno hub``: the branch hub, and the tools of its machine: bench, sync, staff, sim."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from hub.bench import cli as bench_cli
from hub.notify import cli as notify_cli
from hub.staff import cli as staff_cli
from hub.sync import cli as sync_cli
from okno.console import fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="The branch hub: queue engine, event log, gRPC API, web pages.")


@app.callback(invoke_without_command=True)
def hub(
    context: typer.Context,
    config: Annotated[Path, typer.Option(help="The branch's TOML configuration.")] = Path(
        "examples/branch.toml"
    ),
    db: Annotated[Path, typer.Option(help="The hub's SQLite database file.")] = Path("var/okno.db"),
    listen: Annotated[str, typer.Option(help="host:port for gRPC.")] = "127.0.0.1:50051",
    device_listen: Annotated[
        str, typer.Option(help="host:port for devices' mutual-TLS sessions (off if empty).")
    ] = "",
    announce: Annotated[
        bool, typer.Option(help="Announce the hub by zeroconf on the --listen interface.")
    ] = False,
    web_listen: Annotated[
        str, typer.Option(help="host:port for the visitors' web pages (off if empty).")
    ] = "",
    backoffice: Annotated[
        str, typer.Option(help="host:port of the region's back office to sync to (off if empty).")
    ] = "",
    backoffice_secret_file: Annotated[
        Path | None, typer.Option(help="File with the branch's back office secret (hex).")
    ] = None,
    clock_offset_ms: Annotated[
        int,
        typer.Option(help="Run the branch's clock this far from the wall clock (benchmarks)."),
    ] = 0,
    verbose: bool = False,
) -> None:
    """Run the branch hub: queue engine, event log, gRPC API, web pages."""
    if context.invoked_subcommand is not None:
        return
    from hub.runner import serve
    from hub.sync import read_secret

    setup_logging(verbose)
    try:
        secret = ""
        if backoffice:
            if backoffice_secret_file is None:
                raise fail(
                    "--backoffice needs --backoffice-secret-file (okno backoffice add-branch)"
                )
            secret = read_secret(backoffice_secret_file)
        asyncio.run(
            serve(
                config,
                db,
                listen,
                device_listen,
                announce,
                web_listen=web_listen,
                backoffice=backoffice,
                backoffice_secret=secret,
                clock_offset_ms=clock_offset_ms,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error


app.add_typer(bench_cli.app, name="bench")
app.add_typer(sync_cli.app, name="sync")
app.add_typer(staff_cli.app, name="staff")
app.add_typer(notify_cli.app, name="sim")
