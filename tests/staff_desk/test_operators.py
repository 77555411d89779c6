"""Signed-in operators at the panel's client, against a real hub over gRPC."""

from __future__ import annotations

import asyncio

import pytest

from protos.okno.v1 import queue_pb2
from staff_desk.panel.client import StaffClient
from staff_desk.panel.errors import ActionRefused
from tests.hub.conftest import Served
from tests.hub.test_staff import PIN, set_pin

# examples/branch.toml: desks 1 to 6 all serve passports, each held by its own operator.
OPERATORS = {
    "desk-01": "ivanova-a",
    "desk-02": "petrov-s",
    "desk-03": "smirnova-m",
    "desk-04": "kuznetsov-d",
    "desk-05": "popova-e",
    "desk-06": "vasiliev-a",
}


async def signed_in(served: Served, operator_id: str) -> StaffClient:
    await set_pin(served, operator_id)
    client = StaffClient(served.address, served.ca_pem)
    await client.sign_in(operator_id, PIN)
    return client


async def test_operators_calling_at_the_same_instant_never_get_the_same_visitor(
    served: Served,
) -> None:
    clients = dict(
        zip(
            OPERATORS,
            await asyncio.gather(*(signed_in(served, o) for o in OPERATORS.values())),
            strict=True,
        )
    )
    try:
        await asyncio.gather(*(c.open_desk(desk) for desk, c in clients.items()))
        for round_ in range(6):
            # Fewer visitors than desks every other round: some calls must find nobody.
            visitors = 4 if round_ % 2 else 6
            issued = [
                (
                    await served.queue.IssueTicket(
                        queue_pb2.IssueTicketRequest(service_id="passport")
                    )
                ).ticket.id
                for _ in range(visitors)
            ]
            called = await asyncio.gather(*(c.call_next(d) for d, c in clients.items()))
            numbers = [t.id for t in called if t is not None]
            assert len(numbers) == len(set(numbers)), f"a visitor was called twice: {numbers}"
            assert sorted(numbers) == sorted(issued)
            await asyncio.gather(
                *(c.no_show(d) for (d, c), t in zip(clients.items(), called, strict=True) if t)
            )
    finally:
        await asyncio.gather(*(c.close() for c in clients.values()))


async def test_a_signed_in_operator_is_held_to_their_own_desk(served: Served) -> None:
    ivanova = await signed_in(served, "ivanova-a")
    try:
        with pytest.raises(ActionRefused) as refused:
            await ivanova.open_desk("desk-02")
        assert refused.value.hub_code == "not_your_desk"
        assert "desk 2 is not one of yours" in str(refused.value)
    finally:
        await ivanova.close()
