"""``okno ivr serve``: the voice menu as a device program of the branch.

It joins the branch like a kiosk (kind ``voice_menu``: its pairing code in the log, a
technician approves it), synthesises every prompt it can say before the first call, then
serves Asterisk's FastAGI connections with the hub reached over mutual TLS.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

from ivr import inventory
from ivr.agent import AgentOptions, IvrAgent
from ivr.hub_client import HubClient
from ivr.prompts import Prompts
from okno.runtime.channels import hub_link
from okno.runtime.enroll import Description

log = logging.getLogger(__name__)

KIND = "voice_menu"


@dataclass(frozen=True, slots=True)
class IvrOptions:
    """How ``okno ivr serve`` was started."""

    state: Path = Path("var/ivr")
    # host:port of the hub's enrollment port; empty: found by zeroconf.
    hub: str = ""
    interfaces: tuple[str, ...] = ("0.0.0.0",)
    serial: str = field(default_factory=socket.gethostname)
    model: str = "okno-ivr"
    agent: AgentOptions = AgentOptions()

    @property
    def prompts(self) -> Path:
        """Where the prompt files are kept, for Asterisk to play (it must read them)."""
        return self.state / "prompts"


def prepare(prompts: Prompts) -> int:
    """Synthesise every prompt the menus can say that is not yet on disk; how many were made."""
    return prompts.prepare(inventory.phrases())


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
    made = await asyncio.to_thread(prepare, prompts)
    log.info("ivr prompts ready made=%d folder=%s", made, options.prompts)
    async with link.connect() as channel:
        agent = IvrAgent(HubClient(channel), prompts.clip, options.agent)
        await agent.start()
        try:
            await stop.wait()
        finally:
            await agent.stop()
