"""Scope inside the calls, over real gRPC with real credentials: each credential does only
its own job (a desk unit its desk, a kiosk its printer and the visitor's own booking, names
only to the operator serving the visitor and to administrators)."""

from __future__ import annotations

from pathlib import Path

import grpc

from protos.okno.v1 import (
    appointments_pb2,
    appointments_pb2_grpc,
    devices_pb2,
    devices_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    ratings_pb2,
    ratings_pb2_grpc,
)
from tests.hub.conftest import Served
from tests.hub.devices import device, refused

NAME = "Петров Пётр Петрович"
PHONE = "+79161234567"
# SteppedClock starts on Monday 2026-11-23 at 10:00 in Moscow; slots are 20 minutes.
AT_10_20 = 1_795_418_400_000


def queue(channel: grpc.aio.Channel) -> queue_pb2_grpc.QueueServiceAsyncStub:
    return queue_pb2_grpc.QueueServiceStub(channel)


NOT_YOURS = grpc.StatusCode.PERMISSION_DENIED


async def test_a_desk_unit_works_only_its_own_desk(served: Served, tmp_path: Path) -> None:
    async with device(served, tmp_path, "staff_desk", "U-1", desk="desk-01") as unit:
        stub = queue(unit)
        other = queue_pb2.OpenDeskRequest(desk_id="desk-02", operator_id="petrov-s")
        assert await refused(stub.OpenDesk(other)) == (NOT_YOURS, "not_your_desk")
        await served.queue.OpenDesk(
            queue_pb2.OpenDeskRequest(desk_id="desk-02", operator_id="petrov-s")
        )
        await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        for command in (stub.CallNext, stub.PauseDesk, stub.CloseDesk):
            desk2 = queue_pb2.DeskRequest(desk_id="desk-02")
            assert await refused(command(desk2)) == (NOT_YOURS, "not_your_desk")
        transfer = queue_pb2.TransferRequest(desk_id="desk-02", to_service_id="snils")
        assert await refused(stub.Transfer(transfer)) == (NOT_YOURS, "not_your_desk")
        mine = queue_pb2.OpenDeskRequest(desk_id="desk-01", operator_id="ivanova-a")
        opened = await stub.OpenDesk(mine)
        assert opened.desk.operator_id == "ivanova-a"
        called = await stub.CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
        assert called.ticket.desk_id == "desk-01"
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert {d.id: d.current_ticket_id for d in state.desks}["desk-02"] == ""


async def test_a_desk_unit_named_by_number_or_by_zone(served: Served, tmp_path: Path) -> None:
    async with device(served, tmp_path, "staff_desk", "U-1", desk="3") as unit:
        opened = await queue(unit).OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-03"))
        assert opened.desk.id == "desk-03"
    async with device(served, tmp_path, "staff_desk", "U-2") as unit:
        provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
        request = queue_pb2.OpenDeskRequest(desk_id="desk-04")
        assert await refused(queue(unit).OpenDesk(request)) == (NOT_YOURS, "not_your_desk")
        await provisioning.DescribeDevice(
            devices_pb2.DescribeDeviceRequest(device_id="staff_desk-U-2", zone="desk-04")
        )
        assert (await queue(unit).OpenDesk(request)).desk.id == "desk-04"


async def test_a_kiosk_prints_only_on_its_own_printer(served: Served, tmp_path: Path) -> None:
    async with (
        device(served, tmp_path, "kiosk", "K-1", printer="ticket_printer-P-1") as kiosk,
        device(served, tmp_path, "ticket_printer", "P-2"),
    ):
        # A job of another kiosk's printer (what staff's reprint would make there).
        others = await served.hub.fleet.send("ticket_printer-P-2", "print", "{}", key="other")
        stub = queue(kiosk)
        there = queue_pb2.IssueTicketRequest(service_id="passport", printer_id="ticket_printer-P-2")
        assert await refused(stub.IssueTicket(there)) == (NOT_YOURS, "not_your_printer")
        printing = printing_pb2_grpc.PrintingStub(kiosk)
        job = printing_pb2.GetPrintJobRequest(job_id=others)
        assert await refused(printing.GetPrintJob(job)) == (NOT_YOURS, "not_your_printer")
        here = queue_pb2.IssueTicketRequest(service_id="passport", printer_id="ticket_printer-P-1")
        issued = await stub.IssueTicket(here)
    assert issued.ticket.number
    assert issued.print_job.printer_id == "ticket_printer-P-1"
    tickets = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert len(tickets.tickets) == 1


async def test_a_visitors_name_reaches_only_the_operator_serving_them(
    served: Served, tmp_path: Path
) -> None:
    ivanova = await served.staff_channel("ivanova-a")
    petrov = await served.staff_channel("petrov-s")
    async with (
        device(served, tmp_path, "kiosk", "K-1") as kiosk,
        device(served, tmp_path, "staff_desk", "U-1", desk="desk-01") as unit,
        device(served, tmp_path, "hall_display", "D-1") as board,
    ):
        issued = await queue(kiosk).IssueTicket(
            queue_pb2.IssueTicketRequest(service_id="passport", visitor_name=NAME)
        )
        await queue(ivanova).OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"))
        await queue(petrov).OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-02"))
        called = await queue(ivanova).CallNext(queue_pb2.DeskRequest(desk_id="desk-01"))
        ticket = queue_pb2.GetTicketRequest(ticket_id=issued.ticket.id)
        state = queue_pb2.GetQueueStateRequest()
        serving = [
            called.ticket.visitor_name,
            (await queue(ivanova).GetTicket(ticket)).visitor_name,
            (await queue(ivanova).GetQueueState(state)).tickets[0].visitor_name,
            (await served.queue.GetTicket(ticket)).visitor_name,
        ]
        others = [
            issued.ticket.visitor_name,
            (await queue(petrov).GetTicket(ticket)).visitor_name,
            (await queue(petrov).GetQueueState(state)).tickets[0].visitor_name,
            (await queue(kiosk).GetTicket(ticket)).visitor_name,
            (await queue(board).GetQueueState(state)).tickets[0].visitor_name,
            (await queue(unit).GetQueueState(state)).tickets[0].visitor_name,
            (
                await queue(unit).StartService(queue_pb2.DeskRequest(desk_id="desk-01"))
            ).ticket.visitor_name,
        ]
        moved = await queue(ivanova).Transfer(
            queue_pb2.TransferRequest(desk_id="desk-01", to_desk_id="desk-02")
        )
    await ivanova.close()
    await petrov.close()
    assert serving == [NAME] * 4
    assert others == [""] * 7
    # Sent on to another desk: no longer the visitor of the one who sent them.
    assert moved.ticket.id == issued.ticket.id
    assert moved.ticket.visitor_name == ""


async def book(kiosk: grpc.aio.Channel) -> str:
    stub = appointments_pb2_grpc.AppointmentsStub(kiosk)
    booked = await stub.Book(
        appointments_pb2.BookRequest(
            service_id="passport",
            slot_start_unix_ms=AT_10_20,
            channel=appointments_pb2.BOOKING_CHANNEL_KIOSK,
            phone="8 (916) 123-45-67",
        )
    )
    return booked.booking.code


async def test_a_kiosk_changes_a_booking_only_with_its_code_and_phone(
    served: Served, tmp_path: Path
) -> None:
    unknown = (grpc.StatusCode.NOT_FOUND, "unknown_code")
    async with device(served, tmp_path, "kiosk", "K-1") as kiosk:
        code = await book(kiosk)
        stub = appointments_pb2_grpc.AppointmentsStub(kiosk)
        later = AT_10_20 + 20 * 60_000
        for phone in ("", "+79160000000"):
            move = appointments_pb2.MoveRequest(code=code, slot_start_unix_ms=later, phone=phone)
            cancel = appointments_pb2.CancelBookingRequest(code=code, phone=phone)
            assert await refused(stub.Move(move)) == unknown
            assert await refused(stub.Cancel(cancel)) == unknown
        # A phone given must match even where the code alone would do.
        wrong = "+79160000000"
        get = appointments_pb2.GetBookingRequest(code=code, phone=wrong)
        assert await refused(stub.GetBooking(get)) == unknown
        wrong_check_in = appointments_pb2.CheckInRequest(code=code, phone=wrong)
        assert await refused(stub.CheckIn(wrong_check_in)) == unknown
        shown = await stub.GetBooking(appointments_pb2.GetBookingRequest(code=code, phone=PHONE))
        assert shown.booking.code == code
        # The visitor at the kiosk with the code alone sees the slot and a hint, no contact.
        alone = await stub.GetBooking(appointments_pb2.GetBookingRequest(code=code))
        assert alone.booking.phone_hint != PHONE
        served.clock.advance(5)
        checked = await stub.CheckIn(appointments_pb2.CheckInRequest(code=code))
        assert checked.ticket.priority == "appointment"
        assert checked.ticket.visitor_name == ""
    # Staff reach any booking by its code alone.
    staff = appointments_pb2_grpc.AppointmentsStub(served.channel)
    assert (await staff.GetBooking(appointments_pb2.GetBookingRequest(code=code))).booking.code


async def test_the_appointment_priority_comes_only_from_a_check_in(
    served: Served, tmp_path: Path
) -> None:
    asked = queue_pb2.IssueTicketRequest(service_id="passport", priority="appointment")
    needs = (grpc.StatusCode.FAILED_PRECONDITION, "priority_needs_check_in")
    async with device(served, tmp_path, "kiosk", "K-1") as kiosk:
        assert await refused(queue(kiosk).IssueTicket(asked)) == needs
        disabled = queue_pb2.IssueTicketRequest(service_id="passport", priority="disabled")
        assert (await queue(kiosk).IssueTicket(disabled)).ticket.priority == "disabled"
    assert await refused(served.queue.IssueTicket(asked)) == needs


async def test_a_desk_units_rating_box_rates_only_its_own_desk(
    served: Served, tmp_path: Path
) -> None:
    await served.queue.OpenDesk(
        queue_pb2.OpenDeskRequest(desk_id="desk-02", operator_id="petrov-s")
    )
    await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    at_desk2 = queue_pb2.DeskRequest(desk_id="desk-02")
    for command in (served.queue.CallNext, served.queue.StartService, served.queue.FinishService):
        await command(at_desk2)
    async with device(served, tmp_path, "staff_desk", "U-1", desk="desk-01") as unit:
        ratings = ratings_pb2_grpc.RatingsStub(unit)
        other = ratings_pb2.RateServiceRequest(desk_id="desk-02", score=1)
        assert await refused(ratings.RateService(other)) == (NOT_YOURS, "not_your_desk")
    async with device(served, tmp_path, "staff_desk", "U-2", desk="desk-02") as unit:
        ratings = ratings_pb2_grpc.RatingsStub(unit)
        rated = await ratings.RateService(
            ratings_pb2.RateServiceRequest(desk_id="desk-02", score=5)
        )
    assert (rated.rating.operator_id, rated.rating.score) == ("petrov-s", 5)
