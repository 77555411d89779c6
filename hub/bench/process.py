"""A hub in its own process, as in production: for benchmarks and the power-cut test."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from hub.config import load_branch
from hub.service import wall_clock_ms
from hub.traffic import morning_ms

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
    """Start ``okno hub`` on a free loopback port; its network port once all its doors serve.

    The device port is a free one too unless ``options`` name it (``--device-listen``):
    the hub's default, 50052, is taken by any other hub on the machine. The hub's log is
    drained so it never blocks.
    """
    if not any(option.startswith("--device-listen") for option in options):
        options = ("--device-listen", "127.0.0.1:0", *options)
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "hub", "--config", str(config), "--db", str(db)),
        *("--listen", "127.0.0.1:0", *options),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    port = 0
    while line := (await process.stderr.readline()).decode():
        found = re.search(r"hub serving .* port=(\d+)", line)
        if found:
            port = int(found.group(1))
        # hub.doors opens the device port last.
        if port and "device port serving" in line:
            asyncio.create_task(process.stderr.read())  # noqa: RUF006 (ends with the process)
            return process, port
    raise RuntimeError(f"the hub exited before serving, code {await process.wait()}")
