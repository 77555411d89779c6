"""Serving a visitor and recording their application on a real hub, as a desk would."""

from __future__ import annotations

from hub.bench.visits import serve_one
from hub.service import Hub
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.hub.conftest import Served

OPERATOR = "andreev-m"
SYSTEM = "ais-mfc"
PHONE = "+79161234567"


async def served_ticket(hub: Hub, service: str = "passport") -> str:
    """A visitor of ``service`` served to the end by the signed-in administrator."""
    return await serve_one(hub, service, operator_id=OPERATOR)


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
