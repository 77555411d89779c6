"""Serving a visitor and recording their application on a real hub, as a desk would."""

from __future__ import annotations

from hub.service import Hub
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.hub.conftest import Served

OPERATOR = "andreev-m"
SYSTEM = "ais-mfc"
PHONE = "+79161234567"


async def served_ticket(hub: Hub, service: str = "passport") -> str:
    """Open a desk of the service as the signed-in administrator, serve a visitor to the end."""
    desk = next(d.id for d in hub.loaded.branch.desks if service in d.services)
    if hub.engine.desk(desk).operator_id != OPERATOR:
        await hub.run(lambda e, now: e.open_desk(desk, now, operator_id=OPERATOR))
    await hub.run(lambda e, now: e.issue(service, now))
    await hub.run(lambda e, now: e.call_next(desk, now))
    await hub.run(lambda e, now: e.start(desk, now))
    done = await hub.run(lambda e, now: e.finish(desk, now))
    assert done.ticket is not None
    return done.ticket.id


async def accepted(
    served: Served, service: str = "passport", phone: str = PHONE, **asked: object
) -> applications_pb2.Application:
    """A visitor served and their application recorded, with an SMS contact by default."""
    ticket_id = await served_ticket(served.hub, service)
    stub = applications_pb2_grpc.ApplicationsStub(served.channel)
    request = applications_pb2.AcceptApplicationRequest(
        ticket_id=ticket_id,
        phone=phone,
        notify_sms=bool(phone),
        consent=bool(phone),
        **asked,  # type: ignore[arg-type]
    )
    return await stub.Accept(request)
