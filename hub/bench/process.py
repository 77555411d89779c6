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
    """Start ``okno hub`` on a free loopback port; its log is drained so it never blocks.

    Its device port too is a free one unless ``options`` name it: two hubs of a test run
    must not both take the default.
    """
    free_device_port = () if "--device-listen" in options else ("--device-listen", "127.0.0.1:0")
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "hub", "--config", str(config), "--db", str(db)),
        *("--listen", "127.0.0.1:0", *free_device_port, *options),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    while line := (await process.stderr.readline()).decode():
        found = re.search(r"hub serving .* port=(\d+)", line)
        if found:
            asyncio.create_task(process.stderr.read())  # noqa: RUF006 (ends with the process)
            return process, int(found.group(1))
    raise RuntimeError(f"the hub exited before serving, code {await process.wait()}")
