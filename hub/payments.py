"""Card payments of state fees as the API keeps them: recorded before the terminal sees
them, settled after, each change of one payment made alone.

The rules are ``hub.domain.payments``; the records live in the hub's database
(``hub.store.payments``), and a final state goes into the event log with its
``payment_settled`` event, so the back office gets it with the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from hub.config import LoadedConfig
from hub.domain.engine import QueueEngine
from hub.domain.model import Outcome
from hub.domain.payments import (
    FINAL,
    Payment,
    PaymentState,
    Settlement,
    TerminalTransaction,
    check_amount,
    check_charged,
    check_new,
    check_newest,
    resolve,
    settle,
)
from hub.errors import NotYourPayment, UnknownTransaction
from hub.store import payments as store
from hub.store.repository import Repository
from okno.logtext import oneline

log = logging.getLogger(__name__)
T = TypeVar("T")


class PaymentHost(Protocol):
    """What payments need of the hub (:class:`hub.service.Hub`)."""

    loaded: LoadedConfig
    clock: Callable[[], int]

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    """A payment after its terminal's answer; ``reverse_receipt``: reverse that charge first."""

    payment: Payment
    reverse_receipt: str = ""


class Payments:
    def __init__(self, hub: PaymentHost) -> None:
        self._hub = hub
        self._lock = asyncio.Lock()

    async def begin(self, asked: Payment) -> tuple[Payment, bool]:
        """Keep ``asked`` as PENDING, or find the payment its key already holds. (payment, new?)"""
        check_new(asked, {s.id for s in self._hub.loaded.branch.services})
        payment, new = await self._hub.read_store(lambda r: store.begin(r, asked))
        log.info(
            "payment %s id=%d terminal=%s state=%s",
            "begun" if new else "found",
            payment.id,
            oneline(payment.terminal_id),
            payment.state.value,
        )
        return payment, new

    async def settle(
        self, payment_id: int, settlement: Settlement, charged: tuple[int, int], *, terminal: str
    ) -> Payment:
        """Settle as the agent says; an approval only at the amount the terminal charged.

        ``charged``: (amount, currency) the terminal reported; amount 0: not told.
        ``terminal``: the device asking, which must be the one that began the payment.
        """
        if charged[0]:
            check_amount(charged[0])
        async with self._lock:
            payment = await self._own(payment_id, terminal)
            if settlement.state is PaymentState.APPROVED:
                check_charged(payment, *charged)
            return await self._apply(payment, settlement)

    async def resolve(
        self, payment_id: int, last: TerminalTransaction | None, *, terminal: str
    ) -> Resolved:
        """Decide an unresolved payment of ``terminal`` from that terminal's last transaction."""
        async with self._lock:
            payment = await self._own(payment_id, terminal)
            if last is not None:
                await self._check_record(payment, last)
            newest = await self._hub.read_store(lambda r: store.unresolved(r, payment.terminal_id))
            check_newest(payment, newest)
            claimed = await self._hub.read_store(
                lambda r: store.claimed_charges(r, payment.terminal_id)
            )
            settlement = resolve(payment, last, claimed)
            if settlement is None:
                assert last is not None
                log.warning(
                    "payment unconfirmed id=%d: reverse the terminal's receipt %s",
                    payment.id,
                    oneline(last.receipt),
                )
                return Resolved(payment, last.receipt)
            return Resolved(await self._apply(payment, settlement))

    async def _own(self, payment_id: int, terminal: str) -> Payment:
        """The payment, refused unless ``terminal`` began it: no other device's word about a
        charge it never saw may settle it."""
        payment = await self._hub.read_store(lambda r: store.payment(r, payment_id))
        if payment.terminal_id != terminal:
            log.warning(
                "payment refused id=%d terminal=%s began_by=%s",
                payment.id,
                oneline(terminal),
                oneline(payment.terminal_id),
            )
            raise NotYourPayment(
                f"payment {payment.id} was begun by another terminal: a terminal settles and "
                "resolves only the payments it began"
            )
        return payment

    async def _check_record(self, payment: Payment, last: TerminalTransaction) -> None:
        """Refuse a "last transaction" that is not a record of the terminal itself: it names
        a receipt, and the terminal serial its earlier answers reported."""
        if not last.receipt:
            raise UnknownTransaction(
                f"payment {payment.id}: a last transaction names the terminal's receipt "
                "number; send none when the terminal has no transaction to tell"
            )
        serials = await self._hub.read_store(
            lambda r: store.terminal_serials(r, payment.terminal_id)
        )
        if serials and last.terminal_serial not in serials:
            raise UnknownTransaction(
                f"payment {payment.id}: the last transaction is of terminal serial "
                f"{last.terminal_serial or '(none)'}, not of the terminal this device "
                "reported before: ask its own terminal (repeat receipt)"
            )

    async def unresolved(self, terminal_id: str) -> list[Payment]:
        return await self._hub.read_store(lambda r: store.unresolved(r, terminal_id))

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
