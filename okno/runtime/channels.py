"""Channels from a device program to its hub, with the options of ``CHANNEL_OPTIONS``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

from okno.runtime.enroll import Description
from okno.runtime.hubtls import Connect
from okno.runtime.program import membership
from okno.runtime.session import CHANNEL_OPTIONS

log = logging.getLogger(__name__)


def mutual_tls(address: str, credentials: grpc.ChannelCredentials) -> Connect:
    """Channels to the hub's device port, as an admitted device."""
    return lambda: grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS)


@dataclass(frozen=True)
class HubLink:
    """How a device program reaches its hub: the device port, as the device it enrolled as."""

    connect: Connect
    address: str
    credentials: grpc.ChannelCredentials


async def hub_link(
    device: Description,
    state: Path,
    *,
    hub: str,
    interfaces: list[str],
    show_code: Callable[[str], None],
    show_authority: Callable[[str], None] | None = None,
) -> HubLink:
    """Membership over mutual TLS, enrolling first when the device has none.

    ``show_code`` shows the pairing code while the device waits for the technician, and
    "" once it is admitted; ``show_authority`` the hub CA's fingerprint, for the
    technician to compare beside the code.
    """
    key, member = await membership(
        device,
        state,
        hub=hub,
        interfaces=interfaces,
        show_code=show_code,
        show_authority=show_authority,
    )
    show_code("")
    credentials = member.credentials(key)
    return HubLink(
        mutual_tls(member.session_address, credentials), member.session_address, credentials
    )
