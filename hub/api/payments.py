"""Card payments of state fees: recorded before the terminal sees them, settled after.

The hub keeps the record; the agent beside the terminal drives it (payment_terminal/).
A Begin that returns anything but a fresh PENDING tells the caller the sale was already
sent once: it must resolve that payment, never send it again.
"""

from __future__ import annotations

import asyncio
import logging

from hub.api.status import Context, rpc
from hub.domain.payments import (
    FINAL,
    UNRESOLVED,
    Payment,
    PaymentState,
    Settlement,
    TerminalTransaction,
    check_charged,
    check_new,
    resolve,
    settle,
)
from hub.errors import IllegalTransition, InvalidRequest
from hub.service import Hub
from hub.store import payments as store
from protos.okno.v1 import payments_pb2, payments_pb2_grpc

log = logging.getLogger(__name__)

_TO_PB = {
    PaymentState.PENDING: payments_pb2.PAYMENT_STATE_PENDING,
    PaymentState.APPROVED: payments_pb2.PAYMENT_STATE_APPROVED,
    PaymentState.DECLINED: payments_pb2.PAYMENT_STATE_DECLINED,
    PaymentState.CANCELLED: payments_pb2.PAYMENT_STATE_CANCELLED,
    PaymentState.UNKNOWN: payments_pb2.PAYMENT_STATE_UNKNOWN,
    PaymentState.REVERSED: payments_pb2.PAYMENT_STATE_REVERSED,
}
_FROM_PB = {pb: state for state, pb in _TO_PB.items()}


def to_pb(payment: Payment) -> payments_pb2.Payment:
    return payments_pb2.Payment(
        payment_id=payment.id,
        idempotency_key=payment.idempotency_key,
        state=_TO_PB[payment.state],
        service_id=payment.service_id,
        amount_kopecks=payment.amount,
        purpose=payment.purpose,
        payer_identified=payment.payer_identified,
        terminal_id=payment.terminal_id,
        created_at_unix_ms=payment.created_at_ms,
        settled_at_unix_ms=payment.settled_at_ms,
        result_code=payment.result_code,
        reason=payment.reason,
        terminal_serial=payment.terminal_serial,
        terminal_trace=payment.terminal_trace,
        terminal_receipt=payment.terminal_receipt,
    )


class PaymentsServicer(payments_pb2_grpc.PaymentsServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._lock = asyncio.Lock()

    @rpc
    async def Begin(
        self, request: payments_pb2.BeginPaymentRequest, context: Context
    ) -> payments_pb2.Payment:
        asked = Payment(
            id=0,
            idempotency_key=request.idempotency_key,
            service_id=request.service_id,
            amount=request.amount_kopecks,
            purpose=request.purpose,
            payer_identified=request.payer_identified,
            terminal_id=request.terminal_id,
            created_at_ms=self._hub.clock(),
        )
        check_new(asked, {s.id for s in self._hub.loaded.branch.services})
        payment, new = await self._hub.read_store(lambda r: store.begin(r, asked))
        log.info(
            "payment %s id=%d terminal=%s state=%s",
            "begun" if new else "found",
            payment.id,
            payment.terminal_id,
            payment.state.value,
        )
        made = to_pb(payment)
        made.created = new
        return made

    @rpc
    async def Settle(
        self, request: payments_pb2.SettlePaymentRequest, context: Context
    ) -> payments_pb2.Payment:
        state = _FROM_PB.get(request.state)
        if state is None or state is PaymentState.PENDING:
            raise InvalidRequest("state must be APPROVED, DECLINED, CANCELLED, UNKNOWN or REVERSED")
        settlement = Settlement(
            state,
            request.result_code,
            request.reason,
            request.terminal_serial,
            request.terminal_trace,
            request.terminal_receipt,
        )
        charged = (request.amount_kopecks, request.currency)
        return to_pb(await self._settle(request.payment_id, settlement, charged))

    @rpc
    async def Resolve(
        self, request: payments_pb2.ResolvePaymentRequest, context: Context
    ) -> payments_pb2.ResolvePaymentResponse:
        last = (
            TerminalTransaction(
                request.last.amount_kopecks,
                request.last.terminal_receipt,
                request.last.terminal_trace,
                request.last.terminal_serial,
                request.last.currency,
            )
            if request.HasField("last")
            else None
        )
        async with self._lock:
            payment = await self._hub.read_store(lambda r: store.payment(r, request.payment_id))
            newest = await self._hub.read_store(lambda r: store.unresolved(r, payment.terminal_id))
            if payment.state in UNRESOLVED and newest[-1].id != payment.id:
                raise IllegalTransition(
                    f"payment {newest[-1].id} of this terminal is newer and unresolved: "
                    "resolve the newest first, only it may be the terminal's last sale"
                )
            claimed = await self._hub.read_store(
                lambda r: store.claimed_charges(r, payment.terminal_id)
            )
            settlement = resolve(payment, last, claimed)
            if settlement is None:
                assert last is not None
                log.warning(
                    "payment unconfirmed id=%d: reverse the terminal's receipt %s",
                    payment.id,
                    last.receipt,
                )
                return payments_pb2.ResolvePaymentResponse(
                    payment=to_pb(payment), reverse_receipt=last.receipt
                )
            resolved = await self._apply(payment, settlement)
        return payments_pb2.ResolvePaymentResponse(payment=to_pb(resolved))

    async def _settle(
        self, payment_id: int, settlement: Settlement, charged: tuple[int, int]
    ) -> Payment:
        async with self._lock:
            payment = await self._hub.read_store(lambda r: store.payment(r, payment_id))
            if settlement.state is PaymentState.APPROVED:
                check_charged(payment, *charged)
            return await self._apply(payment, settlement)

    async def _apply(self, payment: Payment, settlement: Settlement) -> Payment:
        """Keep a settlement; a final one with its payment_settled event, in one transaction.

        Called under the lock: two settlements of one payment never both read its old state.
        """
        settled = settle(payment, settlement, self._hub.clock())
        if settled is payment:
            return payment
        if settled.state in FINAL:
            await self._hub.run(lambda engine, now: engine.settle_payment(settled, now))
        else:
            await self._hub.read_store(lambda r: store.save(r, settled))
        log.info("payment settled id=%d state=%s", settled.id, settled.state.value)
        return settled

    @rpc
    async def ListUnresolved(
        self, request: payments_pb2.ListUnresolvedRequest, context: Context
    ) -> payments_pb2.ListUnresolvedResponse:
        if not request.terminal_id:
            raise InvalidRequest("name the terminal: terminal_id")
        found = await self._hub.read_store(lambda r: store.unresolved(r, request.terminal_id))
        return payments_pb2.ListUnresolvedResponse(payments=[to_pb(p) for p in found])
