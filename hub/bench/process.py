"""A hub in its own process, as in production: for benchmarks and the power-cut test."""

from __future__ import annotations

import asyncio
import re
import secrets
import sys
from pathlib import Path

import grpc

from hub.config import load_branch
from hub.errors import ConfigError
from hub.service import wall_clock_ms
from hub.traffic import morning_ms
from okno.signin import set_pin_locally, signed_in_channel

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def round_the_clock(config_text: str) -> str:
    """The same branch, open every day all day, so a measurement runs at any hour."""
    text = re.sub(r'^(mon|tue|wed|thu|fri|sat|sun) = ".*"$\n?', "", config_text, flags=re.M)
    text = re.sub(r"^closed_dates = \[[^\]]*\]$\n?", "", text, flags=re.M)
    days = "".join(f'{d} = "00:00-24:00"\n' for d in WEEKDAYS)
    return text.replace("[hours]\n", f"[hours]\n{days}")


def opened_at_nine(config: Path, now_ms: int | None = None) -> tuple[str, ...]:
    """``okno hub`` options that run the branch's clock from its next open morning.

    A measurement then meets the same open hall whatever the hour and time zone of the
    machine; a hub restarted during it takes the same options so its clock goes on.
    """
    return (f"--clock-offset-ms={morning_offset_ms(config, now_ms)}",)


def morning_offset_ms(config: Path, now_ms: int | None = None) -> int:
    """How far the branch's next open morning is from now: the hub's clock offset."""
    now = wall_clock_ms() if now_ms is None else now_ms
    return morning_ms(load_branch(config).branch, now) - now


async def start_hub(
    config: Path, db: Path, *options: str
) -> tuple[asyncio.subprocess.Process, int]:
    """Start ``okno hub`` on a free loopback port; its log is drained so it never blocks.

    Returns once all three doors serve (the device port is opened last), with the port of
    the network one; the admin socket is okno.console.admin_socket_for(db). The device port
    too is a free one unless ``options`` name it: two hubs must not both take the default.
    """
    free_device_port = () if "--device-listen" in options else ("--device-listen", "127.0.0.1:0")
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "hub", "--config", str(config), "--db", str(db)),
        *("--listen", "127.0.0.1:0", *free_device_port, *options),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    port = 0
    while line := (await process.stderr.readline()).decode():
        found = re.search(r"hub serving .* port=(\d+)", line)
        if found:
            port = int(found.group(1))
        if port and "device port serving" in line:
            asyncio.create_task(process.stderr.read())  # noqa: RUF006 (ends with the process)
            return process, port
    raise RuntimeError(f"the hub exited before serving, code {await process.wait()}")


async def signed_in_administrator(
    config: Path, socket: Path, address: str, ca_pem: bytes
) -> grpc.aio.Channel:
    """The branch's first administrator, signed in over TLS with a PIN set for this run.

    A benchmark's hub has a fresh database, so nobody has a PIN yet: it is set through the
    admin socket as ``okno hub staff set-pin`` would, and known to this run only.
    """
    branch = load_branch(config).branch
    administrator = next((o.id for o in branch.operators if "administrator" in o.roles), None)
    if administrator is None:
        raise ConfigError(str(config), "no operator has the administrator role to run as")
    return await signed_in(socket, address, ca_pem, administrator)


async def signed_in(
    socket: Path, address: str, ca_pem: bytes, operator_id: str
) -> grpc.aio.Channel:
    """``operator_id`` signed in over TLS with a PIN set for this run through the admin socket."""
    pin = run_pin()
    await set_pin_locally(socket, operator_id, pin)
    return await signed_in_channel(address, ca_pem, operator_id, pin)


def run_pin() -> str:
    """A PIN known to one benchmark run: between a 1 and a 0, so never one repeated digit
    (hub/staff/pins.py)."""
    return f"1{secrets.randbelow(10**7):07d}0"
