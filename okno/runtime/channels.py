"""Channels from a device program to its hub, with the options of ``CHANNEL_OPTIONS``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

from okno.runtime.enroll import Description
from okno.runtime.program import membership
from okno.runtime.session import CHANNEL_OPTIONS

log = logging.getLogger(__name__)
Connect = Callable[[], grpc.aio.Channel]


def plaintext(address: str) -> Connect:
    """Channels to the hub's plaintext port (development, the demo, benchmarks)."""
    return lambda: grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)


def mutual_tls(address: str, credentials: grpc.ChannelCredentials) -> Connect:
    """Channels to the hub's device port, as an admitted device."""
    return lambda: grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS)


@dataclass(frozen=True)
class HubLink:
    """How a device program reaches its hub; no credentials: the plaintext port, no session."""

    connect: Connect
    address: str
    credentials: grpc.ChannelCredentials | None


async def hub_link(
    device: Description,
    state: Path,
    *,
    hub: str,
    interfaces: list[str],
    insecure: str,
    show_code: Callable[[str], None],
) -> HubLink:
    """The plaintext port ``insecure`` (development), or membership over mutual TLS.

    ``show_code`` shows the pairing code while the device waits for the technician, and
    "" once it is admitted.
    """
    if insecure:
        log.info("using the hub's plaintext port %s (no enrollment)", insecure)
        return HubLink(plaintext(insecure), insecure, None)
    key, member = await membership(
        device, state, hub=hub, interfaces=interfaces, show_code=show_code
    )
    show_code("")
    credentials = member.credentials(key)
    return HubLink(
        mutual_tls(member.session_address, credentials), member.session_address, credentials
    )
