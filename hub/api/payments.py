"""Card payments of state fees: recorded before the terminal sees them, settled after.

The hub keeps the record; the agent beside the terminal drives it (payment_terminal/).
A Begin that returns anything but a fresh PENDING tells the caller the sale was already
sent once: it must resolve that payment, never send it again.
"""

from __future__ import annotations

from hub.api.doorkeeper import current
from hub.api.status import Context, rpc
from hub.domain.payments import Payment, PaymentState, Settlement, TerminalTransaction
from hub.errors import InvalidRequest, NotYourPayment, UnknownService, WrongFee
from hub.service import Hub
from protos.okno.v1 import payments_pb2, payments_pb2_grpc

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

    @rpc
    async def Begin(
        self, request: payments_pb2.BeginPaymentRequest, context: Context
    ) -> payments_pb2.Payment:
        terminal = _terminal()
        if request.terminal_id not in ("", terminal):
            raise NotYourPayment(
                f"terminal_id names {request.terminal_id}, but this is {terminal}: a terminal "
                "begins payments as itself (leave terminal_id empty or give its own id)"
            )
        service = self._hub.loaded.branch.service(request.service_id)
        if service is None:
            raise UnknownService(
                f"no service {request.service_id!r} in this branch: a payment is for a "
                "service's fee"
            )
        if service.fee_kopecks == 0 or request.amount_kopecks != service.fee_kopecks:
            raise WrongFee(
                f"{service.id} costs {service.fee_kopecks} kopecks in the hub's configuration, "
                f"not {request.amount_kopecks}: a payment is exactly a service's fee"
            )
        asked = Payment(
            id=0,
            idempotency_key=request.idempotency_key,
            service_id=service.id,
            amount=service.fee_kopecks,
            # The configuration's words, not the caller's: nothing typed at a kiosk is kept.
            purpose=service.fee_purpose,
            payer_identified=request.payer_identified,
            terminal_id=terminal,
            created_at_ms=self._hub.clock(),
        )
        payment, new = await self._hub.payments.begin(asked)
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
        settled = await self._hub.payments.settle(
            request.payment_id, settlement, charged, terminal=_terminal()
        )
        return to_pb(settled)

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
        resolved = await self._hub.payments.resolve(request.payment_id, last, terminal=_terminal())
        return payments_pb2.ResolvePaymentResponse(
            payment=to_pb(resolved.payment), reverse_receipt=resolved.reverse_receipt
        )

    @rpc
    async def ListUnresolved(
        self, request: payments_pb2.ListUnresolvedRequest, context: Context
    ) -> payments_pb2.ListUnresolvedResponse:
        terminal, own = request.terminal_id, _terminal()
        if own:
            # A terminal lists its own: another's unresolved sales are none of its business.
            if terminal not in ("", own):
                raise NotYourPayment(
                    f"a terminal lists its own unresolved payments, not those of {terminal}"
                )
            terminal = own
        if not terminal:
            raise InvalidRequest("name the terminal: terminal_id")
        found = await self._hub.payments.unresolved(terminal)
        return payments_pb2.ListUnresolvedResponse(payments=[to_pb(p) for p in found])


def _terminal() -> str:
    """The calling terminal's device id: what a payment is bound to when it begins."""
    device = current().device
    return "" if device is None else device.id
