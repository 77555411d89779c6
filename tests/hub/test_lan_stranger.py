"""A hub started as the README runs a real branch, and a stranger on the LAN with no
credentials, in a network namespace of their own: they can neither change the queue nor
read any personal data, over gRPC (every RPC, every way in) or the web pages.

Needs root for `ip netns` (CI and `make test` run as root on Debian, README).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.api.permissions import TABLE
from hub.bench.process import opened_at_nine
from okno.console import admin_socket_for
from okno.signin import set_pin_locally, signed_in_channel
from protos.okno.v1 import (
    appointments_pb2,
    appointments_pb2_grpc,
    common_pb2,
    queue_pb2,
    queue_pb2_grpc,
)
from tests.hub.conftest import ADMINISTRATOR, EXAMPLE, PIN
from tests.polling import eventually

# A real hub process on the wall clock: .ci/run repeats it at night and across midnight.
pytestmark = pytest.mark.clock

ROOT = Path(__file__).resolve().parents[2]
NAME = "Петров Пётр Петрович"
PHONE = "+79161234567"
# What the stranger is told at every door but the three a stranger needs.
STRANGERS_REFUSED = {"UNAUTHENTICATED", "UNAVAILABLE"}
# Written out here, not read from the permission table: the table is what is under test.
FOR_STRANGERS = {
    "/okno.v1.Enrollment/RequestEnrollment",
    "/okno.v1.Enrollment/GetDecision",
    "/okno.v1.Staff/SignIn",
}


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture
def lan() -> Iterator[tuple[str, str]]:
    """A namespace for the stranger, joined to this one by a veth pair: (hub's address, ns)."""
    if os.geteuid() != 0:
        pytest.fail("network namespaces need root: run the tests as root, as the README says")
    tag = f"{os.getpid() % 100_000}"
    namespace, ours, theirs = f"okno-lan-{tag}", f"okh{tag}", f"oks{tag}"
    subnet = f"10.{203 + os.getpid() % 40}.{os.getpid() % 250}"
    _ip("netns", "add", namespace)
    try:
        _ip("link", "add", ours, "type", "veth", "peer", "name", theirs)
        _ip("link", "set", theirs, "netns", namespace)
        _ip("addr", "add", f"{subnet}.1/24", "dev", ours)
        _ip("link", "set", ours, "up")
        _ip("-n", namespace, "addr", "add", f"{subnet}.2/24", "dev", theirs)
        _ip("-n", namespace, "link", "set", theirs, "up")
        _ip("-n", namespace, "link", "set", "lo", "up")
        yield f"{subnet}.1", namespace
    finally:
        subprocess.run(["ip", "link", "del", ours], capture_output=True, check=False)
        _ip("netns", "del", namespace)


async def _seed(address: str, socket: Path, ca_pem: bytes) -> tuple[str, list[str]]:
    """A visitor's named ticket and a booking with a phone, as staff at the hub make them."""
    await set_pin_locally(socket, ADMINISTRATOR, PIN)
    async with await signed_in_channel(address, ca_pem, ADMINISTRATOR, PIN) as channel:
        queue = queue_pb2_grpc.QueueServiceStub(channel)
        await queue.IssueTicket(
            queue_pb2.IssueTicketRequest(
                request_id="stranger-1", service_id="passport", visitor_name=NAME
            )
        )
        appointments = appointments_pb2_grpc.AppointmentsStub(channel)
        slots = await appointments.FindFreeSlots(
            appointments_pb2.FindFreeSlotsRequest(service_id="passport")
        )
        booked = await appointments.Book(
            appointments_pb2.BookRequest(
                request_id="stranger-2",
                service_id="passport",
                slot_start_unix_ms=slots.slots[0].start_unix_ms,
                channel=appointments_pb2.BOOKING_CHANNEL_CALL_CENTRE,
                phone=PHONE,
                name=NAME,
            )
        )
        state = await queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    return booked.booking.code, _hall(state)


def _hall(state: common_pb2.QueueState) -> list[str]:
    """The tickets and desks as the hall has them (the time of asking left out)."""
    return [str(t) for t in state.tickets] + [str(d) for d in state.desks]


async def _unchanged(address: str, ca_pem: bytes, code: str) -> tuple[list[str], int]:
    async with await signed_in_channel(address, ca_pem, ADMINISTRATOR, PIN) as channel:
        state = await queue_pb2_grpc.QueueServiceStub(channel).GetQueueState(
            queue_pb2.GetQueueStateRequest()
        )
        booking = await appointments_pb2_grpc.AppointmentsStub(channel).GetBooking(
            appointments_pb2.GetBookingRequest(code=code)
        )
    return _hall(state), booking.booking.state


async def test_a_stranger_on_the_lan_can_neither_change_the_queue_nor_read_personal_data(
    lan: tuple[str, str], tmp_path: Path
) -> None:
    host, namespace = lan
    db = tmp_path / "okno.db"
    hub = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "hub", "--config", str(EXAMPLE), "--db", str(db)),
        *("--listen", f"{host}:50051", "--device-listen", f"{host}:50052"),
        *("--web-listen", f"{host}:8443", *opened_at_nine(EXAMPLE)),
        stderr=subprocess.DEVNULL,
    )
    try:
        socket = admin_socket_for(db)
        ca = db.parent / f"{db.stem}-pki" / "ca.pem"

        async def serving() -> bool:
            return socket.exists() and ca.exists()

        await eventually(serving, timeout_s=30)
        address = f"{host}:50051"
        code, before = await _seed(address, socket, ca.read_bytes())
        stranger = await asyncio.to_thread(
            subprocess.run,
            [
                *("ip", "netns", "exec", namespace, sys.executable, "-m"),
                *("tests.hub.lan_stranger", host, "50051", "50052", "8443", code),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=90,
            check=False,
        )
        assert stranger.returncode == 0, stranger.stderr[-2000:]
        found = json.loads(stranger.stdout)
        wrong = [
            f"{method} by {way}: {answer}"
            for method, ways in found["grpc"].items()
            if method not in FOR_STRANGERS
            for way, answer in ways.items()
            if answer not in STRANGERS_REFUSED
        ]
        assert wrong == []
        # Every RPC was tried, each of the four ways.
        assert len(found["grpc"]) == len([m for m in TABLE if m.startswith("/okno.v1.")])
        for page, answer in found["web"].items():
            body = answer["body"]
            assert "Петров" not in body and "9161234567" not in body, page
            assert code not in body, page
            if page.startswith("POST /operator"):
                assert answer["status"] in {400, 401, 403}, page
        assert await _unchanged(address, ca.read_bytes(), code) == (
            before,
            appointments_pb2.BOOKING_STATE_BOOKED,
        )
    finally:
        hub.terminate()
        await asyncio.wait_for(hub.wait(), 15)
