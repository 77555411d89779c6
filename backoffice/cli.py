"""``okno backoffice``: serve, add a branch, print a report, write a history, measure."""

from __future__ import annotations

import asyncio
import csv
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from backoffice import upkeep_cli as upkeep
from backoffice.bench_cli import app as bench_app
from backoffice.options import DB_HELP, KeyFile
from okno.console import fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="The region's back office: sync from the hubs, reports.")


@app.callback(invoke_without_command=True)
def backoffice(
    context: typer.Context,
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
    listen: Annotated[str, typer.Option(help="host:port for the hubs' gRPC sync.")] = (
        "127.0.0.1:50070"
    ),
    web_listen: Annotated[
        str, typer.Option(help="host:port for the dashboard and /metrics; empty: none.")
    ] = "",
    web_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A name the dashboard is reached by (repeatable); other Host headers get "
            "400. Default: localhost and 127.0.0.1."
        ),
    ] = None,
    key_file: KeyFile = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve the hubs' sync over TLS: the certificate (PEM).")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="The certificate's private key (PEM, owner only).")
    ] = None,
    backups: Annotated[
        Path | None,
        typer.Option(
            help="Keep the branches' backup archives here (DIR/<branch>/); none if unset."
        ),
    ] = None,
    max_backup_bytes: Annotated[
        int, typer.Option(min=1, help="The longest archive taken, in bytes (default 20 GiB).")
    ] = 20 * 2**30,
    keep_daily: Annotated[
        int, typer.Option(min=0, help="Of each branch's archives, keep the last of this many days.")
    ] = 14,
    keep_weekly: Annotated[int, typer.Option(min=0, help="...and of this many weeks.")] = 8,
) -> None:
    """Run the back office: receive the hubs' events, keep the aggregates (and backups)."""
    if context.invoked_subcommand is not None:
        return
    from backoffice.backups import Retention, Vault
    from backoffice.server import read_tls, serve
    from backoffice.store import check_secrets, open_store
    from backoffice.web import DEFAULT_HOSTS, with_dashboard

    setup_logging()
    if (tls_cert is None) != (tls_key is None):
        raise fail("--tls-cert and --tls-key go together: give both, or neither for plain gRPC")
    try:
        tls = read_tls(tls_cert, tls_key) if tls_cert and tls_key else None
        engine = open_store(db, key_file)
        check_secrets(engine)
        vault = None
        if backups is not None:
            try:
                vault = Vault(
                    engine,
                    backups,
                    max_bytes=max_backup_bytes,
                    retention=Retention(keep_daily, keep_weekly),
                )
            except OSError as error:
                raise fail(f"cannot keep backups in {backups}: {error.strerror}") from error
        hosts = web_host or DEFAULT_HOSTS
        served = serve(engine, listen, tls, vault)
        asyncio.run(with_dashboard(engine, web_listen, served, hosts))
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("add-branch")
def add_branch(
    branch_id: Annotated[str, typer.Argument(help="The branch id of the hub's configuration.")],
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
    timezone: Annotated[str, typer.Option(help="The branch's time zone (local hours).")] = (
        "Europe/Moscow"
    ),
    secret_file: Annotated[
        Path | None,
        typer.Option(help="Write the secret to this file, owner only (0600), not to stdout."),
    ] = None,
    key_file: KeyFile = None,
) -> None:
    """Register a branch and give its secret once (again: a new secret replaces the old).

    ``--secret-file`` makes the file the hub reads 0600 whatever the umask; a shell's
    ``> file`` makes it readable by all, and the hub refuses such a file.
    """
    from backoffice import store
    from okno.files import write_private

    try:
        secret = store.add_branch(store.open_store(db, key_file), branch_id, timezone)
    except OknoError as error:
        raise fail(str(error)) from error
    if secret_file is None:
        typer.echo(secret)
        return
    try:
        write_private(secret_file, f"{secret}\n".encode())
    except OSError as error:
        typer.echo(
            f"okno: cannot write the secret to {secret_file} ({error.strerror}); the branch's "
            "old secret no longer works: run add-branch again with a writable --secret-file",
            err=True,
        )
        raise typer.Exit(code=2) from error


@app.command("add-user")
def add_user(
    name: Annotated[str, typer.Argument(help="The person's login, e.g. ivanova.")],
    role: Annotated[str, typer.Option(help="regional (every branch) or branch-head (one).")],
    branch: Annotated[
        str | None, typer.Option(help="The branch a branch head reads (its id).")
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(help="Read the password from this owner-only (0600) file, not stdin."),
    ] = None,
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
) -> None:
    """Make a dashboard account (again: a new role and password; its sessions end).

    The password is read from ``--password-file`` (refused unless 0600) or from stdin
    (asked twice, not echoed, on a terminal); it is never an argument, which any user of
    the machine could read in the process list.
    """
    from backoffice import accounts, store
    from okno.files import read_private

    try:
        if password_file is not None:
            password = read_private(password_file).decode().rstrip("\n")
        elif sys.stdin.isatty():
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
        accounts.add_user(store.open_store(db), name, role, password, branch)
    except OknoError as error:  # SecretExposed (an OSError too) included
        raise fail(str(error)) from error
    except OSError as error:
        raise fail(f"cannot read the password from {password_file}: {error.strerror}") from error
    typer.echo(f"{name} may sign in to the dashboard as {role}")


@app.command("set-authority")
def set_authority(
    service_id: Annotated[str, typer.Argument(help="The service id of the branches' config.")],
    authority: Annotated[str, typer.Argument(help='The authority, e.g. "МВД России"; "" unsets.')],
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
) -> None:
    """Say which authority provides a service, for the by_authority report."""
    from backoffice import store

    try:
        store.set_authority(store.open_store(db), service_id, authority)
    except OknoError as error:
        raise fail(str(error)) from error


_FORMATS = ("table", "csv")


@app.command("report")
def report(
    name: Annotated[
        str, typer.Argument(help="Report name; `okno backoffice report list` lists them.")
    ],
    *,
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")] = "",
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive).")] = "",
    branch: Annotated[list[str] | None, typer.Option(help="Only this branch (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
) -> None:
    """Print a back-office report over a period (default: the last 30 days)."""
    from rich.console import Console
    from rich.table import Table

    from backoffice import reports
    from backoffice.names import load, named
    from backoffice.period import Period
    from backoffice.store import open_store
    from backoffice.web import exports

    if name == "list":
        for found in reports.REPORTS.values():
            typer.echo(f"{found.name:24} {found.title_en}")
        return
    if fmt not in _FORMATS:
        typer.echo(f"okno: no format {fmt!r}; --format is one of: {', '.join(_FORMATS)}", err=True)
        raise typer.Exit(code=2)
    try:
        chosen = reports.report(name)
        last = date.fromisoformat(end) if end else date.today()
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError as error:
        typer.echo(f"okno: dates are YYYY-MM-DD: {error}", err=True)
        raise typer.Exit(code=2) from error
    except OknoError as error:
        raise fail(str(error)) from error
    if last < first:
        typer.echo(
            f"okno: the period ends ({last}) before it starts ({first}): give --from no later "
            "than --to",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        engine = open_store(db)
        now_ms = time.time_ns() // 1_000_000
        table = chosen.run(engine, Period(first, last, tuple(branch or ()), now_ms=now_ms))
        table = named(table, load(engine), "ru")
    except OknoError as error:
        raise fail(str(error)) from error
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([c.key for c in table.columns])
        writer.writerows(table.rows)
        return
    shown = Table(title=f"{chosen.title_ru}: {first} — {last}")
    for title in exports.headings(table, "ru"):
        shown.add_column(title)
    for row in exports.rows(table, "ru"):
        shown.add_row(*(str(v) for v in row))
    Console().print(shown)


@app.command("sim")
def sim_history(
    *,
    db: Annotated[str, typer.Option(help=DB_HELP + "; its branches are registered here")],
    backoffice: Annotated[
        str, typer.Option(help="host:port of a running back office on --db (direct if empty)")
    ] = "",
    branches: Annotated[int, typer.Option(min=1, help="How many branches.")] = 20,
    days: Annotated[int, typer.Option(min=1, help="How many days, ending yesterday.")] = 365,
    visitors: Annotated[int, typer.Option(min=1, help="Visitors on an ordinary weekday.")] = 520,
    seed: int = 1,
) -> None:
    """Write a region's history of hub-shaped events through the sync path (signed batches)."""
    from backoffice.history import Shape
    from backoffice.load import fill

    setup_logging()
    start = date.today() - timedelta(days=days)
    try:
        events, seconds = asyncio.run(
            fill(
                db,
                backoffice,
                branches=branches,
                start=start,
                days=days,
                shape=Shape(visitors=visitors),
                seed=seed,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"{events} events in {seconds:.1f} s ({events / max(seconds, 1e-9):,.0f}/s)")


# After the commands above, in the order a technician looks for them (`--help`).
app.command("rebuild")(upkeep.rebuild)
app.command("backup")(upkeep.backup)
app.add_typer(bench_app, name="bench")
