"""Discovery: TXT codec from tables, and real zeroconf between processes on loopback only."""

from __future__ import annotations

import select
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from okno.runtime.discovery import (
    DeviceAdvert,
    HubAdvert,
    decode_device_txt,
    decode_hub_txt,
    encode_device_txt,
    encode_hub_txt,
    find_hub,
    list_devices,
)
from okno.runtime.errors import HubNotFound, InvalidAdvert

# Every okno advert on this machine reaches every browser on it: under xdist, one worker.
pytestmark = pytest.mark.xdist_group("mdns")

LOOPBACK = ["127.0.0.1"]
REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 8.0
# Unique per run: other engineers' tests may announce okno services on loopback at the same time.
RUN = uuid.uuid4().hex[:8]

HUB = HubAdvert(
    branch_id=f"mfc-{RUN}", name="МФЦ Тверская", host="127.0.0.1", port=50051, version="0.1.0"
)
DEVICE = DeviceAdvert(
    kind="printer",
    model="VKP80III",
    serial=f"SN-{RUN}",
    version="0.1.0",
    pairing_code="4821-07",
    host="127.0.0.1",
    port=50100,
)

# The child announces until its stdin closes, so it also ends if this test process dies.
ANNOUNCE = """
import asyncio, sys
from okno.runtime.discovery import Announcer, DeviceAdvert, HubAdvert

async def main() -> None:
    async with Announcer({advert!r}, interfaces={interfaces!r}):
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.read)

asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        (
            {b"branch": b"mfc-7", b"name": "МФЦ Тверская".encode(), b"ver": b"1.2.0"},
            HubAdvert("mfc-7", "МФЦ Тверская", "10.0.0.2", 443, "1.2.0"),
        ),
        (
            {b"branch": b"b", b"name": b"n", b"ver": b"v", b"future": b"ignored"},
            HubAdvert("b", "n", "10.0.0.2", 443, "v"),
        ),
    ],
)
def test_hub_txt_decodes(properties: dict[bytes, bytes | None], expected: HubAdvert) -> None:
    assert decode_hub_txt(properties, host="10.0.0.2", port=443) == expected
    assert decode_hub_txt(encode_hub_txt(expected), host="10.0.0.2", port=443) == expected


@pytest.mark.parametrize(
    ("properties", "pairing_code"),
    [
        (
            {b"kind": b"kiosk", b"model": b"K1", b"serial": b"S1", b"ver": b"1", b"code": b"12"},
            "12",
        ),
        ({b"kind": b"kiosk", b"model": b"K1", b"serial": b"S1", b"ver": b"1"}, None),
        ({b"kind": b"kiosk", b"model": b"K1", b"serial": b"S1", b"ver": b"1", b"code": None}, None),
    ],
)
def test_device_txt_decodes(
    properties: dict[bytes, bytes | None], pairing_code: str | None
) -> None:
    expected = DeviceAdvert("kiosk", "K1", "S1", "1", pairing_code, "10.0.0.9", 7000)
    assert decode_device_txt(properties, host="10.0.0.9", port=7000) == expected
    assert decode_device_txt(encode_device_txt(expected), host="10.0.0.9", port=7000) == expected


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({b"name": b"n", b"ver": b"v"}, "lacks field 'branch'"),
        ({b"branch": b"", b"name": b"n", b"ver": b"v"}, "lacks field 'branch'"),
        ({b"branch": b"b", b"name": None, b"ver": b"v"}, "lacks field 'name'"),
        ({b"branch": b"b" * 49, b"name": b"n", b"ver": b"v"}, "'branch' is 49 bytes"),
        ({b"branch": b"b", b"name": b"n" * 129, b"ver": b"v"}, "'name' is 129 bytes"),
        ({b"branch": b"b", b"name": b"\xff", b"ver": b"v"}, "'name' is not UTF-8"),
    ],
)
def test_hub_txt_rejects(properties: dict[bytes, bytes | None], message: str) -> None:
    with pytest.raises(InvalidAdvert, match=message):
        decode_hub_txt(properties, host="10.0.0.2", port=443)


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({b"kind": b"k", b"model": b"m", b"ver": b"v"}, "lacks field 'serial'"),
        ({b"kind": b"k" * 17, b"model": b"m", b"serial": b"s", b"ver": b"v"}, "'kind' is 17"),
        (
            {b"kind": b"k", b"model": b"m", b"serial": b"s", b"ver": b"v", b"code": b"1" * 17},
            "'code' is 17 bytes",
        ),
    ],
)
def test_device_txt_rejects(properties: dict[bytes, bytes | None], message: str) -> None:
    with pytest.raises(InvalidAdvert, match=message):
        decode_device_txt(properties, host="10.0.0.9", port=7000)


@pytest.mark.parametrize(
    "encode",
    [
        partial(encode_hub_txt, HubAdvert("", "n", "10.0.0.2", 443, "v")),
        partial(encode_hub_txt, HubAdvert("b", "Я" * 65, "10.0.0.2", 443, "v")),
        partial(encode_device_txt, DeviceAdvert("k", "m", "s" * 41, "v", None, "10.0.0.9", 7000)),
    ],
)
def test_encode_refuses_what_decode_would_reject(encode: Callable[[], object]) -> None:
    with pytest.raises(InvalidAdvert):
        encode()


def _announce(advert: HubAdvert | DeviceAdvert) -> subprocess.Popen[str]:
    """A separate process announcing ``advert``, so answers come over the wire, not a cache."""
    code = ANNOUNCE.format(advert=advert, interfaces=LOOPBACK)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _wait_ready(process: subprocess.Popen[str]) -> None:
    """Block until the child says it has announced, or fail instead of hanging."""
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
    line = process.stdout.readline() if readable else ""
    assert line == "ready\n", f"announcer exited={process.poll()} said={line!r}"


@pytest.fixture(scope="module")
def announced() -> Iterator[None]:
    """A hub and a device announced by two child processes, started in parallel."""
    started = time.monotonic()
    processes: list[subprocess.Popen[str]] = []
    try:
        processes = [_announce(HUB), _announce(DEVICE)]
        for process in processes:
            _wait_ready(process)
        print(f"announcers ready in {time.monotonic() - started:.2f} s")
        yield
    finally:
        for process in processes:
            if process.stdin is not None:
                process.stdin.close()
        for process in processes:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_find_hub_times_out_when_no_hub_of_the_branch_answers() -> None:
    started = time.monotonic()
    with pytest.raises(HubNotFound, match="multicast") as caught:
        await find_hub(interfaces=LOOPBACK, timeout_s=0.5, branch_id=f"absent-{RUN}")
    assert isinstance(caught.value, TimeoutError)
    assert time.monotonic() - started < 1.0


@pytest.mark.usefixtures("announced")
async def test_find_hub_across_processes() -> None:
    started = time.monotonic()
    hub = await find_hub(interfaces=LOOPBACK, timeout_s=3.0, branch_id=HUB.branch_id)
    print(f"hub found in {time.monotonic() - started:.2f} s")
    assert hub == HUB


@pytest.mark.usefixtures("announced")
async def test_list_devices_across_processes() -> None:
    # A responder multicasts a record at most once a second (RFC 6762 section 6), so a device
    # that has just announced answers only the browser's second query, about 1.1 s in.
    devices = await list_devices(interfaces=LOOPBACK, listen_s=2.0)
    assert DEVICE in devices
