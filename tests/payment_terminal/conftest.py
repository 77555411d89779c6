"""The payment terminal as the hub knows it: an admitted device of kind payment_terminal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from okno.runtime.channels import mutual_tls
from okno.runtime.identity import DeviceKey
from tests.hub.conftest import Served
from tests.hub.devices import enrolled

# The device id the hub gives the terminal enrolled below: the one its payments are bound to.
TERMINAL = "payment_terminal-T-1"


@pytest.fixture
async def terminal(served: Served, tmp_path: Path) -> AsyncIterator[grpc.aio.Channel]:
    """The terminal's channel: admitted as a technician would, over the device port."""
    key = DeviceKey.load_or_create(tmp_path / "terminal")
    credentials = await enrolled(served, key, kind="payment_terminal", serial="T-1")
    async with mutual_tls(served.device_address, credentials)() as channel:
        yield channel
