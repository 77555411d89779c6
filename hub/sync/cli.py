"""``okno hub sync push``: send a hub database file's event log to the back office and stop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from okno.console import fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="The hub's sync to the region's back office.")


@app.command("push")
def sync_push(
    hub_db: Annotated[Path, typer.Option(help="The hub's SQLite database file (read only).")],
    backoffice: Annotated[str, typer.Option(help="host:port of the back office.")],
    branch: Annotated[str, typer.Option(help="The branch id the back office knows.")],
    secret_file: Annotated[Path, typer.Option(help="File with the branch's secret (hex).")],
    batch: Annotated[int, typer.Option(min=1, help="Events per batch.")] = 2000,
) -> None:
    """Push every event of a hub's database the back office lacks, then stop.

    For a hub that is retired or was restored from a backup; a running hub started with
    --backoffice does this by itself.
    """
    from sqlalchemy import create_engine, func, select

    from hub.store import schema
    from hub.sync import Sender, events_after, read_secret

    setup_logging()
    try:
        secret = read_secret(secret_file)
        engine = create_engine(f"sqlite:///{hub_db}")
        with engine.connect() as connection:
            last = int(connection.execute(select(func.max(schema.events.c.seq))).scalar() or 0)

        async def source(after: int, limit: int) -> list[tuple[int, str]]:
            return await asyncio.to_thread(events_after, engine, after, limit)

        sender = Sender(source, branch_id=branch, target=backoffice, secret=secret, batch=batch)
        asyncio.run(sender.run(until_seq=last))
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"back office holds branch {branch} up to seq {sender.acked}")
