"""``okno ivr serve``: the voice menu as a device program of the branch.

It joins the branch like a kiosk (kind ``voice_menu``: its pairing code in the log, a
technician approves it), synthesises every prompt it can say before the first call, then
serves Asterisk's FastAGI connections with the hub reached over mutual TLS.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ivr import inventory, menus_texts
from ivr.agent import AgentOptions, IvrAgent
from ivr.hub_client import HubClient
from ivr.menus_port import HubPort
from ivr.prompts import Prompts
from okno.runtime.channels import hub_link
from okno.runtime.enroll import Description

log = logging.getLogger(__name__)

KIND = "voice_menu"
# Days ahead whose names are made before the first call (examples/branch.toml's booking
# horizon); a branch that books further has those made on first use.
DAYS_AHEAD = 7


@dataclass(frozen=True, slots=True)
class IvrOptions:
    """How ``okno ivr serve`` was started."""

    state: Path = Path("var/ivr")
    # host:port of the hub's enrollment port; empty: found by zeroconf.
    hub: str = ""
    interfaces: tuple[str, ...] = ("0.0.0.0",)
    serial: str = field(default_factory=socket.gethostname)
    model: str = "okno-ivr"
    agent: AgentOptions = field(default_factory=AgentOptions)
    # Where the prompt files are kept; None: STATE/prompts.
    prompts_dir: Path | None = None

    @property
    def prompts(self) -> Path:
        """Where the prompt files are kept, for Asterisk to play (it must read them).

        Absolute: Asterisk plays a relative path from its own sounds folder."""
        return (self.prompts_dir or self.state / "prompts").absolute()


def prepare(prompts: Prompts, today: date, names: Iterable[str] = ()) -> int:
    """Synthesise every prompt the menus can say from ``today`` on (and the branch's
    ``names`` of services and groups) that is not yet on disk; how many were made."""
    return prompts.prepare(inventory.phrases([*menus_texts.FIXED, *names], today, DAYS_AHEAD))


async def branch_names(hub: HubPort) -> list[str]:
    """The names the menus read out: bookable services and service groups."""
    return [o.name for o in await hub.offers()] + [g.name for g in await hub.queue_now()]


def _show_code(code: str) -> None:
    if code:
        log.warning("ivr pairing code=%s approve with: okno provision approve", code)


async def serve(options: IvrOptions, stop: asyncio.Event) -> None:
    """Enroll if needed, prepare the prompts, serve calls until ``stop`` is set."""
    link = await hub_link(
        Description(KIND, options.model, options.serial),
        options.state,
        hub=options.hub,
        interfaces=list(options.interfaces),
        show_code=_show_code,
    )
    prompts = Prompts(options.prompts)
    async with link.connect() as channel:
        hub = HubClient(channel)
        names = await branch_names(hub)
        made = await asyncio.to_thread(prepare, prompts, await hub.today(), names)
        log.info("ivr prompts ready made=%d folder=%s", made, options.prompts)
        agent = IvrAgent(hub, prompts.clip, options.agent)
        await agent.start()
        try:
            await stop.wait()
        finally:
            await agent.stop()
