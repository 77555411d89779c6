"""A reload of a running ``okno hub`` applies what it can at once and says what needs a restart."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hub.bench.process import opened_at_nine, start_hub
from hub.notify.sim import SimulatedSmsGateway
from protos.okno.v1 import admin_pb2, admin_pb2_grpc, appointments_pb2, appointments_pb2_grpc
from tests.hub.conftest import EXAMPLE, administrator_of
from tests.polling import eventually

if TYPE_CHECKING:
    from protos.okno.v1.appointments_pb2_grpc import AppointmentsAsyncStub

pytestmark = pytest.mark.clock

SMS_OFF = '\nsms_url = ""\n'


@pytest.fixture
async def sms() -> AsyncIterator[SimulatedSmsGateway]:
    gateway = SimulatedSmsGateway()
    await gateway.start()
    yield gateway
    await gateway.stop()


async def test_sms_turned_on_by_sighup_sends_the_next_bookings_message(
    tmp_path: Path, sms: SimulatedSmsGateway
) -> None:
    config = tmp_path / "branch.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert SMS_OFF in text
    config.write_text(text, encoding="utf-8")
    process, port = await start_hub(config, tmp_path / "hub.db", *opened_at_nine(config))
    try:
        async with await administrator_of(port, tmp_path / "hub.db") as channel:
            admin = admin_pb2_grpc.AdminStub(channel)
            before = await admin.GetBranch(admin_pb2.GetBranchRequest())
            config.write_text(text.replace(SMS_OFF, f'\nsms_url = "{sms.url}"\n'), encoding="utf-8")
            process.send_signal(signal.SIGHUP)

            async def reloaded() -> bool:
                branch = await admin.GetBranch(admin_pb2.GetBranchRequest())
                return branch.config_digest != before.config_digest

            await eventually(reloaded)
            booking = await _book(appointments_pb2_grpc.AppointmentsStub(channel), "+79160000001")
            [message] = await sms.wait_for(1)
            assert message.to == "+79160000001"
            assert booking.code in message.text
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


async def test_the_reload_answer_says_what_applied_and_what_needs_a_restart(
    tmp_path: Path,
) -> None:
    config = tmp_path / "branch.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    process, port = await start_hub(config, tmp_path / "hub.db", *opened_at_nine(config))
    try:
        async with await administrator_of(port, tmp_path / "hub.db") as channel:
            admin = admin_pb2_grpc.AdminStub(channel)
            changed = text.replace('id = "khamovniki"', 'id = "arbat"', 1).replace(
                "max_recalls = 2", "max_recalls = 3", 1
            )
            assert changed.count("arbat") == 1 and "max_recalls = 3" in changed
            config.write_text(changed, encoding="utf-8")
            answer = await admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
            assert answer.changed
            assert list(answer.applied) == ["max_recalls"]
            assert list(answer.needs_restart) == ["id"]
            branch = await admin.GetBranch(admin_pb2.GetBranchRequest())
            assert branch.id == "khamovniki"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


async def _book(appointments: AppointmentsAsyncStub, phone: str) -> appointments_pb2.Booking:
    free = await appointments.FindFreeSlots(
        appointments_pb2.FindFreeSlotsRequest(service_id="passport", limit=1)
    )
    answer = await appointments.Book(
        appointments_pb2.BookRequest(
            request_id="reload-1",
            service_id="passport",
            slot_start_unix_ms=free.slots[0].start_unix_ms,
            channel=appointments_pb2.BOOKING_CHANNEL_ONLINE,
            phone=phone,
        )
    )
    return answer.booking
