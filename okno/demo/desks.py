"""Operators at the desks: open per the staffing plan, call, serve, take breaks, close.

An operator signs in when their shift starts and opens their desk as themselves (as at
the operator panel); the rest is pressed on the desk's unit, which calls as that desk
(calls, visits, breaks, the visitor's rating). An idle operator calls again when the hall
feed shows a visitor for their desk, as a desk display would prompt them, and otherwise
looks at the queue now and then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import grpc

from hub.traffic import Act, Shift, Step, day_start_ms, staffing, walk_in
from okno.demo.clock import wait_any
from okno.demo.members import sign_out
from okno.demo.rpc import attempt, request_id
from okno.demo.world import World
from protos.okno.v1 import (
    applications_pb2,
    applications_pb2_grpc,
    common_pb2,
    feed_pb2,
    queue_pb2,
    queue_pb2_grpc,
    ratings_pb2,
)

log = logging.getLogger(__name__)

# Simulated seconds an idle operator waits before looking at the queue unprompted.
IDLE_LOOK_S = 120.0
# Visitors who agree to keep a phone for notices of their application.
CONSENTING = 0.7
# Half the visitors press a button of the desk's rating box on leaving, mostly content.
RATERS = 0.5
SCORES = (1, 2, 3, 4, 5)
SCORE_WEIGHTS = (0.05, 0.08, 0.12, 0.25, 0.5)
_WAITING_AGAIN = (feed_pb2.EVENT_KIND_TICKET_ISSUED, feed_pb2.EVENT_KIND_TICKET_TRANSFERRED)


class Desks:
    """All the hall's operators; ``notice`` lets the hall feed prompt the idle ones."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self._world = world
        self._rng = rng
        self._numbers = {desk.id: desk.number for desk in world.branch.desks}
        self._prompts = {desk.id: asyncio.Event() for desk in world.branch.desks}
        self._serving: dict[str, list[str]] = {}
        for desk in world.branch.desks:
            for service_id in desk.services:
                self._serving.setdefault(service_id, []).append(desk.id)

    def notice(self, message: feed_pb2.FeedMessage) -> None:
        """Prompt the desks that may call a ticket which has just started waiting."""
        if message.WhichOneof("body") != "event" or message.event.kind not in _WAITING_AGAIN:
            return
        ticket = message.event.ticket
        targets = [ticket.target_desk_id] if ticket.target_desk_id else []
        for desk_id in targets or self._serving.get(ticket.service_id, []):
            self._prompts[desk_id].set()

    async def run(self) -> None:
        await asyncio.gather(*(self._days(desk_id) for desk_id in self._prompts))

    async def _days(self, desk_id: str) -> None:
        world = self._world
        zone = ZoneInfo(world.branch.timezone)
        day = datetime.fromtimestamp(world.clock() / 1000, zone).date()
        while not world.stop.is_set():
            start = day_start_ms(day, world.branch.timezone)
            shift = next((s for s in staffing(world.branch, start) if s.desk_id == desk_id), None)
            if (
                shift is not None
                and world.clock() < shift.closes_ms
                and await world.clock.sleep_until(shift.opens_ms, world.stop)
            ):
                await self._shift(shift)
            day += timedelta(days=1)

    async def _shift(self, shift: Shift) -> None:
        """Work the shift; past its end, serve whoever is still waiting, then close."""
        async with self._signed_in(shift) as staff:
            if staff is not None:
                await self._work(shift, staff)

    @contextlib.asynccontextmanager
    async def _signed_in(self, shift: Shift) -> AsyncIterator[grpc.aio.Channel | None]:
        """The shift's operator signed in for the shift, signed out after; None if refused."""
        staff = await attempt(
            self._world.sign_in(shift.operator_id), "SignIn", operator=shift.operator_id
        )
        try:
            yield staff
        finally:
            if staff is not None:
                await attempt(sign_out(staff), "SignOut", operator=shift.operator_id)

    async def _work(self, shift: Shift, staff: grpc.aio.Channel) -> None:
        world, desk_id = self._world, shift.desk_id
        unit = world.desks[desk_id].queue
        if not await self._open(shift, staff):
            return
        breaks = [b for b in shift.breaks if b[1] > world.clock()]
        while not world.stop.is_set():
            if breaks and world.clock() >= breaks[0][0]:
                begins, ends = breaks.pop(0)
                await self._take_break(shift, staff, (ends - begins) / 1000)
                continue
            self._prompts[desk_id].clear()
            called = await attempt(unit.CallNext(self._request(desk_id)), "CallNext", desk=desk_id)
            if called is not None and called.HasField("ticket"):
                await self._serve(desk_id, called.ticket, staff)
            elif world.clock() >= shift.closes_ms:
                await self._desk_call(unit.CloseDesk, desk_id, "closed")
                return
            else:
                due = [shift.closes_ms, *(begins for begins, _ in breaks[:1])]
                look_s = min(IDLE_LOOK_S, (min(due) - world.clock()) / 1000)
                await wait_any([self._prompts[desk_id], world.stop], world.clock.real_s(look_s))

    async def _open(self, shift: Shift, staff: grpc.aio.Channel) -> bool:
        """The operator opens the desk as themselves, as at the operator panel."""
        request = queue_pb2.OpenDeskRequest(request_id=request_id(), desk_id=shift.desk_id)
        opened = await attempt(
            queue_pb2_grpc.QueueServiceStub(staff).OpenDesk(request), "OpenDesk", desk=shift.desk_id
        )
        if opened is not None:
            log.info("desk opened desk=%d operator=%s", opened.desk.number, shift.operator_id)
        return opened is not None

    async def _take_break(self, shift: Shift, staff: grpc.aio.Channel, length_s: float) -> None:
        unit = self._world.desks[shift.desk_id].queue
        await self._desk_call(unit.PauseDesk, shift.desk_id, "paused")
        if await self._world.clock.sleep(length_s, self._world.stop):
            await self._open(shift, staff)

    async def _desk_call(
        self,
        rpc: Callable[[queue_pb2.DeskRequest], Awaitable[queue_pb2.DeskResponse]],
        desk_id: str,
        what: str,
    ) -> None:
        if await attempt(rpc(self._request(desk_id)), what, desk=desk_id) is not None:
            log.info("desk %s desk=%d", what, self._numbers[desk_id])

    async def _serve(
        self, desk_id: str, ticket: common_pb2.Ticket, staff: grpc.aio.Channel
    ) -> None:
        """Go through the visit step by step, as the called visitor behaves."""
        world = self._world
        if not world.visitors.knows(ticket.id):
            # Called before the kiosk heard back from the hub: a visitor of the model's average.
            service = world.branch.service(ticket.service_id)
            assert service is not None, "the hub issues tickets for configured services only"
            world.visitors.arrived(ticket.id, walk_in(service, world.clock(), self._rng))
        for step in world.visitors.steps(ticket.id, world.branch.max_recalls):
            if not await world.clock.sleep(step.after_s, world.stop):
                return
            if not await self._act(desk_id, ticket, step):
                return
            if step.act is Act.TRANSFER:
                world.visitors.transferred(ticket.id)
            if step.act is Act.FINISH:
                await self._file(ticket, staff)
                if self._rng.random() < RATERS:
                    await self._rate(desk_id)

    async def _file(self, ticket: common_pb2.Ticket, staff: grpc.aio.Channel) -> None:
        """A visitor served for a service that produces documents leaves an application;
        most agree to be told of it by SMS (demo numbers, +7 900 ...)."""
        service = self._world.branch.service(ticket.service_id)
        if service is None or service.processing_days is None:
            return
        consent = self._rng.random() < CONSENTING
        phone = f"+7900{self._rng.randrange(10**7):07d}" if consent else ""
        request = applications_pb2.AcceptApplicationRequest(
            ticket_id=ticket.id,
            phone=phone,
            notify_sms=consent,
            consent=consent,
            request_id=request_id(),
        )
        stub = applications_pb2_grpc.ApplicationsStub(staff)
        filed = await attempt(stub.Accept(request), "Accept", ticket=ticket.number)
        if filed is not None:
            log.info("application recorded number=%s ticket=%s", filed.number, ticket.number)
            self._world.filed.put_nowait(filed.number)

    async def _rate(self, desk_id: str) -> None:
        """The visitor just served presses one of the five buttons of the desk's rating box
        (the unit names its desk; the hub knows who has just left it)."""
        score = self._rng.choices(SCORES, SCORE_WEIGHTS)[0]
        request = ratings_pb2.RateServiceRequest(
            desk_id=desk_id, score=score, channel=ratings_pb2.RATING_CHANNEL_DESK
        )
        ratings = self._world.desks[desk_id].ratings
        await attempt(ratings.RateService(request), "RateService", desk=desk_id)

    async def _act(self, desk_id: str, ticket: common_pb2.Ticket, step: Step) -> bool:
        queue = self._world.desks[desk_id].queue
        request = self._request(desk_id)
        rpcs = {
            Act.RECALL: queue.Recall,
            Act.START: queue.StartService,
            Act.FINISH: queue.FinishService,
            Act.NO_SHOW: queue.MarkNoShow,
        }
        call: Awaitable[queue_pb2.TicketResponse]
        if step.act is Act.TRANSFER:
            call = queue.Transfer(
                queue_pb2.TransferRequest(
                    request_id=request.request_id,
                    desk_id=desk_id,
                    to_service_id=step.to_service_id,
                )
            )
        else:
            call = rpcs[step.act](request)
        if await attempt(call, step.act.value, desk=desk_id, ticket=ticket.number) is None:
            return False
        log.debug(
            "visit step=%s desk=%d ticket=%s", step.act.value, self._numbers[desk_id], ticket.number
        )
        return True

    @staticmethod
    def _request(desk_id: str) -> queue_pb2.DeskRequest:
        return queue_pb2.DeskRequest(request_id=request_id(), desk_id=desk_id)
