"""A name another host already announces on the LAN: the hub or device still announces,
under a name of its own, and says so; it neither crashes nor answers for the other host."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from dataclasses import replace

import pytest

from okno.runtime.discovery import (
    DEVICE_TYPE,
    HUB_TYPE,
    Announcer,
    DeviceAdvert,
    HubAdvert,
    list_devices,
)
from tests.okno.test_discovery import LOOPBACK, RUN, _announce, _wait_ready

pytestmark = pytest.mark.xdist_group("mdns")

HUB = HubAdvert(f"clash-{RUN}", "МФЦ", "127.0.0.1", 50061, "0.1.0")
DEVICE = DeviceAdvert("kiosk", "K1", f"C-{RUN}", "0.1.0", None, "127.0.0.1", 50161)


def theirs(advert: HubAdvert | DeviceAdvert) -> HubAdvert | DeviceAdvert:
    """The other host's advert: the same name, told apart from ours by its port."""
    return replace(advert, port=advert.port + 1)


@pytest.fixture
def announced_first(request: pytest.FixtureRequest) -> Iterator[HubAdvert | DeviceAdvert]:
    """Another process announcing the name first, as another host on the LAN would."""
    advert: HubAdvert | DeviceAdvert = request.param
    process = _announce(theirs(advert))
    try:
        _wait_ready(process)
        yield advert
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("announced_first", "name"),
    [(HUB, f"okno-hub-clash-{RUN}.{HUB_TYPE}"), (DEVICE, f"kiosk-C-{RUN}.{DEVICE_TYPE}")],
    indirect=["announced_first"],
    # Fixed ids: RUN differs between xdist workers, which must collect the same tests.
    ids=["hub", "device"],
)
async def test_a_name_another_host_announces_is_not_taken_twice(
    announced_first: HubAdvert | DeviceAdvert, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="okno.runtime.discovery")
    async with Announcer(announced_first, interfaces=LOOPBACK) as ours:
        if isinstance(announced_first, DeviceAdvert):
            heard = await list_devices(interfaces=LOOPBACK, listen_s=2.0)
            assert announced_first in heard
            assert theirs(announced_first) in heard
        # Other programs on this machine may announce too: only the announcer's warning.
        (warning,) = [m for m in caplog.messages if m.startswith("service name taken")]
        assert ours.name != name
        assert ours.name.startswith(name.split(".", maxsplit=1)[0] + "-")
    assert warning.startswith(f"service name taken service={name} announced_as={ours.name}: ")
    assert "another host on the LAN announces it" in warning
    assert [r.levelno for r in caplog.records if r.getMessage() == warning] == [logging.WARNING]
