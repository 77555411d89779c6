"""Phone calls to the voice menu in the demo: one caller asks the queue, another books.

The voice menu is an enrolled ``voice_menu`` device serving FastAGI on loopback, the calls
come from ``ivr``'s simulated Asterisk, and each call's transcript is written to
``OUT/phone/``. Both run in a thread with its own event loop: a prompt not made yet is
synthesised (espeak-ng) while its call waits, which must not hold up the hub in the demo's
loop. Prompts are kept in ``var/ivr/prompts`` (``okno ivr prepare`` makes them all ahead).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

from hub.doors import Doors
from ivr import menus_texts as said
from ivr.agent import AgentOptions, IvrAgent
from ivr.callers import asks_the_queue, books, hangs_up_at_the_menu
from ivr.hub_client import HubClient
from ivr.prompts import Prompts
from ivr.sim.asterisk import Step, call, press
from okno.demo.members import DEVICES
from okno.demo.printer import SERIALS
from okno.provision import enroll_devices, member_channel

log = logging.getLogger(__name__)

PHONE = "phone"
PROMPTS = Path("var/ivr/prompts")
BETWEEN_CALLS_S = 2.0


async def phone_calls(doors: Doors, out: Path, stop: asyncio.Event) -> None:
    """Enroll the voice menu, make the calls, keep their transcripts; then wait for the stop
    like the hall's other people (the demo ends when one of them ends)."""
    (state,) = await enroll_devices(
        doors.address, doors.socket, 1, out / DEVICES / "voice_menu", kind="voice_menu",
        serials=SERIALS,
    )  # fmt: skip
    folder = out / PHONE
    folder.mkdir(parents=True, exist_ok=True)
    # The thread cannot be cancelled: it looks at ``halt`` between calls instead.
    halt = threading.Event()
    relay = asyncio.create_task(stop.wait())
    relay.add_done_callback(lambda _: halt.set())
    try:
        made = await asyncio.to_thread(asyncio.run, _calls(state, folder, halt))
        log.info("demo phone calls=%d folder=%s", made, folder)
        await stop.wait()
    finally:
        halt.set()
        relay.cancel()


async def _calls(state: Path, folder: Path, halt: threading.Event) -> int:
    """The calls, one after the other, against a voice menu of this thread's own loop."""
    # Asterisk plays a relative path from its own sounds folder: give it the whole path.
    prompts = await asyncio.to_thread(PROMPTS.absolute)
    async with member_channel(state) as channel:
        hub = HubClient(channel)
        agent = IvrAgent(hub, Prompts(prompts).clip, AgentOptions(host="127.0.0.1", port=0))
        address = ("127.0.0.1", await agent.start())
        try:
            plans = {
                "booking": await _booking(hub),
                "queue": asks_the_queue(),
            }
            made = 0
            for name, steps in plans.items():
                # A few of the hall's minutes apart: by the second call people are waiting.
                # (This loop is the thread's own: waiting here holds up nobody.)
                if halt.wait(BETWEEN_CALLS_S):
                    break
                heard = await call(address, steps, prompts=prompts)
                (folder / f"{name}.txt").write_text("\n".join(heard.lines) + "\n", "utf-8")
                made += 1
        finally:
            await agent.stop()
    return made


async def _booking(hub: HubClient) -> list[Step]:
    """A caller who books the first free time of the first bookable service, with the SMS."""
    offers = await hub.offers()
    days = await hub.free_days(offers[0].id) if offers else []
    if not days:
        return [press("3", when=said.MAIN_MENU[0]), hangs_up_at_the_menu()]
    slot = (await hub.free_slots(offers[0].id, days[0]))[0]
    return books(slot.at)
