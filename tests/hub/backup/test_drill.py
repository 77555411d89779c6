"""The restore drill, small: a hub with days of history serving enrolled devices is backed
up while kiosks issue; the branch goes on and syncs; the box is lost (SIGKILL, its folder
deleted); ``okno restore`` on a new box catches up from the back office, and the hall
carries on as if nothing happened. Real processes, real PostgreSQL, real gRPC."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest

from backoffice import restore_drill as drill
from backoffice import store
from backoffice.bench_restore import to_backoffice
from backoffice.pgcluster import free_port
from backoffice.restore_drill import Box
from hub.backup.keys import make_region_key
from hub.bench import hall_devices, year
from hub.bench.hall_devices import Acknowledged
from hub.bench.load import issue_while, stub
from hub.bench.process import morning_offset_ms
from hub.config import load_branch
from hub.domain.numbering import local_time
from hub.service import wall_clock_ms
from okno.console import admin_socket_for
from okno.provision import member_channel
from protos.okno.v1 import appointments_pb2, appointments_pb2_grpc, queue_pb2
from tests.backoffice.postgres import pg_cluster, pg_url
from tests.hub.conftest import EXAMPLE

__all__ = ["pg_cluster", "pg_url"]
pytestmark = [pytest.mark.timeout(180), pytest.mark.clock]
SYNC_S = 60.0
SERVICES = ["passport", "snils", "consultation"]


async def test_a_lost_box_comes_back_whole_and_the_hall_carries_on(  # noqa: PLR0915 - one drill, told in order
    tmp_path: Path, pg_url: str
) -> None:
    branch = load_branch(EXAMPLE).branch
    offset = morning_offset_ms(EXAMPLE)
    today = local_time(wall_clock_ms() + offset, branch.timezone).date()
    box = Box(tmp_path / "box", free_port())
    async with drill.back_office(pg_url) as office:
        box.set_up(EXAMPLE.read_text(), store.add_branch(office.engine, branch.id))
        template = year.template(branch, 300)
        days = year.history_days(today - timedelta(days=1), 3)
        history = year.write_hub(box.db, template, days)
        to_backoffice(office.engine, branch.id, box.secret.read_text().strip(), template, days)
        options = box.hub_options(office.address, f"--clock-offset-ms={offset}")
        recipient = make_region_key(tmp_path / "region.key")
        seen = Acknowledged()

        process, address = await drill.start(box, options)
        try:
            hall = await hall_devices.enroll(
                address, admin_socket_for(box.db), tmp_path / "devices", 3, ["desk-01", "desk-02"]
            )
            taking = asyncio.ensure_future(drill.take_backup(box, recipient, tmp_path / "backups"))
            seen.took(await issue_while(hall.kiosks, SERVICES, lambda: not taking.done(), 0.05))
            archive = await taking
            await hall_devices.tickets(hall, SERVICES, 40, seen)
            called = await hall_devices.serve(hall, 3)
            await hall_devices.book(hall, "passport", 2, seen)
            await hall_devices.pay(hall, 2, seen)
            await office.holds(branch.id, drill.last_seq(box.db), SYNC_S)
            acked_before = office.acked(branch.id)
        finally:
            await drill.kill(process)
        box.lose()
        assert not box.root.exists()
        assert called == 6

        printed = await drill.restore(box, archive, tmp_path / "region.key", office.address)
        found = re.search(r"from seq (\d+): (\d+) events caught up .* holds up to (\d+)", printed)
        assert found, printed
        backup_seq, caught_up, held = map(int, found.groups())
        assert history.last_seq < backup_seq < held == acked_before
        assert caught_up == held - backup_seq
        assert "without their code" not in printed

        after = Acknowledged()
        process, address = await drill.start(box, options)
        try:
            # Every kiosk, desk unit and the terminal go on with the certificates they had.
            await hall_devices.tickets(hall, SERVICES, 3, after)
            async with member_channel(hall.kiosks[0]) as channel:
                queue = stub(channel)
                for ticket_id in seen.tickets:
                    shown = await queue.GetTicket(queue_pb2.GetTicketRequest(ticket_id=ticket_id))
                    assert shown.id == ticket_id
                # A visitor who booked after the backup looks the booking up by its code.
                bookings = appointments_pb2_grpc.AppointmentsStub(channel)
                for code, slot in seen.bookings.items():
                    found_booking = await bookings.GetBooking(
                        appointments_pb2.GetBookingRequest(code=code)
                    )
                    assert found_booking.booking.slot_start_unix_ms == int(slot.split("/")[0])
            async with member_channel(hall.units["desk-01"]) as channel:
                next_up = await stub(channel).CallNext(
                    queue_pb2.DeskRequest(desk_id="desk-01", request_id="after-restore")
                )
            # The queue is back: the desk calls a visitor who took a ticket before the loss.
            assert next_up.ticket.id in seen.tickets
            await hall_devices.pay(hall, 1, after)
            await office.holds(branch.id, drill.last_seq(box.db), SYNC_S)
        finally:
            await drill.stop(process)
        assert office.acked(branch.id) > held
        assert office.refusals(branch.id) == 0

    assert not set(after.tickets) & set(seen.tickets), "a ticket number was given twice"
    assert not set(after.payments) & set(seen.payments), "a payment id was given twice"
    assert drill.absent(box.db, "tickets", "id", set(seen.tickets)) == 0
    booked = "slot_ms || '/' || booked_at_ms"
    assert drill.absent(box.db, "appointments", booked, set(seen.bookings.values())) == 0
    settled = drill.settled_payments(box.db)
    assert {i: settled.get(i) for i in seen.payments} == seen.payments
