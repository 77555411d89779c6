"""The simulated SMS gateway as a process (``okno hub sim sms``), switched from its stdin."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import typer

from hub.notify.sim import SimulatedSmsGateway
from okno.errors import OknoError

HELP = "commands: down | up | slow SECONDS | fail [STATUS] | ok | list"


async def serve_sms(
    host: str, port: int, out: Path | None, token: str, stop: asyncio.Event
) -> None:
    """Serve the gateway until ``stop``; its stdin switches it, its end stops it too."""
    gateway = SimulatedSmsGateway(host, port, token=token, out=out)
    url = await gateway.start()
    typer.echo(f"sms gateway: {url}")
    typer.echo(HELP, err=True)
    commands = asyncio.get_running_loop().create_task(_commands(gateway, stop))
    await stop.wait()
    commands.cancel()
    await gateway.stop()
    typer.echo(f"sms gateway stopped: {len(gateway.messages)} messages accepted", err=True)


async def _commands(gateway: SimulatedSmsGateway, stop: asyncio.Event) -> None:
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
