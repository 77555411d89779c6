"""``okno hub``: the branch hub, and the tools of its machine: bench, sync, staff, sim.

The verbs of ``hub.sync``, ``hub.staff`` and ``hub.notify`` are declared here and import
their package only when run: those packages bring the store and the notifier, which would
slow ``okno --help``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from hub.bench import cli as bench_cli
from okno.console import DEFAULT_SOCKET, AdminSocket, fail, setup_logging, until_signal
from okno.errors import OknoError

app = typer.Typer(help="The branch hub: queue engine, event log, gRPC API, web pages.")


@app.callback(invoke_without_command=True)
def hub(
    context: typer.Context,
    config: Annotated[Path, typer.Option(help="The branch's TOML configuration.")] = Path(
        "examples/branch.toml"
    ),
    db: Annotated[Path, typer.Option(help="The hub's SQLite database file.")] = Path("var/okno.db"),
    listen: Annotated[
        str, typer.Option(help="host:port for gRPC over TLS: staff sign in, devices enroll.")
    ] = "127.0.0.1:50051",
    admin_socket: Annotated[
        Path | None,
        typer.Option(
            help="The admin socket (okno provision, staff set-pin); beside --db if unset."
        ),
    ] = None,
    device_listen: Annotated[
        str, typer.Option(help="host:port for admitted devices' mutual-TLS sessions.")
    ] = "127.0.0.1:50052",
    announce: Annotated[
        bool, typer.Option(help="Announce the hub by zeroconf on the --listen interface.")
    ] = False,
    web_listen: Annotated[
        str,
        typer.Option(
            help="host:port for the visitors' web pages (off if empty); HTTPS unless loopback."
        ),
    ] = "",
    backoffice: Annotated[
        str, typer.Option(help="host:port of the region's back office to sync to (off if empty).")
    ] = "",
    backoffice_secret_file: Annotated[
        Path | None, typer.Option(help="File with the branch's back office secret (hex).")
    ] = None,
    backoffice_ca: Annotated[
        Path | None,
        typer.Option(help="The CA of the back office's TLS certificate (plain gRPC if unset)."),
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
    from hub.sync import read_ca, read_secret

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
                backoffice_ca=read_ca(backoffice_ca) if backoffice_ca else None,
                clock_offset_ms=clock_offset_ms,
                admin_socket=admin_socket,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error


app.add_typer(bench_cli.app, name="bench")
sync = typer.Typer(help="The hub's sync to the region's back office.")
app.add_typer(sync, name="sync")
staff = typer.Typer(help="The branch's staff: PINs for signing in.")
app.add_typer(staff, name="staff")
sim = typer.Typer(
    help="Simulated systems the hub talks to: an SMS gateway, the information system."
)
app.add_typer(sim, name="sim")


@app.command("permissions")
def permissions() -> None:
    """Print who may call what: the permission table of docs/security.md, in Markdown."""
    from hub.api.permissions import markdown

    typer.echo(markdown(), nl=False)


@sync.command("push")
def sync_push(
    hub_db: Annotated[Path, typer.Option(help="The hub's SQLite database file (read only).")],
    backoffice: Annotated[str, typer.Option(help="host:port of the back office.")],
    branch: Annotated[str, typer.Option(help="The branch id the back office knows.")],
    secret_file: Annotated[Path, typer.Option(help="File with the branch's secret (hex).")],
    batch: Annotated[int, typer.Option(min=1, help="Events per batch.")] = 2000,
    backoffice_ca: Annotated[
        Path | None,
        typer.Option(help="Dial the back office over TLS, trusting this CA (PEM) alone."),
    ] = None,
) -> None:
    """Push every event of a hub's database the back office lacks, then stop.

    For a hub that is retired or was restored from a backup; a running hub started with
    --backoffice does this by itself.
    """
    from hub.sync.cli import push

    setup_logging()
    try:
        acked = push(hub_db, backoffice, branch, secret_file, batch, backoffice_ca)
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"back office holds branch {branch} up to seq {acked}")


@app.command("journal")
def journal(
    hub_db: Annotated[Path, typer.Option(help="The hub's SQLite database file (read only).")],
    day: Annotated[str, typer.Option(help="Only this branch day, YYYY-MM-DD.")] = "",
) -> None:
    """Print who signed in, set PINs, changed devices and reloaded (docs/journal.md).

    For the hub's machine; the back office's `okno backoffice report journal` adds the
    applications' status changes and every branch.
    """
    from datetime import UTC, datetime

    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from hub.journal import kept

    if not hub_db.is_file():
        raise fail(f"no hub database at {hub_db}: give the file `okno hub --db` uses")
    engine = create_engine(f"sqlite:///file:{hub_db}?mode=ro&uri=true")
    try:
        events = kept(engine, day)
    except SQLAlchemyError as error:
        raise fail(f"{hub_db} is not a hub database: {error.__class__.__name__}") from error
    finally:
        engine.dispose()
    for event in events:
        assert event.entry is not None
        at = datetime.fromtimestamp(event.at_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        e = event.entry
        typer.echo(f"{event.seq}\t{at}\t{e.action}\t{e.actor}\t{e.subject}\t{e.outcome}\t{e.door}")


@staff.command("set-pin")
def staff_set_pin(
    operator_id: Annotated[str, typer.Argument(help="The operator's id from the branch config.")],
    socket: AdminSocket = DEFAULT_SOCKET,
    as_admin: Annotated[
        str, typer.Option("--as", help="An administrator's id, when not on the hub's machine.")
    ] = "",
    hub: Annotated[str, typer.Option(help="With --as: host:port of the hub's network port.")] = "",
    hub_ca: Annotated[
        Path | None, typer.Option(help="With --as: the branch CA (PEM) to trust at --hub.")
    ] = None,
) -> None:
    """Set an operator's PIN (asked twice, never echoed): on the hub's machine through its
    admin socket, or from elsewhere signed in as an administrator."""
    from hub.staff.cli import set_pin

    try:
        typer.echo(set_pin(operator_id, socket=socket, hub=hub, ca=hub_ca, admin=as_admin))
    except OknoError as error:
        raise fail(str(error)) from error


@sim.command("ais")
def sim_ais(
    numbers: Annotated[
        list[str] | None, typer.Argument(help="Application numbers to change (261207-017).")
    ] = None,
    hub: Annotated[str, typer.Option(help="host:port of the hub's network port.")] = (
        "127.0.0.1:50051"
    ),
    hub_ca: Annotated[
        Path, typer.Option(help="The branch CA to trust at --hub: ca.pem beside the hub's db.")
    ] = Path("var/okno-pki/ca.pem"),
    account: Annotated[str, typer.Option(help="The information system's staff account.")] = (
        "ais-mfc"
    ),
    numbers_file: Annotated[
        Path | None, typer.Option(help="More application numbers, one a line.")
    ] = None,
    resends: Annotated[float, typer.Option(help="Share of changes sent twice (same id).")] = 0.1,
    stale: Annotated[int, typer.Option(min=0, help="Changes sent late, older than applied.")] = 5,
    in_flight: Annotated[int, typer.Option(min=1, help="Calls in flight at once.")] = 64,
) -> None:
    """Play the centre's information system: push one status change to each application in
    a burst, with resends and stale changes, and say what the hub answered (PIN: asked,
    or OKNO_AIS_PIN). Exits 1 unless every change was applied exactly once."""
    import getpass
    import secrets
    import time

    from hub.ais import cli as ais

    setup_logging()
    try:
        pin = ais.pin_from_environment() or getpass.getpass(f"{account}'s PIN: ")
        verdict = asyncio.run(
            ais.simulate(
                hub,
                ais.read_ca(hub_ca),
                account,
                pin,
                ais.read_numbers(numbers or [], numbers_file),
                run=f"sim-{secrets.token_hex(4)}",
                start_ms=time.time_ns() // 1_000_000,
                resends=resends,
                stale=stale,
                in_flight=in_flight,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error
    for line in ais.described(verdict):
        typer.echo(line)
    if not verdict.exactly_once:
        raise typer.Exit(code=1)


@sim.command("sms")
def sim_sms(
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 9025,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    out: Annotated[
        Path | None, typer.Option(help="Append each accepted message here as a JSON line.")
    ] = None,
    token: Annotated[
        str, typer.Option(help="Bearer token the hub must send (OKNO_SMS_TOKEN); none if empty.")
    ] = "",
) -> None:
    """Run a simulated SMS gateway until Ctrl-C; type down/up/slow/fail/ok/list to switch it."""
    from hub.notify.cli import serve_sms

    setup_logging()
    until_signal(lambda stop: serve_sms(host, port, out, token, stop))
