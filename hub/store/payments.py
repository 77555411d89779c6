"""Where card payments are kept; each function is one transaction on the hub's DB thread.

Run through ``Hub.read_store``, beside the queue's writes, so a Begin's look-up of its
idempotency key and its insert are never interleaved with another Begin.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection, select

from hub.domain.payments import UNRESOLVED, FeePaid, Payment, PaymentState
from hub.errors import InvalidRequest, UnknownPayment
from hub.store import schema
from hub.store.repository import Repository

_PAYMENTS = schema.payments


def _payment(row: Any) -> Payment:
    values = dict(row)
    values["state"] = PaymentState(values["state"])
    values["payer_identified"] = bool(values["payer_identified"])
    return Payment(**values)


def _row(payment: Payment) -> dict[str, Any]:
    row = asdict(payment)
    row["state"] = payment.state.value
    return row


def _by_id(connection: Connection, payment_id: int) -> Payment:
    row = connection.execute(select(_PAYMENTS).where(_PAYMENTS.c.id == payment_id)).mappings()
    found = row.first()
    if found is None:
        raise UnknownPayment(f"no payment {payment_id}: give the id the payment agent returned")
    return _payment(found)


def begin(repository: Repository, asked: Payment) -> tuple[Payment, bool]:
    """Keep ``asked`` as PENDING, or return the payment its key already holds. (payment, new?)"""
    with repository.engine.begin() as connection:
        found = (
            connection.execute(
                select(_PAYMENTS).where(_PAYMENTS.c.idempotency_key == asked.idempotency_key)
            )
            .mappings()
            .first()
        )
        if found is not None:
            existing = _payment(found)
            if not existing.same_request(asked):
                raise InvalidRequest(
                    f"idempotency_key {asked.idempotency_key!r} was used for another payment: "
                    "use a new key for a new payment"
                )
            return existing, False
        row = _row(asked)
        del row["id"]
        result = connection.execute(_PAYMENTS.insert().values(**row))
        inserted = result.inserted_primary_key
        assert inserted is not None
        return replace(asked, id=int(inserted[0])), True


def save(repository: Repository, payment: Payment) -> None:
    """Keep a payment's new state (an UNKNOWN; a final state goes with its event)."""
    row = _row(payment)
    del row["id"]
    with repository.engine.begin() as connection:
        connection.execute(_PAYMENTS.update().where(_PAYMENTS.c.id == payment.id).values(**row))


def payment(repository: Repository, payment_id: int) -> Payment:
    with repository.engine.connect() as connection:
        return _by_id(connection, payment_id)


def unresolved(repository: Repository, terminal_id: str) -> list[Payment]:
    """PENDING and UNKNOWN payments of a terminal, oldest first."""
    with repository.engine.connect() as connection:
        rows = connection.execute(
            select(_PAYMENTS)
            .where(
                _PAYMENTS.c.terminal_id == terminal_id,
                _PAYMENTS.c.state.in_([s.value for s in UNRESOLVED]),
            )
            .order_by(_PAYMENTS.c.id)
        ).mappings()
        return [_payment(r) for r in rows]


def claimed_charges(repository: Repository, terminal_id: str) -> set[tuple[str, str]]:
    """The (receipt, trace) of every charge a payment of this terminal already holds."""
    with repository.engine.connect() as connection:
        rows = connection.execute(
            select(_PAYMENTS.c.terminal_receipt, _PAYMENTS.c.terminal_trace).where(
                _PAYMENTS.c.terminal_id == terminal_id, _PAYMENTS.c.terminal_receipt != ""
            )
        )
        return {(str(row.terminal_receipt), str(row.terminal_trace)) for row in rows}


def terminal_serials(repository: Repository, terminal_id: str) -> set[str]:
    """The serial numbers the terminal behind ``terminal_id`` has reported on its payments."""
    with repository.engine.connect() as connection:
        rows = connection.execute(
            select(_PAYMENTS.c.terminal_serial)
            .where(_PAYMENTS.c.terminal_id == terminal_id, _PAYMENTS.c.terminal_serial != "")
            .distinct()
        )
        return {str(row.terminal_serial) for row in rows}


def fee_paid(repository: Repository, payment_id: int, today: str) -> FeePaid:
    """The payment, with the number of a ticket of an earlier day it already paid for.

    Today's tickets are the queue engine's to check (a retried request gets its ticket).
    """
    tickets = schema.tickets
    with repository.engine.connect() as connection:
        paid = _by_id(connection, payment_id)
        found = connection.execute(
            select(tickets.c.number).where(
                tickets.c.payment_id == payment_id, tickets.c.day != today
            )
        ).scalar()
    return FeePaid(paid, str(found or ""))
