"""``okno ivr bench``: concurrent phone calls to the voice menu, against a real hub.

The hub runs in its own process, as in production; the voice menu enrolls with it as a
``voice_menu`` device (approved as a technician would) and serves FastAGI on loopback;
the calls come from the strict Asterisk of ``ivr.sim``. Most calls book, three callers to
each slot of two seats, so a third of them lose the race and hear so; the rest ask for the
queue. Measured from the simulated Asterisk's side: from the environment block sent to
the first prompt asked to be played, and from each key sent to the next prompt. Then the
hub's appointments table is read back: no slot over its seats, and every booking a
caller heard confirmed is there.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import tempfile
from pathlib import Path

from hub.bench.appointments import read_ledger, with_appointments
from hub.bench.callers import enrolled
from hub.bench.process import start_hub
from ivr import menus_texts as said
from ivr.agent import AgentOptions, IvrAgent
from ivr.hub_client import HubClient
from ivr.program import branch_names, prepare
from ivr.prompts import Prompts
from ivr.sim.asterisk import Heard, Step, call, hang_up, press
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
PROMPTS = Path("var/ivr/prompts")


def measure_ivr(
    config: Path = Path("examples/branch.toml"), *, calls: int = 50, prompts: Path = PROMPTS
) -> list[Figure]:
    """``calls`` calls at once; prompts are synthesised into ``prompts`` once, then reused."""
    return asyncio.run(_measure(config, calls, prompts))


async def _measure(config: Path, calls: int, prompts_dir: Path) -> list[Figure]:
    prompts = Prompts(prompts_dir)
    with tempfile.TemporaryDirectory(prefix="okno-bench-ivr-") as scratch:
        root = Path(scratch)
        measured = root / "branch.toml"
        text = await asyncio.to_thread(config.read_text)
        await asyncio.to_thread(measured.write_text, with_appointments(text, SERVICE, SEATS))
        db = root / "hub.db"
        process, port = await start_hub(measured, db)
        try:
            (state,) = await enrolled(
                f"127.0.0.1:{port}", admin_socket_for(db), "voice_menu", 1, root
            )
            async with member_channel(state) as channel:
                hub = HubClient(channel)
                names = await branch_names(hub)
                made = await asyncio.to_thread(prepare, prompts, await hub.today(), names)
                log.info("ivr bench prompts made=%d", made)
                agent = IvrAgent(
                    hub, prompts.clip, AgentOptions(host="127.0.0.1", port=0, max_calls=calls)
                )
                address = ("127.0.0.1", await agent.start())
                try:
                    heard = await _calls(hub, address, calls, prompts_dir)
                finally:
                    await agent.stop()
        finally:
            process.send_signal(signal.SIGTERM)
            if await asyncio.wait_for(process.wait(), 30) != 0:
                log.warning("ivr bench hub exited badly")
        ledger = read_ledger(db, {SERVICE: SEATS}, set())
        held = _held(db)
    told = sum(1 for h in heard if any(said.BOOKED in line for line in h.lines))
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
        Figure(
            "key_to_next_prompt_p99", percentile(keys, 99), "ms", KEY_TO_PROMPT_TARGET_MS, "<="
        ),
        Figure("key_to_next_prompt_p50", percentile(keys, 50), "ms"),
        Figure("keys_measured", len(keys), "keys"),
        Figure("bookings_heard", told, "bookings"),
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
            plans.append([press("1", when=said.MAIN_MENU[0]), hang_up(when=said.MAIN_MENU[0])])
            continue
        slot = slots[(bookers // RACERS) % len(slots)]
        bookers += 1
        plans.append(
            [
                press("3", when=said.MAIN_MENU[0]),
                press("1", when=said.CHOOSE_SERVICE),
                press("1", when=said.CHOOSE_DAY),
                press(f"{slot.at:%H%M}", when=said.TYPE_TIME),
                press("1", when=said.CONFIRM_SMS),
                hang_up(when=said.MAIN_MENU[0]),
            ]
        )
    return list(
        await asyncio.gather(
            *(
                call(address, plan, callerid=f"+7916{index:07d}", prompts=prompts)
                for index, plan in enumerate(plans)
            )
        )
    )


def _held(db: Path) -> int:
    with sqlite3.connect(db) as database:
        return int(
            database.execute(
                "SELECT count(*) FROM appointments WHERE state != 'cancelled'"
            ).fetchone()[0]
        )
