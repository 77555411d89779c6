"""``okno backoffice rebuild`` and ``okno backoffice backup``: keeping the back office's
database right and safe (mounted by backoffice/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backoffice.options import DB_HELP, KeyFile
from okno.console import fail, setup_logging
from okno.errors import OknoError


def rebuild(
    db: Annotated[str, typer.Option(help=DB_HELP)] = "sqlite:///var/backoffice.db",
    key_file: KeyFile = None,
) -> None:
    """Recompute every aggregate, wait, journal and live row from the stored raw events.

    Safe while hubs push: each branch is rebuilt in one transaction holding its row lock,
    so its pushes wait for it and then add only their new events.
    """
    import time

    from backoffice.rebuild import rebuild as run
    from backoffice.store import open_store

    setup_logging()
    try:
        done = run(open_store(db, key_file), time.perf_counter)
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(
        f"rebuilt {done.branches} branches from {done.events} events in {done.seconds:.1f} s"
        + (f"; {done.left_out} stored events left out (see the log)" if done.left_out else "")
    )


def backup(
    to: Annotated[Path, typer.Option(help="The folder the dumps are kept in.")],
    db: Annotated[str, typer.Option(help="postgresql://user@host/db")],
    keep: Annotated[int, typer.Option(min=1, help="How many of the newest dumps to keep.")] = 14,
    pg_bin: Annotated[Path, typer.Option(help="The folder of pg_dump and pg_restore.")] = Path(
        "/usr/lib/postgresql/15/bin"
    ),
) -> None:
    """Dump the back office (pg_dump -Fc) into --to, kept only when whole; prune to --keep.

    The key file of the branch secrets is not in the dump: back it up apart, once.
    """
    from datetime import datetime

    from backoffice.backup import backup as run

    setup_logging()
    try:
        path = run(db, to, datetime.now().astimezone(), keep, pg_bin)
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"backed up to {path} ({path.stat().st_size:,} bytes)")
