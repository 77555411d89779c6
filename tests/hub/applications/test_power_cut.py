"""Power cuts: a hub killed with SIGKILL while the information system sends changes loses
no change it acknowledged and applies none twice when the system resends."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import grpc
import pytest

from hub.bench.process import opened_at_nine, start_hub
from okno.console import admin_socket_for
from okno.runtime.hubtls import presented_authority
from protos.okno.v1 import applications_pb2, applications_pb2_grpc, queue_pb2, queue_pb2_grpc
from tests.hub.applications.helpers import SYSTEM
from tests.hub.conftest import EXAMPLE, PIN, administrator_of, staff_channel

S = applications_pb2
APPLICATIONS = 60
KILLS = 3
STEPS = (S.APPLICATION_STATUS_IN_WORK, S.APPLICATION_STATUS_READY, S.APPLICATION_STATUS_ISSUED)


async def recorded(channel: grpc.aio.Channel) -> list[str]:
    """One visitor served at desk 1 who files ``APPLICATIONS`` applications."""
    queue = queue_pb2_grpc.QueueServiceStub(channel)
    desk = queue_pb2.DeskRequest(desk_id="desk-01")
    await queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
    await queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    ticket = (await queue.CallNext(desk)).ticket
    await queue.StartService(desk)
    stub = applications_pb2_grpc.ApplicationsStub(channel)
    numbers = []
    for n in range(APPLICATIONS):
        asked = S.AcceptApplicationRequest(ticket_id=ticket.id, request_id=f"accept-{n}")
        numbers.append((await stub.Accept(asked)).number)
    await queue.FinishService(desk)
    return numbers


def changes(numbers: list[str]) -> list[S.SetApplicationStatusRequest]:
    """Every application through in work, ready, issued: in order within one application."""
    return [
        S.SetApplicationStatusRequest(
            number=number,
            status=status,
            change_id=f"{number}/{step}",
            changed_at_unix_ms=1_000 + step,
        )
        for step, status in enumerate(STEPS)
        for number in numbers
    ]


async def send_until_cut(
    stub: applications_pb2_grpc.ApplicationsAsyncStub,
    todo: list[S.SetApplicationStatusRequest],
    acknowledged: set[str],
) -> list[S.SetApplicationStatusRequest]:
    """Send in order; what was not answered when the hub died is returned, to resend."""
    for done, change in enumerate(todo):
        try:
            await stub.SetStatus(change)
        except grpc.aio.AioRpcError:
            return todo[done:]
        acknowledged.add(change.change_id)
    return []


@pytest.mark.slow
@pytest.mark.clock
async def test_acknowledged_status_changes_survive_sigkill_and_resends_apply_once(
    tmp_path: Path,
) -> None:
    opened, db = opened_at_nine(EXAMPLE), tmp_path / "hub.db"
    process, port = await start_hub(EXAMPLE, db, *opened)
    channel = await administrator_of(port, db)
    numbers = await recorded(channel)
    await channel.close()
    todo = changes(numbers)
    acknowledged: set[str] = set()
    cut_short = []
    for round_ in range(KILLS + 1):
        if round_:
            process, port = await start_hub(EXAMPLE, db, *opened)
        address = f"127.0.0.1:{port}"
        ca_pem = await asyncio.to_thread(presented_authority, address)
        system = await staff_channel(admin_socket_for(db), address, ca_pem, SYSTEM, PIN)
        stub = applications_pb2_grpc.ApplicationsStub(system)
        # Each round first resends the last change answered before the cut: a repeat.
        resent = [c for c in changes(numbers) if c.change_id in acknowledged][-1:]
        sender = asyncio.create_task(send_until_cut(stub, resent + todo, acknowledged))
        if round_ == KILLS:
            todo = await sender
            process.send_signal(signal.SIGTERM)
        else:
            await asyncio.sleep(0.4 + 0.2 * round_)
            process.kill()
            todo = await sender
            cut_short.append(bool(todo))
        await system.close()
        expected = 0 if round_ == KILLS else -signal.SIGKILL
        assert await asyncio.wait_for(process.wait(), 10) == expected

    assert any(cut_short), "no cut came while changes were being sent: nothing was tested"
    assert not todo, "the last round, without a cut, sends every change"
    with sqlite3.connect(db) as database:
        applied = Counter(
            c for (c,) in database.execute("SELECT change_id FROM application_changes")
        )
        events = database.execute(
            "SELECT count(*) FROM events WHERE kind = 'application_changed'"
        ).fetchone()[0]
        statuses = Counter(s for (s,) in database.execute("SELECT status FROM applications"))
    assert acknowledged == set(applied), "an acknowledged change is missing, or one appeared"
    assert max(applied.values()) == 1 and events == len(applied) == len(STEPS) * APPLICATIONS
    assert statuses == {"issued": APPLICATIONS}
