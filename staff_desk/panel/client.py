"""The operator panel's way to the hub: gRPC calls that carry the staff token.

Every call goes to the hub's network port over TLS, trusting only the branch CA (the
file a technician copied from the hub, compared by its fingerprint), with
``authorization: Bearer <token>`` once signed in. Before that the hub answers nothing
but the sign-in and whether it is up: even the branch's staff list is for the signed-in.
A refusal becomes :class:`ActionRefused` with the hub's own sentence, a lost hub
:class:`HubUnreachable`, an ended sign-in :class:`SessionEnded`. Nothing is retried
behind the operator's back: a click is one request (with its own request id, so the
hub never applies it twice), and a failure is shown at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    applications_pb2,
    applications_pb2_grpc,
    appointments_pb2,
    appointments_pb2_grpc,
    common_pb2,
    desk_cards_pb2,
    desk_cards_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    staff_pb2,
    staff_pb2_grpc,
)
from staff_desk.panel.errors import ActionRefused, HubUnreachable, SessionEnded

if TYPE_CHECKING:
    from protos.okno.v1.admin_pb2_grpc import AdminAsyncStub
    from protos.okno.v1.applications_pb2_grpc import ApplicationsAsyncStub
    from protos.okno.v1.appointments_pb2_grpc import AppointmentsAsyncStub
    from protos.okno.v1.desk_cards_pb2_grpc import DeskCardsAsyncStub
    from protos.okno.v1.printing_pb2_grpc import PrintingAsyncStub
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub
    from protos.okno.v1.staff_pb2_grpc import StaffAsyncStub

T = TypeVar("T")
TIMEOUT_S = 3.0
# Where the hub run with its default --db (var/okno.db) keeps the branch CA (hub/service.py).
DEFAULT_HUB_CA = Path("var/okno-pki/ca.pem")
# gRPC's own reconnect backoff grows to two minutes; a panel must see the hub back soon.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
)


@dataclass(frozen=True, slots=True)
class HallInfo:
    """What the branch is: its name and target, services, desks and staff."""

    branch: admin_pb2.Branch
    services: list[admin_pb2.ServiceInfo]
    desks: list[admin_pb2.DeskInfo]
    operators: list[admin_pb2.Operator]
    priorities: list[admin_pb2.PriorityCategory] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Picture:
    """One refresh: the queue, the operator's figures and, for administrators, the staff."""

    state: common_pb2.QueueState
    figures: staff_pb2.OperatorFigures | None
    staff: list[staff_pb2.StaffMember] | None


class StaffClient:
    def __init__(self, address: str, ca_pem: bytes, *, timeout_s: float = TIMEOUT_S) -> None:
        self.address = address
        self.timeout_s = timeout_s
        self.token = ""
        credentials = grpc.ssl_channel_credentials(root_certificates=ca_pem)
        self._channel = grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS)
        self._queue: QueueServiceAsyncStub = queue_pb2_grpc.QueueServiceStub(self._channel)
        self._admin: AdminAsyncStub = admin_pb2_grpc.AdminStub(self._channel)
        self._staff: StaffAsyncStub = staff_pb2_grpc.StaffStub(self._channel)
        self._applications: ApplicationsAsyncStub = applications_pb2_grpc.ApplicationsStub(
            self._channel
        )
        self._printing: PrintingAsyncStub = printing_pb2_grpc.PrintingStub(self._channel)
        self._desk_cards: DeskCardsAsyncStub = desk_cards_pb2_grpc.DeskCardsStub(self._channel)
        self._appointments: AppointmentsAsyncStub = appointments_pb2_grpc.AppointmentsStub(
            self._channel
        )
        self._health = health_pb2_grpc.HealthStub(self._channel)

    async def close(self) -> None:
        await self._channel.close()

    # -- the branch and the sign-in --------------------------------------------------

    async def reachable(self) -> None:
        """Whether the hub answers (all it tells a panel nobody has signed in at)."""
        await self._call(self._health.Check, health_pb2.HealthCheckRequest())

    async def hall(self, *, staff: bool) -> HallInfo:
        """The branch as the signed-in person may read it; ``staff`` (administrators) adds
        the staff list, whose names the hall view shows at the desks."""
        branch = await self._call(self._admin.GetBranch, admin_pb2.GetBranchRequest())
        services = await self._call(self._admin.ListServices, admin_pb2.ListServicesRequest())
        desks = await self._call(self._admin.ListDesks, admin_pb2.ListDesksRequest())
        operators = (
            list(
                (
                    await self._call(self._admin.ListOperators, admin_pb2.ListOperatorsRequest())
                ).operators
            )
            if staff
            else []
        )
        return HallInfo(
            branch,
            list(services.services),
            list(desks.desks),
            operators,
            list(services.priorities),
        )

    async def sign_in(self, operator_id: str, pin: str) -> staff_pb2.StaffSession:
        response = await self._call(
            self._staff.SignIn, staff_pb2.SignInRequest(operator_id=operator_id, pin=pin)
        )
        self.token = response.token
        return response.session

    async def sign_out(self) -> None:
        """End the session on the hub; the token is forgotten even if the hub is away."""
        try:
            if self.token:
                await self._call(self._staff.SignOut, staff_pb2.SignOutRequest())
        finally:
            self.token = ""

    async def who(self) -> staff_pb2.StaffSession:
        return await self._call(self._staff.WhoAmI, staff_pb2.WhoAmIRequest())

    async def picture(self, *, figures: bool, staff: bool) -> Picture:
        state = await self._call(self._queue.GetQueueState, queue_pb2.GetQueueStateRequest())
        mine = (
            await self._call(self._staff.GetFigures, staff_pb2.GetFiguresRequest())
            if figures
            else None
        )
        members = (
            list((await self._call(self._staff.ListStaff, staff_pb2.ListStaffRequest())).staff)
            if staff
            else None
        )
        return Picture(state, mine, members)

    # -- the desk ------------------------------------------------------------------------

    async def open_desk(self, desk_id: str, operator_id: str = "") -> common_pb2.Desk:
        request = queue_pb2.OpenDeskRequest(
            request_id=_request_id(), desk_id=desk_id, operator_id=operator_id
        )
        return (await self._call(self._queue.OpenDesk, request)).desk

    async def close_desk(self, desk_id: str) -> common_pb2.Desk:
        return (await self._call(self._queue.CloseDesk, _desk(desk_id))).desk

    async def pause_desk(self, desk_id: str) -> common_pb2.Desk:
        return (await self._call(self._queue.PauseDesk, _desk(desk_id))).desk

    async def call_next(self, desk_id: str) -> common_pb2.Ticket | None:
        response = await self._call(self._queue.CallNext, _desk(desk_id))
        return response.ticket if response.HasField("ticket") else None

    async def call_ticket(self, desk_id: str, ticket_id: str) -> common_pb2.Ticket:
        request = queue_pb2.CallTicketRequest(
            request_id=_request_id(), desk_id=desk_id, ticket_id=ticket_id
        )
        return (await self._call(self._queue.CallTicket, request)).ticket

    async def recall(self, desk_id: str) -> common_pb2.Ticket:
        return (await self._call(self._queue.Recall, _desk(desk_id))).ticket

    async def start(self, desk_id: str) -> common_pb2.Ticket:
        return (await self._call(self._queue.StartService, _desk(desk_id))).ticket

    async def finish(self, desk_id: str) -> common_pb2.Ticket:
        return (await self._call(self._queue.FinishService, _desk(desk_id))).ticket

    async def no_show(self, desk_id: str) -> common_pb2.Ticket:
        return (await self._call(self._queue.MarkNoShow, _desk(desk_id))).ticket

    async def transfer(
        self, desk_id: str, *, to_service_id: str = "", to_desk_id: str = "", comment: str = ""
    ) -> queue_pb2.TicketResponse:
        """The hub's answer: the ticket, and ``no_open_desk`` when nobody can call it now."""
        request = queue_pb2.TransferRequest(
            request_id=_request_id(),
            desk_id=desk_id,
            to_service_id=to_service_id,
            to_desk_id=to_desk_id,
            comment=comment,
        )
        return await self._call(self._queue.Transfer, request)

    async def confirm_priority(self, desk_id: str) -> common_pb2.Ticket:
        return (await self._call(self._queue.ConfirmPriority, _desk(desk_id))).ticket

    async def remove_priority(self, desk_id: str, reason: str) -> common_pb2.Ticket:
        """The ticket back in the queue as a regular one; ``reason`` stays on the hub."""
        request = queue_pb2.RemovePriorityRequest(
            request_id=_request_id(), desk_id=desk_id, reason=reason
        )
        return (await self._call(self._queue.RemovePriority, request)).ticket

    # -- after the visit -----------------------------------------------------------------

    async def accept(
        self, request: applications_pb2.AcceptApplicationRequest
    ) -> applications_pb2.Application:
        """Record an application; the request carries its own id, so a retry of the same
        form gets the application the first try recorded, never a second one."""
        return await self._call(self._applications.Accept, request)

    async def print_slip(
        self, printer_id: str, title: str, lines: list[str]
    ) -> common_pb2.PrintJob:
        """Queue a slip of text on a ticket printer: one paper per call."""
        request = printing_pb2.PrintSlipRequest(
            printer_id=printer_id, request_id=_request_id(), title=title, lines=lines
        )
        return await self._call(self._printing.PrintSlip, request)

    # -- the visitor by card ------------------------------------------------------------

    async def desk_card(self, desk_id: str) -> desk_cards_pb2.DeskCard:
        """Who the desk's card reader read, with their bookings and applications (or nobody)."""
        return await self._call(
            self._desk_cards.GetDeskCard, desk_cards_pb2.GetDeskCardRequest(desk_id=desk_id)
        )

    async def check_in(self, code: str) -> appointments_pb2.CheckInResponse:
        """Check a booking in by its code: the visitor gets its priority ticket."""
        request = appointments_pb2.CheckInRequest(request_id=_request_id(), code=code)
        return await self._call(self._appointments.CheckIn, request)

    # -- one call ------------------------------------------------------------------------

    async def _call(self, method: Callable[..., Awaitable[T]], request: object) -> T:
        metadata = (("authorization", f"Bearer {self.token}"),) if self.token else ()
        try:
            return await method(request, metadata=metadata, timeout=self.timeout_s)
        except grpc.aio.AioRpcError as error:
            translated = _translated(error, self.address, self.timeout_s)
            if isinstance(translated, SessionEnded):
                self.token = ""
            raise translated from error


def _translated(error: grpc.aio.AioRpcError, address: str, timeout_s: float) -> Exception:
    code = error.code()
    details = error.details() or code.name
    hub_code = dict(error.trailing_metadata() or ()).get("okno-error", "")
    if code == grpc.StatusCode.UNAVAILABLE:
        return HubUnreachable(f"no answer from the hub at {address}: nothing was done")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return HubUnreachable(
            f"the hub did not answer within {timeout_s:g} s: look at the queue before repeating",
            maybe_done=True,
        )
    if code == grpc.StatusCode.UNAUTHENTICATED and hub_code != "wrong_pin":
        return SessionEnded(details)
    return ActionRefused(details, str(hub_code))


def _request_id() -> str:
    return uuid.uuid4().hex


def _desk(desk_id: str) -> queue_pb2.DeskRequest:
    return queue_pb2.DeskRequest(request_id=_request_id(), desk_id=desk_id)
