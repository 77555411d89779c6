"""What every device program does first: become a member of the branch, then hold a session.

A device program (printer agent, hall board, kiosk...) calls :func:`membership` once at
start: a device already admitted goes straight on; a new one finds the hub, shows its
pairing code the way it can (screen, paper, log) and waits for the technician.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from okno.runtime.discovery import find_hub
from okno.runtime.enroll import Description, Membership, join
from okno.runtime.identity import DeviceKey

FIND_HUB_S = 15.0


async def membership(
    device: Description,
    state: Path,
    *,
    hub: str = "",
    interfaces: list[str],
    show_code: Callable[[str], None],
    show_authority: Callable[[str], None] | None = None,
) -> tuple[DeviceKey, Membership]:
    """The device's key and membership from ``state``, enrolling first if it has none.

    ``hub`` ("host:port" of the hub's enrollment port) skips zeroconf discovery;
    ``interfaces`` are where to look for the hub and announce the device;
    ``show_authority`` is as in :func:`okno.runtime.enroll.join`.
    """
    key = DeviceKey.load_or_create(state)
    known = Membership.load(state)
    if known is not None:
        return key, known
    if not hub:
        found = await find_hub(interfaces=interfaces, timeout_s=FIND_HUB_S)
        hub = f"{found.host}:{found.port}"
    joined = await join(
        hub,
        device,
        key,
        announce_on=interfaces,
        show_code=show_code,
        show_authority=show_authority,
    )
    joined.save(state)
    return key, joined
