"""The payment agent: the kiosk's card terminal, driven for the hub's payment records.

The kiosk calls it in-process (the terminal hangs off the kiosk's serial port). A sale is
recorded PENDING on the hub under the kiosk's idempotency key before anything goes to the
terminal, and only a payment the hub has just created is sent: a payment is never sent
twice. A sale whose end is unknown (timeout, lost link, bad frames, a crash) is resolved
by asking the terminal for its last transaction and letting the hub decide
(``Payments.Resolve``): confirmed, never charged, or charged and not this payment's, which
is then reversed at the terminal with a real reversal.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

import grpc

from payment_terminal import outcomes
from payment_terminal.adapter import SaleOutcome, SaleStatus, TerminalAdapter, ZvtAdapter
from payment_terminal.driver import ANSWER_TIMEOUT
from payment_terminal.errors import HubUnreachable, PaymentError
from payment_terminal.messages import KIOSK_RECEIPTS
from payment_terminal.outcomes import Paid, PaidState
from payment_terminal.receipts import RECEIPT_TITLE, Charge, receipt
from payment_terminal.transport import T3_ACK
from protos.okno.v1 import payments_pb2, payments_pb2_grpc

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = [
    "RECEIPT_TITLE",
    "Charge",
    "Paid",
    "PaidState",
    "PaymentAgent",
    "Resolved",
    "Step",
    "receipt",
]


@dataclass(frozen=True)
class Resolved:
    """One payment recover() looked at, and how it stands now."""

    payment_id: int
    state: PaidState
    reason: str


class Step(StrEnum):
    """Where a sale is, told to ``on_step`` (logs, and the crash tests)."""

    BEGIN = "begin"  # about to record the payment on the hub
    BEGUN = "begun"  # recorded PENDING; nothing sent yet
    SENT = "sent"  # the terminal has the sale (its first prompt arrived)
    ANSWERED = "answered"  # the terminal told the outcome; not settled on the hub yet
    SETTLED = "settled"  # the hub holds the outcome


StepCallback = Callable[[Step, int], None]


class PaymentAgent:
    """One terminal's sales for the hub; one at a time."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        terminal_id: str,
        open_terminal: Callable[[], TerminalAdapter],
        *,
        deadline_s: float = 5.0,
        on_step: StepCallback | None = None,
    ) -> None:
        self._payments = payments_pb2_grpc.PaymentsStub(channel)
        self.terminal_id = terminal_id
        self._open_terminal = open_terminal
        self._deadline_s = deadline_s
        self._on_step = on_step
        self._adapter: TerminalAdapter | None = None
        self._lock = asyncio.Lock()
        self._recovered = False
        self._owed: dict[int, payments_pb2.SettlePaymentRequest] = {}  # settlements the hub missed

    @classmethod
    def zvt(
        cls,
        channel: grpc.aio.Channel,
        terminal_id: str,
        url: str,
        *,
        ack_timeout: float = T3_ACK,
        answer_timeout: float = ANSWER_TIMEOUT,
        config: int = KIOSK_RECEIPTS,
        deadline_s: float = 5.0,
        on_step: StepCallback | None = None,
    ) -> PaymentAgent:
        """An agent for a ZVT terminal at a serial URL (``serial:///dev/ttyUSB0?baudrate=9600``).

        ``config`` is the registration's config byte: ``KIOSK_RECEIPTS`` (the kiosk prints
        the receipt from the status information; no print lines on the line) or
        ``TERMINAL_PRINT_LINES`` (the terminal sends its slip as print lines).
        """

        def open_terminal() -> TerminalAdapter:
            return ZvtAdapter.open(
                url, ack_timeout=ack_timeout, answer_timeout=answer_timeout, config=config
            )

        return cls(channel, terminal_id, open_terminal, deadline_s=deadline_s, on_step=on_step)

    @property
    def ready(self) -> bool:
        """The terminal answered its registration and no exchange broke since: a kiosk
        offers card payment only then."""
        return self._adapter is not None

    async def close(self) -> None:
        """Release the terminal's port."""
        async with self._lock:
            await asyncio.to_thread(self._drop_terminal)

    async def recover(self) -> list[Resolved]:
        """Register at the terminal, resolve its PENDING and UNKNOWN payments (newest first).

        At start. Raises HubUnreachable when the hub does not answer; a terminal that does
        not answer is registered at the next call, and a payment it cannot be asked about
        stays unresolved (state UNKNOWN in the answer).
        """
        async with self._lock:
            try:
                await asyncio.to_thread(self._terminal)
            except PaymentError as err:
                log.warning("payment terminal not registered error=%s", err.code)
            return await self._recover()

    async def pay(self, charge: Charge, on_prompt: Callable[[str], None]) -> Paid:
        """Charge the visitor once; ``on_prompt`` gets the terminal's texts on this loop."""
        async with self._lock:
            self._step(Step.BEGIN, 0)
            try:
                await asyncio.to_thread(self._terminal)
            except PaymentError as err:
                log.warning("payment terminal unavailable error=%s", err.code)
                return outcomes.unavailable(0, str(err))
            try:
                if not self._recovered:
                    left = [r for r in await self._recover() if r.state is PaidState.UNKNOWN]
                    if left:
                        return outcomes.unavailable(0, "an earlier payment is not resolved yet")
                begun = await self._call(self._payments.Begin, _begin_request(self, charge))
            except HubUnreachable as err:
                return outcomes.unavailable(0, str(err))
            except grpc.aio.AioRpcError as err:
                log.warning("payment refused by the hub code=%s", err.code().name)
                return outcomes.unavailable(0, err.details() or "refused by the hub")
            if not begun.created:
                return await self._already_known(begun)
            self._step(Step.BEGUN, begun.payment_id)
            return await self._sell(begun, on_prompt)

    async def _sell(self, begun: payments_pb2.Payment, on_prompt: Callable[[str], None]) -> Paid:
        loop = asyncio.get_running_loop()
        payment_id = begun.payment_id
        sent = False

        def forward(text: str) -> None:
            nonlocal sent
            if not sent:
                sent = True
                self._step(Step.SENT, payment_id)
            loop.call_soon_threadsafe(on_prompt, text)

        log.info("payment sale id=%d amount=%d", payment_id, begun.amount_kopecks)
        outcome = await asyncio.to_thread(self._sale, begun.amount_kopecks, payment_id, forward)
        self._step(Step.ANSWERED, payment_id)
        if outcome.status is SaleStatus.APPROVED and not outcomes.charged_as_asked(
            outcome, begun.amount_kopecks
        ):
            return await self._reverse_mismatch(begun, outcome)
        settled = await self._settle_or_owe(outcomes.request(payment_id, outcome))
        if outcome.status is SaleStatus.UNKNOWN:
            return await self._resolve_now(begun)
        if settled:
            self._step(Step.SETTLED, payment_id)
        return outcomes.paid(payment_id, outcome)

    async def _reverse_mismatch(self, begun: payments_pb2.Payment, outcome: SaleOutcome) -> Paid:
        """An approval of another amount or currency: never approved, reversed at once.

        If the reversal does not go through, the payment is UNKNOWN and resolved through the
        hub, which judges the terminal's last transaction the same way; until then it is
        held for staff (the visitor is told to ask).
        """
        why = outcomes.mismatch(outcome, begun.amount_kopecks)
        log.error("payment charged wrongly id=%d: %s; reversing it", begun.payment_id, why)
        reversal = (
            await asyncio.to_thread(self._reversal, outcome.receipt)
            if outcome.receipt
            else SaleOutcome(SaleStatus.UNKNOWN, "the terminal named no receipt to reverse")
        )
        if outcomes.reversed_at_terminal(reversal):
            request = outcomes.reversed_request(begun, reversal, outcome.receipt, why)
            if await self._settle_or_owe(request):
                self._step(Step.SETTLED, begun.payment_id)
            return outcomes.returned(begun.payment_id)
        unknown = outcomes.request(begun.payment_id, replace(outcome, status=SaleStatus.UNKNOWN))
        unknown.reason = f"{why}; the reversal did not go through: {reversal.reason}"
        await self._settle_or_owe(unknown)
        return await self._resolve_now(begun)

    async def _already_known(self, found: payments_pb2.Payment) -> Paid:
        """A retried key: never sent again; an unresolved one is resolved now."""
        log.info("payment already known id=%d", found.payment_id)
        if found.state in (payments_pb2.PAYMENT_STATE_PENDING, payments_pb2.PAYMENT_STATE_UNKNOWN):
            return await self._resolve_now(found)
        return outcomes.recorded(found)

    async def _resolve_now(self, payment: payments_pb2.Payment) -> Paid:
        try:
            resolved = await self._resolve(payment)
        except HubUnreachable as err:
            self._recovered = False
            return outcomes.unknown(payment.payment_id, str(err))
        except grpc.aio.AioRpcError as err:  # e.g. an older payment is still unresolved
            log.warning("payment not resolved id=%d code=%s", payment.payment_id, err.code().name)
            self._recovered = False
            return outcomes.unknown(payment.payment_id, err.details() or err.code().name)
        if outcomes.state(resolved) is PaidState.UNKNOWN:
            self._recovered = False  # resolved before the next sale goes out
        return outcomes.recorded(resolved)

    async def _recover(self) -> list[Resolved]:
        await self._flush()
        listed = await self._call(
            self._payments.ListUnresolved,
            payments_pb2.ListUnresolvedRequest(terminal_id=self.terminal_id),
        )
        done: list[Resolved] = []
        waiting = list(reversed(listed.payments))  # newest first: only it may be the last sale
        while waiting:
            resolved = await self._resolve(waiting.pop(0))
            done.append(Resolved(resolved.payment_id, outcomes.state(resolved), resolved.reason))
            if outcomes.state(resolved) is PaidState.UNKNOWN:
                # The older ones wait for it: the hub decides the newest first.
                done += [Resolved(p.payment_id, PaidState.UNKNOWN, p.reason) for p in waiting]
                break
        self._recovered = all(r.state is not PaidState.UNKNOWN for r in done)
        log.info("payments recovered terminal=%s count=%d", self.terminal_id, len(done))
        return done

    async def _resolve(self, payment: payments_pb2.Payment) -> payments_pb2.Payment:
        """Ask the terminal, let the hub decide; reverse at the terminal when it says so."""
        try:
            last = await asyncio.to_thread(self._last_transaction)
        except PaymentError as err:
            log.warning("payment unresolved id=%d terminal=%s", payment.payment_id, err.code)
            return _unresolved(payment, f"the terminal could not be asked: {err}")
        request = payments_pb2.ResolvePaymentRequest(payment_id=payment.payment_id)
        # A reversal as the terminal's last transaction: the last charge was returned, none
        # stands for this payment (told to the hub as no transaction).
        if last is not None and not last.reverses:
            request.last.CopyFrom(outcomes.transaction(last))
        answer = await self._call(self._payments.Resolve, request)
        if not answer.reverse_receipt:
            log.info(
                "payment resolved id=%d state=%s",
                payment.payment_id,
                outcomes.state(answer.payment).value,
            )
            return answer.payment
        receipt = answer.reverse_receipt
        reversal = await asyncio.to_thread(self._reversal, receipt)
        if not outcomes.reversed_at_terminal(reversal):
            return _unresolved(
                payment, f"the reversal of receipt {receipt} failed: {reversal.reason}"
            )
        log.info("payment reversed at the terminal id=%d receipt=%s", payment.payment_id, receipt)
        return await self._call(
            self._payments.Settle, outcomes.reversed_request(payment, reversal, receipt)
        )

    async def _settle_or_owe(self, request: payments_pb2.SettlePaymentRequest) -> bool:
        """Settle on the hub; if it is away, keep the settlement for the next call (False)."""
        try:
            await self._call(self._payments.Settle, request)
        except HubUnreachable:
            log.warning("payment settlement owed id=%d", request.payment_id)
            self._owed[request.payment_id] = request
            self._recovered = False
            return False
        return True

    async def _flush(self) -> None:
        for payment_id, request in list(self._owed.items()):
            try:
                await self._call(self._payments.Settle, request)
            except grpc.aio.AioRpcError as err:
                # Resolved meanwhile another way (recovery): the hub's word stands.
                log.warning("owed settlement refused id=%d code=%s", payment_id, err.code().name)
            del self._owed[payment_id]

    async def _call(self, method: Callable[..., Awaitable[T]], request: object) -> T:
        try:
            return await method(request, timeout=self._deadline_s)
        except grpc.aio.AioRpcError as err:
            if err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise HubUnreachable(f"the hub did not answer ({err.code().name})") from err
            raise

    def _step(self, step: Step, payment_id: int) -> None:
        log.debug("payment step=%s id=%d", step.value, payment_id)
        if self._on_step is not None:
            self._on_step(step, payment_id)

    # --- on the worker thread: the terminal's blocking calls ---------------------------

    def _terminal(self) -> TerminalAdapter:
        """The terminal, opened and registered (at start, and after a reopened port)."""
        if self._adapter is None:
            adapter = self._open_terminal()
            try:
                adapter.register()
            except PaymentError:
                adapter.close()
                raise
            self._adapter = adapter
        return self._adapter

    def _drop_terminal(self) -> None:
        """Close the port after a broken exchange: the next call opens it afresh."""
        if self._adapter is not None:
            self._adapter.close()
            self._adapter = None

    def _sale(self, amount: int, payment_id: int, forward: Callable[[str], None]) -> SaleOutcome:
        try:
            outcome = self._terminal().sale(amount, str(payment_id), forward)
        except PaymentError as err:  # the port would not open: nothing was sent
            log.warning("payment not sent id=%d error=%s", payment_id, err.code)
            return SaleOutcome(SaleStatus.TERMINAL_ERROR, str(err), amount=amount)
        if outcome.status is SaleStatus.UNKNOWN:
            self._drop_terminal()
        return outcome

    def _last_transaction(self) -> SaleOutcome | None:
        """The terminal's last transaction, asked up to three times on a fresh port.

        Again because a terminal still finishing a command an earlier (killed) register
        broke off may miss the first question.
        """
        failure = PaymentError("the terminal was not asked")
        for _ in range(3):
            try:
                return self._terminal().last_transaction()
            except PaymentError as err:
                self._drop_terminal()
                failure = err
        raise failure

    def _reversal(self, receipt: str) -> SaleOutcome:
        try:
            return self._terminal().reversal(receipt)
        except PaymentError as err:
            self._drop_terminal()
            return SaleOutcome(SaleStatus.UNKNOWN, str(err))


def _begin_request(agent: PaymentAgent, charge: Charge) -> payments_pb2.BeginPaymentRequest:
    return payments_pb2.BeginPaymentRequest(
        idempotency_key=charge.idempotency_key,
        service_id=charge.service_id,
        amount_kopecks=charge.amount_kopecks,
        purpose=charge.purpose,
        terminal_id=agent.terminal_id,
        payer_identified=charge.payer_identified,
    )


def _unresolved(payment: payments_pb2.Payment, reason: str) -> payments_pb2.Payment:
    left = payments_pb2.Payment()
    left.CopyFrom(payment)
    left.state = payments_pb2.PAYMENT_STATE_UNKNOWN
    left.reason = reason
    return left
