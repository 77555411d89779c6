"""Staff: signing in with a PIN, sessions, PINs, figures and the administrator's staff list."""

from __future__ import annotations

from hub.api.devices import peer_host
from hub.api.doorkeeper import current
from hub.api.status import Context, rpc
from hub.api.tokens import bearer, signed_in
from hub.errors import InvalidRequest
from hub.service import Hub
from hub.staff import SignedIn
from hub.staff.access import ADMINISTRATOR, may_open, require
from hub.staff.figures import Figures
from protos.okno.v1 import staff_pb2, staff_pb2_grpc


class StaffServicer(staff_pb2_grpc.StaffServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._staff = hub.staff

    @rpc
    async def SignIn(
        self, request: staff_pb2.SignInRequest, context: Context
    ) -> staff_pb2.SignInResponse:
        if not request.operator_id or not request.pin:
            raise InvalidRequest("give the operator id and the PIN")
        token, session = await self._staff.sign_in(
            request.operator_id, request.pin, peer_host(context.peer())
        )
        return staff_pb2.SignInResponse(token=token, session=self._session(session))

    @rpc
    async def SignOut(
        self, request: staff_pb2.SignOutRequest, context: Context
    ) -> staff_pb2.SignOutResponse:
        token = bearer(context)
        if token is not None:
            await self._staff.sign_out(token)
        return staff_pb2.SignOutResponse()

    @rpc
    async def WhoAmI(
        self, request: staff_pb2.WhoAmIRequest, context: Context
    ) -> staff_pb2.StaffSession:
        return self._session(signed_in(context, self._staff))

    @rpc
    async def SetPin(
        self, request: staff_pb2.SetPinRequest, context: Context
    ) -> staff_pb2.SetPinResponse:
        # The table lets in administrators and the admin socket's user, who has no session.
        session = current().staff
        by = session.operator_id if session is not None else "local"
        if not request.operator_id or not request.pin:
            raise InvalidRequest("give the operator id and the new PIN")
        at_ms, ended = await self._staff.set_pin(request.operator_id, request.pin, by)
        return staff_pb2.SetPinResponse(set_at_unix_ms=at_ms, sessions_ended=ended)

    @rpc
    async def GetFigures(
        self, request: staff_pb2.GetFiguresRequest, context: Context
    ) -> staff_pb2.OperatorFigures:
        session = signed_in(context, self._staff)
        operator_id = request.operator_id or session.operator_id
        if operator_id != session.operator_id:
            require(session, ADMINISTRATOR, "another operator's figures")
        day, figures = await self._staff.figures(operator_id)
        return _figures(operator_id, day, figures)

    @rpc
    async def ListStaff(
        self, request: staff_pb2.ListStaffRequest, context: Context
    ) -> staff_pb2.ListStaffResponse:
        require(signed_in(context, self._staff), ADMINISTRATOR, "the list of staff")
        day, members = await self._staff.members()
        return staff_pb2.ListStaffResponse(
            staff=[
                staff_pb2.StaffMember(
                    operator_id=m.operator.id,
                    name=m.operator.name,
                    roles=m.operator.roles,
                    signed_in=m.signed_in,
                    desk_id=m.desk_id,
                    figures=_figures(m.operator.id, day, m.figures),
                    has_pin=m.has_pin,
                    desk_ids=m.desk_ids,
                )
                for m in members
            ]
        )

    def _session(self, session: SignedIn) -> staff_pb2.StaffSession:
        return staff_pb2.StaffSession(
            operator_id=session.operator_id,
            name=session.name,
            roles=session.roles,
            expires_at_unix_ms=session.expires_ms,
            desk_ids=may_open(session, self._hub.loaded.branch),
        )


def _figures(operator_id: str, day: str, figures: Figures) -> staff_pb2.OperatorFigures:
    return staff_pb2.OperatorFigures(
        operator_id=operator_id,
        day=day,
        served=figures.served,
        average_service_s=figures.average_s,
        longest_service_s=round(figures.longest_ms / 1000),
        no_shows=figures.no_shows,
        transferred=figures.transferred,
    )
