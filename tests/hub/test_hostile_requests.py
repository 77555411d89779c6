"""What a hostile caller on the LAN sees when it sends the hub text or bytes meant to
break it: a refusal that says what was wrong, and a log it cannot write lines into."""

from __future__ import annotations

import logging
from pathlib import Path

import grpc
import pytest

from okno.runtime.identity import DeviceKey
from protos.okno.v1 import (
    appointments_pb2,
    devices_pb2,
    devices_pb2_grpc,
    payments_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
)
from tests.hub.conftest import Served
from tests.hub.devices import device, refused
from tests.hub.test_appointments_api import refusal, stub
from tests.hub.test_payments import begin_request

FORGED = "\n2026-12-07 05:00:00,000 INFO hub forged"
# For fields of 40 characters at most (a device's serial).
SHORT = "\n05:00:00 INFO hub forged"


def lines_of(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    """Every line the log would hold for the records that mention ``needle``."""
    return [
        line
        for record in caplog.records
        if needle in record.getMessage() or record.exc_info
        for line in caplog.handler.format(record).splitlines()
    ]


async def test_a_newline_in_a_request_field_cannot_forge_a_log_line(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hub")
    code, details, _ = await refusal(
        stub(served).FindFreeSlots(appointments_pb2.FindFreeSlotsRequest(service_id="x" + FORGED))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "no service" in details
    (line,) = lines_of(caplog, "forged")
    assert "refused rpc=FindFreeSlots" in line and '"x\\n2026-12-07 05:00:00,000' in line


async def test_a_newline_in_what_the_hub_takes_and_logs_stays_on_one_line(
    served: Served, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG, logger="hub")
    payment = begin_request()
    payment.terminal_id = "kiosk-1" + SHORT
    async with device(served, tmp_path, "payment_terminal", "T-1") as terminal:
        await refused(payments_pb2_grpc.PaymentsStub(terminal).Begin(payment))
    await devices_pb2_grpc.EnrollmentStub(served.channel).RequestEnrollment(
        devices_pb2.EnrollmentRequest(
            kind="ticket_printer",
            model="Model-1",
            serial="P-1" + SHORT,
            software_version="0.1.0",
            csr_pem=DeviceKey.load_or_create(tmp_path / "printer").csr("ticket_printer-P-1"),
        )
    )
    code, _, _ = await refusal(
        printing_pb2_grpc.PrintingStub(served.channel).PrintSlip(
            printing_pb2.PrintSlipRequest(
                printer_id="printer-1" + SHORT, request_id="r-1", title="t", lines=["l"]
            )
        )
    )
    assert code is grpc.StatusCode.FAILED_PRECONDITION
    # What a device's session tells of a command it ran (hub/api/session.py passes it on).
    await served.hub.fleet.acked("kiosk-1", 1, "done" + SHORT)
    other, requested, unready, printing, acked = lines_of(caplog, "forged")
    assert "refused rpc=Begin" in other and "kiosk-1\\n05:00:00 INFO hub forged" in other
    assert "enrollment requested device=ticket_printer-P-1\\n05:00:00 INFO hub forged" in requested
    assert "print refused printer=printer-1\\n05:00:00 INFO hub forged lines=1" in unready
    assert "refused rpc=PrintSlip" in printing and "printer-1\\n05:00:00 INFO hub" in printing
    assert "outcome=done\\n05:00:00 INFO hub forged" in acked


@pytest.mark.parametrize("after", [2**63 - 1, -1])
async def test_a_free_slot_search_after_an_impossible_time_is_refused(
    served: Served, after: int
) -> None:
    code, details, error = await refusal(
        stub(served).FindFreeSlots(
            appointments_pb2.FindFreeSlotsRequest(service_id="passport", after_unix_ms=after)
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert error == "time_out_of_range"
    assert f"after_unix_ms must be 0 (from now) to 4102444800000 (2100-01-01), not {after}" in (
        details
    )


@pytest.mark.parametrize(
    "method", ["/okno.v1.Appointments/GetBooking", "/okno.v1.HallFeed/Subscribe"]
)
async def test_bytes_that_are_not_a_message_get_invalid_argument_and_one_warning(
    served: Served, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    caplog.set_level(logging.INFO)

    async def send() -> object:
        if method.endswith("Subscribe"):
            streamed: grpc.aio.UnaryStreamMultiCallable[bytes, bytes]
            streamed = served.channel.unary_stream(method)
            return await streamed(b"\xff\xff").read()
        unary: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = served.channel.unary_unary(method)
        return await unary(b"\xff\xff")

    for _ in range(3):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await send()
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert f"not a valid {method} message" in (caught.value.details() or "")
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3
    assert all(len(caplog.handler.format(r).splitlines()) == 1 for r in warnings)
