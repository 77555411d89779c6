"""``okno hub sim sms``: the simulated SMS gateway as a process, switched from its stdin."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from okno.console import setup_logging, until_signal
from okno.errors import OknoError

app = typer.Typer(help="Simulated services the hub sends to.")
HELP = "commands: down | up | slow SECONDS | fail [STATUS] | ok | list"


@app.command("sms")
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
    setup_logging()
    until_signal(lambda stop: _serve(host, port, out, token, stop))


async def _serve(host: str, port: int, out: Path | None, token: str, stop: asyncio.Event) -> None:
    from hub.notify.sim import SimulatedSmsGateway

    gateway = SimulatedSmsGateway(host, port, token=token, out=out)
    url = await gateway.start()
    typer.echo(f"sms gateway: {url}")
    typer.echo(HELP, err=True)
    commands = asyncio.get_running_loop().create_task(_commands(gateway, stop))
    await stop.wait()
    commands.cancel()
    await gateway.stop()
    typer.echo(f"sms gateway stopped: {len(gateway.messages)} messages accepted", err=True)


async def _commands(gateway: object, stop: asyncio.Event) -> None:
    from hub.notify.sim import SimulatedSmsGateway

    assert isinstance(gateway, SimulatedSmsGateway)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode():
        word, _, argument = line.strip().partition(" ")
        try:
            if word == "down":
                await gateway.down()
            elif word in ("up", "ok"):
                await gateway.up()
            elif word == "slow":
                gateway.slow(float(argument or 3))
            elif word == "fail":
                gateway.fail(int(argument or 500))
            elif word == "list":
                for record in gateway.messages:
                    typer.echo(f"{record.id} {record.to} {record.text}")
            elif word:
                typer.echo(HELP, err=True)
        except (ValueError, OknoError) as error:
            typer.echo(f"{word}: {error}", err=True)
        typer.echo(f"mode: {gateway.mode}, accepted: {len(gateway.messages)}", err=True)
    stop.set()
