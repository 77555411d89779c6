"""The menus' hub client against a real hub over real gRPC: answers lost on the way, the
hub's refusals, a hub that is not there."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from ivr.errors import HubUnreachable, Refused
from ivr.hub_client import HubClient
from okno.runtime.identity import DeviceKey
from tests.hub.conftest import Served
from tests.hub.devices import VOICE_MENU, enrolled

CALLER = "+79161234567"


class LoseFirstAnswer(grpc.aio.UnaryUnaryClientInterceptor):
    """The network loses the hub's first answer to one method: the hub did it, the menu
    hears nothing back."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.lost = 0

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], details: Any, request: Any
    ) -> Any:
        call = await continuation(details, request)
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        if method.endswith(self.method) and not self.lost:
            await call
            self.lost += 1
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.UNAVAILABLE,
                grpc.aio.Metadata(),
                grpc.aio.Metadata(),
                details="the answer was lost on the way",
            )
        return call


async def test_a_booking_whose_answer_was_lost_is_made_once(served: Served, tmp_path: Path) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path), VOICE_MENU, "V-9")
    losing = LoseFirstAnswer("/Book")
    async with grpc.aio.secure_channel(
        served.device_address, credentials, interceptors=[losing]
    ) as channel:
        hub = HubClient(channel)
        slot = (await hub.free_slots("passport", await hub.today()))[0]
        booked = await hub.book("call-1-booking", slot, phone=CALLER, send_code=False)
    assert losing.lost == 1
    with sqlite3.connect(served.db) as db:
        held = db.execute("SELECT code, slot_ms FROM appointments").fetchall()
    assert held == [(booked.code, slot.start_ms)]


async def test_the_hubs_refusal_comes_with_its_reason(served: Served, tmp_path: Path) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path), VOICE_MENU, "V-9")
    async with grpc.aio.secure_channel(served.device_address, credentials) as channel:
        with pytest.raises(Refused) as refused:
            await HubClient(channel).find_booking("222222", CALLER)
    assert refused.value.reason == "unknown_code"


async def test_a_hub_that_is_not_there_is_unreachable_within_the_deadline() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        with pytest.raises(HubUnreachable):
            await HubClient(channel, deadline_s=0.3).today()
