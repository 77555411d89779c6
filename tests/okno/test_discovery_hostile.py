"""An advert that anyone on the LAN may send cannot write lines into a device's log."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from okno.runtime.discovery import find_hub
from okno.runtime.errors import HubNotFound
from tests.okno.test_discovery import LOOPBACK, REPO, RUN, _wait_ready

pytestmark = pytest.mark.xdist_group("mdns")

BRANCH = f"x{RUN}\n2026-12-07 05:00 INFO forged"
# What an attacker runs: zeroconf itself, a clean instance name (zeroconf refuses control
# characters there) and the newline in a TXT field, which nothing checks on the way.
FORGER = """
import asyncio, sys
from zeroconf import IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf
from okno.runtime.discovery import HUB_TYPE

async def main() -> None:
    zc = AsyncZeroconf(interfaces={interfaces!r}, ip_version=IPVersion.V4Only)
    info = AsyncServiceInfo(
        HUB_TYPE, "okno-hub-forger-{run}." + HUB_TYPE, port=50051, server="forger-{run}.local.",
        properties={{b"branch": {branch!r}.encode(), b"name": b"M", b"ver": b"0.1.0"}},
        parsed_addresses=["127.0.0.1"],
    )
    await (await zc.async_register_service(info))
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await zc.async_close()

asyncio.run(main())
"""


@pytest.fixture
def forged_hub() -> Iterator[None]:
    code = FORGER.format(interfaces=LOOPBACK, run=RUN, branch=BRANCH)
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_ready(process)
        yield
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=5)


@pytest.mark.usefixtures("forged_hub")
async def test_a_hub_advert_with_a_newline_in_its_branch_stays_on_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="okno.runtime.discovery")
    with pytest.raises(HubNotFound):
        await find_hub(interfaces=LOOPBACK, timeout_s=2.5, branch_id=f"absent-{RUN}")
    (record,) = [r for r in caplog.records if f"x{RUN}" in r.getMessage()]
    (line,) = caplog.handler.format(record).splitlines()
    assert f"hub skipped branch=x{RUN}\\n2026-12-07 05:00 INFO forged" in line
