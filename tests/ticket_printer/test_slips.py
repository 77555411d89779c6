"""Slips of text (payment receipts, booking details) from the hub to the virtual printer."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from protos.okno.v1 import common_pb2, printing_pb2, printing_pb2_grpc
from tests.hub.conftest import Served
from tests.polling import eventually
from tests.ticket_printer.test_agent import PRINTER, admitted_printer
from ticket_printer import codec
from ticket_printer.layout import TextSlip, render_slip
from ticket_printer.profile import PAPER_58

RECEIPT = (
    "Госпошлина за выдачу выписки",
    "Сумма: 500.00 RUB",
    "Терминал 52001233, чек 1",
    "",
    "ОПЛАТА",
)


def slip_request(request_id: str, printer_id: str = PRINTER) -> printing_pb2.PrintSlipRequest:
    return printing_pb2.PrintSlipRequest(
        printer_id=printer_id, request_id=request_id, title="Чек об оплате", lines=RECEIPT
    )


async def test_a_slip_prints_once_and_is_confirmed(served: Served, tmp_path: Path) -> None:
    printing = printing_pb2_grpc.PrintingStub(served.channel)
    async with admitted_printer(served, tmp_path) as hall:
        job = await printing.PrintSlip(slip_request("kiosk-01:receipt:1"))
        again = await printing.PrintSlip(slip_request("kiosk-01:receipt:1"))
        assert again.job_id == job.job_id

        async def printed() -> bool:
            found = await printing.GetPrintJob(printing_pb2.GetPrintJobRequest(job_id=job.job_id))
            return found.state == common_pb2.PRINT_JOB_STATE_PRINTED

        await eventually(printed, timeout_s=10)
        papers = [t.text for t in hall.sim.tickets if "Чек об оплате" in t.text]
    assert len(papers) == 1
    for line in RECEIPT:
        assert line in papers[0]
    assert "КОПИЯ" not in papers[0]


@pytest.mark.parametrize(
    ("asked", "code", "words"),
    [
        (slip_request("r1", "no-such-printer"), grpc.StatusCode.FAILED_PRECONDITION, "no printer"),
        (
            printing_pb2.PrintSlipRequest(printer_id=PRINTER, request_id="r2", lines=["x"]),
            grpc.StatusCode.INVALID_ARGUMENT,
            "needs a title",
        ),
        (
            printing_pb2.PrintSlipRequest(printer_id=PRINTER, title="Чек", lines=["x"]),
            grpc.StatusCode.INVALID_ARGUMENT,
            "request_id",
        ),
    ],
    ids=["unknown-printer", "no-title", "no-request-id"],
)
async def test_slips_that_cannot_print_are_refused_with_the_reason(
    served: Served, asked: printing_pb2.PrintSlipRequest, code: grpc.StatusCode, words: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await printing_pb2_grpc.PrintingStub(served.channel).PrintSlip(asked)
    assert caught.value.code() == code
    assert words in (caught.value.details() or "")


def test_a_slip_is_one_job_wrapped_to_narrow_paper_and_a_copy_says_so() -> None:
    long = "Назначение платежа: государственная пошлина за выдачу выписки из ЕГРН"
    data = render_slip(TextSlip("Чек", (long, "Сумма: 500.00 RUB"), copy=True), PAPER_58)
    assert data.startswith(codec.initialise() + codec.select_code_page(17))
    assert data.count(codec.cut(24)) == 1
    assert "КОПИЯ".encode("cp866") in data
    assert "Сумма: 500.00 RUB".encode("cp866") + codec.LF in data
    # Wrapped at a word: no line longer than the 58 mm paper's.
    assert "Назначение платежа:".encode("cp866") + codec.LF in data
