"""QueueService: each RPC is one engine command, answered once committed."""

from __future__ import annotations

from collections.abc import Callable

from hub.api import convert, scope
from hub.api.doorkeeper import current
from hub.api.printing import Printers, slip
from hub.api.status import Context, rpc
from hub.domain.appointments import contacts
from hub.domain.engine import QueueEngine
from hub.domain.model import Desk, Outcome, Ticket
from hub.errors import InvalidRequest, PriorityNeedsCheckIn
from hub.journal import acting
from hub.service import Hub
from hub.staff import access
from protos.okno.v1 import common_pb2, queue_pb2, queue_pb2_grpc


class QueueServicer(queue_pb2_grpc.QueueServiceServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._printers = Printers(hub.fleet)

    @rpc
    async def IssueTicket(
        self, request: queue_pb2.IssueTicketRequest, context: Context
    ) -> queue_pb2.IssueTicketResponse:
        _require(service_id=request.service_id)
        appointment = self._hub.loaded.branch.appointments.priority
        if request.priority == appointment:
            raise PriorityNeedsCheckIn(
                f'the "{appointment}" priority comes with checking a booking in: check in '
                "with the booking's code (Appointments.CheckIn), or take a ticket without it"
            )
        caller = current()
        # A kiosk takes the visitor's word (a claim, judged at the desk); the administrator
        # issues on seeing the document, and the log says so.
        claimed = bool(request.priority) and caller.staff is None
        confirmed_by = caller.label if request.priority and caller.staff is not None else ""
        scope.check_printer(caller, request.printer_id)
        visitor_name = _visitor_name(request.visitor_name)
        # Checked, then dropped: a walk-in ticket keeps no SNILS hash (check-in by card
        # matches bookings through Appointments.CheckInByCard).
        contacts.snils_hash(request.snils_hash)
        issued = await self._hub.tickets.issue(
            request.service_id,
            priority=request.priority,
            priority_from_ms=request.priority_from_unix_ms,
            request_id=request.request_id,
            visitor_name=visitor_name,
            payment_id=request.payment_id,
            claimed=claimed,
            confirmed_by=confirmed_by,
        )
        ticket, estimate = issued.ticket, issued.estimate
        response = queue_pb2.IssueTicketResponse(
            ticket=self._ticket(ticket),
            estimate=convert.estimate(estimate),
            sequence=self._hub.committed_seq,
        )
        if request.printer_id:
            # Keyed by the ticket: a retried request finds the job it already made.
            job = await self._printers.submit(
                request.printer_id,
                slip(self._hub.loaded.branch, ticket, estimate, large=request.large_print),
                key=f"ticket:{ticket.id}",
            )
            response.print_job.CopyFrom(job)
        return response

    @rpc
    async def CallNext(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        return await self._desk_command(request, lambda e: e.call_next)

    @rpc
    async def CallTicket(
        self, request: queue_pb2.CallTicketRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        _require(desk_id=request.desk_id, ticket_id=request.ticket_id)
        outcome = await self._hub.run(
            _at_desk(
                request.desk_id,
                lambda engine, now: engine.call_ticket(
                    request.desk_id, request.ticket_id, now, request_id=request.request_id
                ),
            )
        )
        return self._ticket_response(outcome)

    @rpc
    async def Recall(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        return await self._desk_command(request, lambda e: e.recall)

    @rpc
    async def StartService(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        return await self._desk_command(request, lambda e: e.start)

    @rpc
    async def FinishService(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        return await self._desk_command(request, lambda e: e.finish)

    @rpc
    async def MarkNoShow(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        return await self._desk_command(request, lambda e: e.no_show)

    @rpc
    async def Transfer(
        self, request: queue_pb2.TransferRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        _require(desk_id=request.desk_id)
        unserved: list[bool] = []

        def transfer(engine: QueueEngine, now: int) -> Outcome:
            outcome = engine.transfer(
                request.desk_id,
                now,
                to_service_id=request.to_service_id,
                to_desk_id=request.to_desk_id,
                comment=request.comment,
                request_id=request.request_id,
            )
            # Judged on the state the transfer ran on: nothing opens a desk in between.
            unserved.append(outcome.ticket is not None and not engine.callable_now(outcome.ticket))
            return outcome

        outcome = await self._hub.run(_at_desk(request.desk_id, transfer))
        response = self._ticket_response(outcome)
        response.no_open_desk = unserved[-1]
        return response

    @rpc
    async def CancelTicket(
        self, request: queue_pb2.CancelTicketRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        _require(ticket_id=request.ticket_id)
        who = current().staff

        def cancel(engine: QueueEngine, now: int) -> Outcome:
            if who is not None:
                access.check_cancel(who, engine.ticket(request.ticket_id), self._desks(engine))
            return engine.cancel(
                request.ticket_id, now, reason=request.reason, request_id=request.request_id
            )

        outcome = await self._hub.run(cancel)
        return self._ticket_response(outcome)

    @rpc
    async def OpenDesk(
        self, request: queue_pb2.OpenDeskRequest, context: Context
    ) -> queue_pb2.DeskResponse:
        _require(desk_id=request.desk_id)
        caller = current()
        who = caller.staff

        def open_desk(engine: QueueEngine, now: int) -> Outcome:
            scope.check_desk(caller, request.desk_id, engine.config)
            operator_id = request.operator_id
            if who is not None:
                operator_id = access.check_open(
                    who,
                    engine.config,
                    self._desks(engine),
                    engine.desk(request.desk_id),
                    operator_id,
                )
            return engine.open_desk(
                request.desk_id, now, operator_id=operator_id, request_id=request.request_id
            )

        outcome = await self._hub.run(open_desk)
        return self._desk_response(outcome)

    @rpc
    async def CloseDesk(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.DeskResponse:
        return self._desk_response(await self._on_desk(request, lambda e: e.close_desk))

    @rpc
    async def PauseDesk(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.DeskResponse:
        return self._desk_response(await self._on_desk(request, lambda e: e.pause_desk))

    @rpc
    async def GetQueueState(
        self, request: queue_pb2.GetQueueStateRequest, context: Context
    ) -> common_pb2.QueueState:
        who = current()
        state = await self._hub.snapshot()
        return convert.snapshot(state, named=lambda t: scope.sees_names(who, t, state.desks))

    @rpc
    async def EstimateWait(
        self, request: queue_pb2.EstimateWaitRequest, context: Context
    ) -> common_pb2.WaitEstimate:
        _require(service_id=request.service_id)
        return convert.estimate(await self._hub.estimate(request.service_id))

    @rpc
    async def GetTicket(
        self, request: queue_pb2.GetTicketRequest, context: Context
    ) -> common_pb2.Ticket:
        _require(ticket_id=request.ticket_id)
        return self._ticket(await self._hub.ticket(request.ticket_id))

    @rpc
    async def ConfirmPriority(
        self, request: queue_pb2.DeskRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        _require(desk_id=request.desk_id)
        who = acting()
        outcome = await self._hub.run(
            _at_desk(
                request.desk_id,
                lambda engine, now: engine.confirm_priority(
                    request.desk_id,
                    now,
                    actor=who.actor,
                    door=who.door,
                    request_id=request.request_id,
                ),
            )
        )
        return self._ticket_response(outcome)

    @rpc
    async def RemovePriority(
        self, request: queue_pb2.RemovePriorityRequest, context: Context
    ) -> queue_pb2.TicketResponse:
        _require(desk_id=request.desk_id)
        who = acting()
        outcome = await self._hub.run(
            _at_desk(
                request.desk_id,
                lambda engine, now: engine.remove_priority(
                    request.desk_id,
                    now,
                    reason=request.reason,
                    actor=who.actor,
                    door=who.door,
                    request_id=request.request_id,
                ),
            )
        )
        return self._ticket_response(outcome)

    @rpc
    async def FindTicketWait(
        self, request: queue_pb2.FindTicketWaitRequest, context: Context
    ) -> queue_pb2.TicketWaits:
        waits = await self._hub.ticket_waits(request.digits)
        return queue_pb2.TicketWaits(
            waits=[
                queue_pb2.TicketWait(ticket=self._ticket(t), estimate=convert.estimate(e))
                for t, e in waits
            ]
        )

    def _ticket(self, ticket: Ticket) -> common_pb2.Ticket:
        """The ticket, with the visitor's name only for who may read it (hub.api.scope)."""
        named = scope.sees_names(current(), ticket, self._desks(self._hub.engine))
        return convert.ticket(ticket, named=named)

    async def _desk_command(
        self,
        request: queue_pb2.DeskRequest,
        command: Callable[[QueueEngine], Callable[..., Outcome]],
    ) -> queue_pb2.TicketResponse:
        return self._ticket_response(await self._on_desk(request, command))

    async def _on_desk(
        self,
        request: queue_pb2.DeskRequest,
        command: Callable[[QueueEngine], Callable[..., Outcome]],
    ) -> Outcome:
        """Run a command that names only a desk (and the request id)."""
        _require(desk_id=request.desk_id)
        return await self._hub.run(
            _at_desk(
                request.desk_id,
                lambda engine, now: command(engine)(
                    request.desk_id, now, request_id=request.request_id
                ),
            )
        )

    @staticmethod
    def _desks(engine: QueueEngine) -> list[Desk]:
        return [engine.desk(d.id) for d in engine.config.desks]

    def _ticket_response(self, outcome: Outcome) -> queue_pb2.TicketResponse:
        response = queue_pb2.TicketResponse(sequence=self._hub.committed_seq)
        if outcome.ticket is not None:
            response.ticket.CopyFrom(self._ticket(outcome.ticket))
        if outcome.desk is not None:
            response.desk.CopyFrom(convert.desk(outcome.desk))
        return response

    def _desk_response(self, outcome: Outcome) -> queue_pb2.DeskResponse:
        assert outcome.desk is not None
        return queue_pb2.DeskResponse(
            desk=convert.desk(outcome.desk), sequence=self._hub.committed_seq
        )


def _at_desk(
    desk_id: str, command: Callable[[QueueEngine, int], Outcome]
) -> Callable[[QueueEngine, int], Outcome]:
    """The command, refused first when the caller may not work at the desk: staff by their
    roles, a desk unit anywhere but its own desk.

    Checked inside the command, against the state it runs on: nothing can change the
    desk between the check and the command.
    """
    caller = current()

    def guarded(engine: QueueEngine, now: int) -> Outcome:
        scope.check_desk(caller, desk_id, engine.config)
        if caller.staff is not None:
            access.check_desk(caller.staff, engine.desk(desk_id))
        return command(engine, now)

    return guarded


def _require(**fields: str) -> None:
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise InvalidRequest(f"missing {', '.join(missing)}: the request must name it")


_NAME_MAX = 200


def _visitor_name(value: str) -> str:
    """A card-identified visitor's name, trimmed; refused when it cannot be a name.

    The refusal never repeats the name: refusals are logged.
    """
    name = " ".join(value.split())
    if len(name) > _NAME_MAX:
        raise InvalidRequest(f"visitor_name is longer than {_NAME_MAX} characters")
    if any(not ch.isprintable() for ch in name):
        raise InvalidRequest("visitor_name has characters that are not printable")
    return name
