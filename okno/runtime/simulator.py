"""A generic simulated device: it joins the branch and holds its session, nothing more.

Tests and ``okno demo`` use it to stand in for hardware that is not built yet, through
the same discovery, enrollment and mutual-TLS session as a real device program.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from okno.runtime.discovery import find_hub
from okno.runtime.enroll import Description, EnrollmentRefused, Membership, join
from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession

log = logging.getLogger(__name__)
FIND_HUB_S = 15.0


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

    ``say`` shows a person what the device would show: its pairing code, then that its
    session is open.
    """
    key = DeviceKey.load_or_create(state)
    membership = Membership.load(state)
    if membership is None:
        if not hub:
            found = await find_hub(interfaces=interfaces, timeout_s=FIND_HUB_S)
            hub = f"{found.host}:{found.port}"
        membership = await join(
            hub, device, key, announce_on=interfaces, show_code=lambda c: say(f"pairing code: {c}")
        )
        membership.save(state)
    session = HubSession(
        membership.session_address,
        key.client_credentials(membership.ca_pem, membership.certificate_pem),
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
