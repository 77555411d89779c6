"""Applications over gRPC: a thin servicer over ``Hub.applications`` (docs/applications.md)."""

from __future__ import annotations

from hub.api import scope
from hub.api.doorkeeper import current
from hub.api.permissions import CALL_CENTRE, INFORMATION_SYSTEM
from hub.api.status import Context, rpc
from hub.applications import Accepting
from hub.domain.applications import Application, ApplicationStatus, Change
from hub.domain.appointments import contacts
from hub.errors import InvalidRequest
from hub.service import Hub
from protos.okno.v1 import applications_pb2, applications_pb2_grpc

_STATUSES = {
    status: applications_pb2.ApplicationStatus.Value(f"APPLICATION_STATUS_{status.name}")
    for status in ApplicationStatus
}
_STATUSES_BACK = {number: status for status, number in _STATUSES.items()}


class ApplicationsServicer(applications_pb2_grpc.ApplicationsServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    @rpc
    async def Accept(
        self, request: applications_pb2.AcceptApplicationRequest, context: Context
    ) -> applications_pb2.Application:
        if not request.ticket_id:
            raise InvalidRequest("give the ticket of the visitor whose application it is")
        asked = Accepting(
            ticket_id=request.ticket_id,
            service_id=request.service_id,
            phone=request.phone,
            email=request.email,
            notify_sms=request.notify_sms,
            notify_email=request.notify_email,
            consent=request.consent,
            snils=request.snils,
            request_id=request.request_id,
        )
        accepted = await self._hub.applications.accept(asked, operator=_who())
        return message(self._hub, accepted)

    @rpc
    async def SetStatus(
        self, request: applications_pb2.SetApplicationStatusRequest, context: Context
    ) -> applications_pb2.SetApplicationStatusReply:
        caller = current()
        from_system = INFORMATION_SYSTEM in caller.kinds
        if from_system and (not request.change_id or request.changed_at_unix_ms <= 0):
            raise InvalidRequest(
                "the information system gives each change its change_id and changed_at_unix_ms, "
                "so that a resend is applied once and an older change never undoes a newer one"
            )
        status = None
        if request.status:
            status = _STATUSES_BACK.get(request.status)
            if status is None:
                raise InvalidRequest(f"no application status {request.status}")
        change = Change(
            status=status,
            by=f"system:{_who()}" if from_system else f"operator:{_who()}",
            reason=request.reason,
            planned_ready=request.planned_ready,
            change_id=request.change_id,
            external_at_ms=request.changed_at_unix_ms if from_system else 0,
        )
        changed, applied = await self._hub.applications.change(request.number, change)
        return applications_pb2.SetApplicationStatusReply(
            application=message(self._hub, changed), applied=applied
        )

    @rpc
    async def Get(
        self, request: applications_pb2.GetApplicationRequest, context: Context
    ) -> applications_pb2.Application:
        return message(self._hub, await self._hub.applications.get(request.number))

    @rpc
    async def LookUp(
        self, request: applications_pb2.LookUpApplicationRequest, context: Context
    ) -> applications_pb2.Application:
        found = await self._hub.applications.look_up(
            request.number,
            request.phone,
            caller=scope.guesser(current(), request.phone, current().label),
        )
        return message(self._hub, found)

    @rpc
    async def LookUpByCard(
        self, request: applications_pb2.LookUpByCardRequest, context: Context
    ) -> applications_pb2.ApplicationList:
        found = await self._hub.applications.by_card(request.snils_hash)
        return applications_pb2.ApplicationList(applications=[message(self._hub, a) for a in found])

    @rpc
    async def List(
        self, request: applications_pb2.ListApplicationsRequest, context: Context
    ) -> applications_pb2.ApplicationList:
        status = _STATUSES_BACK.get(request.status)
        if status is None:
            raise InvalidRequest("give the status of the applications to list")
        found = await self._hub.applications.listing(status, request.limit)
        # The call centre phones applicants: it alone gets the numbers to call.
        with_phone = CALL_CENTRE in current().kinds
        return applications_pb2.ApplicationList(
            applications=[message(self._hub, a, with_phone=with_phone) for a in found]
        )


def message(
    hub: Hub, app: Application, *, with_phone: bool = False
) -> applications_pb2.Application:
    """An application as staff see it; its phone number only ``with_phone`` (the call centre)."""
    service = hub.loaded.branch.service(app.service_id)
    return applications_pb2.Application(
        number=app.number,
        service_id=app.service_id,
        service_name=service.name_ru if service else app.service_id,
        authority=app.authority,
        status=_STATUSES[app.status],
        planned_ready=app.planned_ready,
        collect_by=hub.applications.collect_by(app),
        accepted_at_unix_ms=app.accepted_at_ms,
        changed_at_unix_ms=app.changed_at_ms,
        reason=app.reason,
        notify_sms=app.contact.notify_sms,
        notify_email=app.contact.notify_email,
        phone_hint=contacts.phone_hint(app.contact.phone),
        phone=app.contact.phone if with_phone else "",
        ticket_id=app.ticket_id,
    )


def _who() -> str:
    caller = current()
    if caller.staff is not None:
        return caller.staff.operator_id
    return "local"
