"""The queue calls one press makes, each retried with its request id until the press's deadline.

The hub answers a retried call with its first answer and never acts twice, so a call is
sent again while the hub does not answer (the light says "hub lost" meanwhile) and given
up at the deadline; a refusal is typed at once (:func:`refusal`, shared with the rating box).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import grpc

from protos.okno.v1 import common_pb2, queue_pb2, queue_pb2_grpc
from staff_desk.errors import DeskError, HubLost, PressRefused, UnknownDesk
from staff_desk.picture import DeskView
from staff_desk.presses import Action

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub

log = logging.getLogger(__name__)
UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

Q = TypeVar("Q")
R = TypeVar("R")
Answered = Callable[[common_pb2.Desk, common_pb2.Ticket | None, int], None]


@dataclass(frozen=True, slots=True)
class PressOutcome:
    """What became of one press: ``result`` is "done", "nobody" or an error's code."""

    action: Action
    request_id: str
    result: str
    ticket: str = ""
    reason: str = ""


class QueueCalls:
    """A desk unit's calls to the hub's queue; ``retrying`` counts calls the hub left unanswered."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        answered: Answered,
        retried: Callable[[], None],
        *,
        clock: Callable[[], float],
        rpc_timeout_s: float,
    ) -> None:
        """``answered(desk, ticket, sequence)`` takes each answer as it comes; ``retried()``
        is told when ``retrying`` changed."""
        self._queue: QueueServiceAsyncStub = queue_pb2_grpc.QueueServiceStub(channel)
        self._answered = answered
        self._retried = retried
        self._clock = clock
        self._rpc_timeout_s = rpc_timeout_s
        self.retrying = 0

    async def perform(
        self,
        action: Action,
        desk_id: str,
        request_id: str,
        deadline: float,
        *,
        view: DeskView,
        operator: str,
    ) -> PressOutcome:
        """The calls ``action`` makes at ``desk_id`` as the desk is in ``view``, to ``deadline``."""
        queue = self._queue
        desk = queue_pb2.DeskRequest(request_id=request_id, desk_id=desk_id)
        if action in (Action.PAUSE, Action.CLOSE):
            method = queue.PauseDesk if action is Action.PAUSE else queue.CloseDesk
            changed = await self._call(method, desk, deadline)
            self._answered(changed.desk, None, changed.sequence)
            return PressOutcome(action, request_id, "done")
        if action is Action.CALL_NEXT:
            current = view.desk
            if current is not None and current.state != common_pb2.DESK_STATE_OPEN:
                # The unit is the operator's only way in: "call next" opens the desk first.
                opened = await self._call(
                    queue.OpenDesk,
                    queue_pb2.OpenDeskRequest(
                        request_id=f"{request_id}-open",
                        desk_id=desk_id,
                        operator_id=operator,
                    ),
                    deadline,
                )
                self._answered(opened.desk, None, opened.sequence)
            desk.request_id = f"{request_id}-call"
            answer = await self._call(queue.CallNext, desk, deadline)
        elif action is Action.RECALL:
            answer = await self._call(queue.Recall, desk, deadline)
        elif action is Action.NO_SHOW:
            answer = await self._call(queue.MarkNoShow, desk, deadline)
        else:
            ticket = view.ticket
            serving = ticket is not None and ticket.state == common_pb2.TICKET_STATE_SERVING
            toggle = queue.FinishService if serving else queue.StartService
            answer = await self._call(toggle, desk, deadline)
        ticket = answer.ticket if answer.HasField("ticket") else None
        self._answered(answer.desk, ticket, answer.sequence)
        if ticket is None:
            return PressOutcome(action, request_id, "nobody")
        return PressOutcome(action, request_id, "done", ticket.number)

    async def _call(
        self, method: grpc.aio.UnaryUnaryMultiCallable[Q, R], request: Q, deadline: float
    ) -> R:
        """One RPC, retried with the same request while the hub is unreachable, to ``deadline``.

        The light says "hub lost" while it retries.
        """
        pause = 0.05
        retrying = False
        try:
            while True:
                remaining = deadline - self._clock()
                try:
                    return await method(
                        request, timeout=max(0.05, min(self._rpc_timeout_s, remaining))
                    )
                except grpc.aio.AioRpcError as error:
                    if error.code() not in UNREACHABLE:
                        raise refusal(error) from error
                    if not retrying:
                        retrying = True
                        self.retrying += 1
                        log.warning("hub not answering a press code=%s", error.code().name)
                        self._retried()
                    if deadline - self._clock() <= pause:
                        raise HubLost(
                            f"the hub did not answer ({error.code().name}): the press was dropped",
                            maybe_done=True,
                        ) from error
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.4)
        finally:
            if retrying:
                self.retrying -= 1
                self._retried()


def refusal(error: grpc.aio.AioRpcError) -> DeskError:
    """The one mapping from the hub's refusals to the desk unit's errors."""
    hub_code = ""
    for key, value in error.trailing_metadata() or ():
        if key == "okno-error":
            hub_code = str(value)
    reason = error.details() or error.code().name
    if error.code() in UNREACHABLE:
        return HubLost(reason, maybe_done=True)
    if hub_code == "unknown_desk":
        return UnknownDesk(reason)
    return PressRefused(reason, hub_code)
