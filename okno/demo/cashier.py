"""The demo hall's card terminal: fees paid at the kiosk before the ticket, receipts printed.

A ZVT terminal simulator answers on a pty, and the real payment agent drives it for the
hub (PENDING before the terminal is asked, settled after), as at a real kiosk; a few of
the day's visitors come to pay a state fee, and their receipt is printed on the hall's
ticket printer beside their ticket.

The simulated terminal keeps the hall's time: a real terminal's clock is set to local
time, and ZVT tells it without a zone (BMP 0C/0D), so the demo's terminal reads the
demo's accelerated clock in the branch's zone, and its receipts carry the same date and
time as the tickets beside them.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import grpc

from hub.domain.branch import Service
from okno.demo.printer import handed_over
from okno.demo.rpc import attempt
from payment_terminal.agent import RECEIPT_TITLE, Charge, PaidState, PaymentAgent, receipt
from payment_terminal.sim import SimulatedTerminal
from protos.okno.v1 import printing_pb2, printing_pb2_grpc

log = logging.getLogger(__name__)
TERMINAL_ID = "payment_terminal-DEMO-0000"
# A real kiosk's terminal line; the demo pays at the same speed.
BAUD = 9600


@dataclass
class Cashier:
    """Takes a visitor's fee at the terminal and prints the receipt; counts what it took."""

    agent: PaymentAgent
    printing: printing_pb2_grpc.PrintingAsyncStub
    printer_id: str
    approved: int = 0
    refused: int = 0

    async def pay(self, service: Service) -> bool:
        """Whether the visitor paid the service's fee (and got the receipt)."""
        charge = Charge(
            idempotency_key=uuid.uuid4().hex,
            service_id=service.id,
            amount_kopecks=service.fee_kopecks,
            purpose=service.fee_purpose,
            payer_identified=False,
        )
        paid = await self.agent.pay(charge, lambda text: log.debug("terminal says %s", text))
        if paid.state is not PaidState.APPROVED:
            self.refused += 1
            log.info("fee not paid service=%s state=%s", service.id, paid.state.value)
            return False
        self.approved += 1
        log.info("fee paid service=%s payment=%d", service.id, paid.payment_id)
        if self.printer_id:
            slip = printing_pb2.PrintSlipRequest(
                printer_id=self.printer_id,
                request_id=f"receipt-{charge.idempotency_key}",
                title=RECEIPT_TITLE,
                lines=receipt(charge, paid),
            )
            job = await attempt(self.printing.PrintSlip(slip), "PrintSlip", payment=paid.payment_id)
            if job is not None:
                await handed_over(self.printing, job, "receipt")
        return True


def branch_time(clock: Callable[[], int], timezone: str) -> Callable[[], datetime]:
    """The branch's wall time from a clock of Unix milliseconds: what a terminal shows."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.fromtimestamp(clock() / 1000, zone)


@contextlib.asynccontextmanager
async def hall_terminal(
    terminal_channel: grpc.aio.Channel,
    kiosk_channel: grpc.aio.Channel,
    printer_id: str,
    clock: Callable[[], datetime],
) -> AsyncIterator[Cashier]:
    """A simulated terminal on ``clock`` (branch time) with the real agent on it.

    The agent calls the hub as the enrolled terminal (``terminal_channel``, device id
    TERMINAL_ID); the receipt is printed by the kiosk (``kiosk_channel``) on its printer.
    Its open payments are resolved first.
    """
    with SimulatedTerminal(baudrate=BAUD, clock=clock) as terminal:
        agent = PaymentAgent.zvt(
            terminal_channel, TERMINAL_ID, f"serial://{terminal.port_path}?baudrate={BAUD}"
        )
        try:
            await agent.recover()
            yield Cashier(agent, printing_pb2_grpc.PrintingStub(kiosk_channel), printer_id)
        finally:
            await agent.close()
        log.info("demo terminal charged=%d sales=%d", terminal.charged(), len(terminal.ledger))
