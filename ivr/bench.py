"""``okno ivr bench``: concurrent phone calls to the voice menu, against a real hub.

The hub runs in its own process, as in production, and so does ``okno ivr serve``,
enrolled with it as a ``voice_menu`` device (approved as a technician would), serving
FastAGI on loopback; the calls come from the strict Asterisk of ``ivr.sim`` in this one.
Most calls book, three callers to each slot of two seats, so a third of them lose the race
and hear so; the rest ask for the queue. Measured from the simulated Asterisk's side: from
the environment block sent to the first prompt asked to be played, and from each key sent
to the next prompt. Then the hub's appointments table is read back: no slot over its
seats, and every booking a caller heard confirmed is there.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

from hub.bench.appointments import hub_with_appointments, read_ledger
from hub.bench.callers import enrolled
from ivr import menus_texts as said
from ivr.callers import asks_the_queue, books
from ivr.hub_client import HubClient
from ivr.sim.asterisk import Heard, Step, call
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.provision import member_channel

log = logging.getLogger(__name__)

FIRST_PROMPT_TARGET_MS = 300.0
KEY_TO_PROMPT_TARGET_MS = 200.0
SEATS = 2
# Callers sent to each slot: one more than its seats, so one of them loses the race.
RACERS = SEATS + 1
SERVICE = "passport"
# Calls arrive this far apart (50 within a second): all of them are still in the menus at
# once, since a real call lasts minutes; but the sim plays no audio, so calls that arrived
# in the same millisecond would press every key in the same millisecond too, which no
# callers do, and measure the simulated Asterisk's own checks of every prompt file.
ARRIVAL_S = 0.02
PROMPTS = Path("var/ivr/prompts")


def measure_ivr(
    config: Path = Path("examples/branch.toml"), *, calls: int = 50, prompts: Path = PROMPTS
) -> list[Figure]:
    """``calls`` calls at once; prompts are synthesised into ``prompts`` once, then reused."""
    # Asterisk plays a relative path from its own sounds folder: give it the whole path.
    return asyncio.run(_measure(config, calls, prompts.absolute()))


async def _measure(config: Path, calls: int, prompts_dir: Path) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="okno-bench-ivr-") as scratch:
        root = Path(scratch)
        async with hub_with_appointments(config, SERVICE, SEATS, root) as (db, port):
            (state,) = await enrolled(
                f"127.0.0.1:{port}", admin_socket_for(db), "voice_menu", 1, root
            )
            server, agi_port = await start_ivr(state, prompts_dir, calls)
            try:
                async with member_channel(state) as channel:
                    heard = await _calls(
                        HubClient(channel), ("127.0.0.1", agi_port), calls, prompts_dir
                    )
            finally:
                await _stop(server, "ivr")
        ledger = read_ledger(db, {SERVICE: SEATS}, set())
        held = _held(db)
    told = sum(1 for h in heard if f"IVR: {said.BOOKED}" in h.lines)
    lost = sum(1 for h in heard if f"IVR: {said.SLOT_TAKEN}" in h.lines)
    first = [h.first_prompt_ms for h in heard]
    keys = [ms for h in heard for ms in h.key_to_prompt_ms]
    return [
        Figure("calls", len(heard), "calls"),
        Figure(
            "answer_to_first_prompt_p99",
            percentile(first, 99),
            "ms",
            FIRST_PROMPT_TARGET_MS,
            "<=",
        ),
        Figure("answer_to_first_prompt_p50", percentile(first, 50), "ms"),
        Figure("key_to_next_prompt_p99", percentile(keys, 99), "ms", KEY_TO_PROMPT_TARGET_MS, "<="),
        Figure("key_to_next_prompt_p50", percentile(keys, 50), "ms"),
        Figure("keys_measured", len(keys), "keys"),
        Figure("bookings_heard", told, "bookings"),
        Figure("races_lost_heard", lost, "calls"),
        Figure("bookings_heard_not_held", max(0, told - held), "bookings", 0, "<="),
        Figure("double_bookings", ledger.double_bookings, "bookings", 0, "<="),
    ]


async def _calls(
    hub: HubClient, address: tuple[str, int], calls: int, prompts: Path
) -> list[Heard]:
    """Every call at once: four in five book (RACERS to a slot), the fifth asks the queue."""
    day = (await hub.free_days(SERVICE))[0]
    slots = await hub.free_slots(SERVICE, day)
    # The slot starting now may close while the callers dial: leave it out.
    slots = slots[1:]
    plans: list[list[Step]] = []
    bookers = 0
    for index in range(calls):
        if index % 5 == 4:
            plans.append(asks_the_queue())
            continue
        slot = slots[(bookers // RACERS) % len(slots)]
        bookers += 1
        plans.append(books(slot.at))

    async def dial(index: int, plan: list[Step]) -> Heard:
        await asyncio.sleep(index * ARRIVAL_S)
        return await call(address, plan, callerid=f"+7916{index:07d}", prompts=prompts)

    return list(await asyncio.gather(*(dial(i, plan) for i, plan in enumerate(plans))))


async def start_ivr(
    state: Path, prompts: Path, calls: int
) -> tuple[asyncio.subprocess.Process, int]:
    """``okno ivr serve`` as the device enrolled in ``state``, FastAGI on a free loopback
    port; returns once it listens (its prompts prepared), its log drained from then on."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "ivr", "serve", "--state", str(state)),
        *("--prompts", str(prompts), "--listen", "127.0.0.1", "--port", "0"),
        *("--max-calls", str(calls)),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    while line := (await process.stderr.readline()).decode():
        found = re.search(r"ivr listening host=\S+ port=(\d+)", line)
        if found:
            asyncio.create_task(process.stderr.read())  # noqa: RUF006 (ends with the process)
            return process, int(found.group(1))
    raise RuntimeError(f"okno ivr serve exited before listening, code {await process.wait()}")


async def _stop(process: asyncio.subprocess.Process, name: str) -> None:
    process.send_signal(signal.SIGTERM)
    if await asyncio.wait_for(process.wait(), 30) != 0:
        log.warning("ivr bench process exited badly name=%s", name)


def _held(db: Path) -> int:
    with sqlite3.connect(db) as database:
        return int(
            database.execute(
                "SELECT count(*) FROM appointments WHERE state != 'cancelled'"
            ).fetchone()[0]
        )
