"""A generic simulated device: it joins the branch and holds its session, nothing more.

Tests and ``okno demo`` use it to stand in for hardware that is not built yet, through
the same discovery, enrollment and mutual-TLS session as a real device program.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.program import membership
from okno.runtime.session import HubSession

log = logging.getLogger(__name__)


async def run_device(
    device: Description,
    state: Path,
    stop: asyncio.Event,
    *,
    hub: str = "",
    interfaces: list[str],
    say: Callable[[str], None],
) -> None:
    """Join (unless already a member) and hold the session until ``stop``.

    ``say`` shows a person what the device would show: its pairing code with the
    fingerprint of the CA the hub presented (which the technician compares with the one
    ``okno provision list`` shows), then that its session is open.
    """
    presented: list[str] = []
    key, member = await membership(
        device,
        state,
        hub=hub,
        interfaces=interfaces,
        show_code=lambda code: say(f"pairing code: {code}, hub CA {presented[-1]}"),
        show_authority=presented.append,
    )
    session = HubSession(
        member.session_address,
        member.credentials(key),
        on_config=lambda config: say(f"settings: {_settings_text(config)}") if config else None,
    )
    running = asyncio.create_task(session.run(stop))
    opened = asyncio.create_task(session.connected.wait())
    await asyncio.wait({running, opened}, return_when=asyncio.FIRST_COMPLETED)
    if opened.done() and session.welcome is not None:
        say(f"session open: {session.welcome.device_id}")
    opened.cancel()
    await running
    if session.refused:
        raise EnrollmentRefused(session.refused)


def _settings_text(config: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(config.items()))
