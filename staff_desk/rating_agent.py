"""Binds the rating box to the hub: each press becomes one ``Ratings.RateService`` call.

The hub rates the ticket the desk finished last (``desk_id`` in the request), so the box
needs no ticket of its own and cannot rate a visitor it never saw. A press the hub refuses
(nobody just served, rated already) or that finds the hub unreachable is dropped, never
sent later: a late rating would land on whoever was served next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from protos.okno.v1 import ratings_pb2, ratings_pb2_grpc
from staff_desk.errors import DeskError
from staff_desk.queue_calls import refusal
from staff_desk.rating_box import DEFAULT_PINS, RatingBox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rated:
    """What became of a press: ``result`` is "done" or the hub's refusal code."""

    score: int
    result: str
    ticket_id: str = ""


class RatingAgent:
    def __init__(
        self, channel: grpc.aio.Channel, desk_id: str, *, rpc_timeout_s: float = 5.0
    ) -> None:
        self.desk_id = desk_id
        self._stub = ratings_pb2_grpc.RatingsStub(channel)
        self._timeout_s = rpc_timeout_s
        self._loop = asyncio.get_running_loop()
        self._tasks: set[asyncio.Task[None]] = set()
        self.outcomes: list[Rated] = []
        self.changed = asyncio.Event()

    def press_from_thread(self, score: int) -> None:
        """The box's ``on_score``: called on gpiozero's thread, runs on the agent's loop."""
        self._loop.call_soon_threadsafe(self.press, score)

    def press(self, score: int) -> None:
        task = self._loop.create_task(self._rate(score), name=f"rate-{score}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _rate(self, score: int) -> None:
        request = ratings_pb2.RateServiceRequest(desk_id=self.desk_id, score=score)
        try:
            answer = await self._stub.RateService(request, timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            refused: DeskError = refusal(error)
            code = getattr(refused, "hub_code", "") or refused.code
            log.info("rating not recorded desk=%s score=%d code=%s", self.desk_id, score, code)
            self._done(Rated(score, code))
            return
        log.info("rating recorded desk=%s score=%d seq=%d", self.desk_id, score, answer.sequence)
        self._done(Rated(score, "done", answer.rating.ticket_id))

    def _done(self, outcome: Rated) -> None:
        self.outcomes.append(outcome)
        self.changed.set()

    async def until(self, count: int, timeout_s: float) -> list[Rated]:
        """Wait until ``count`` presses have an outcome (for tests and the demo)."""
        async with asyncio.timeout(timeout_s):
            while len(self.outcomes) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.outcomes

    async def close(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def run_rating_box(
    channel: grpc.aio.Channel,
    desk_id: str,
    stop: asyncio.Event,
    *,
    pins: Sequence[int] = DEFAULT_PINS,
    pin_factory: object | None = None,
) -> RatingAgent:
    """Run a desk's rating box until ``stop``; the agent, for its outcomes."""
    agent = RatingAgent(channel, desk_id)
    with RatingBox(agent.press_from_thread, pins, pin_factory=pin_factory):
        log.info("rating box ready desk=%s pins=%s", desk_id, ",".join(map(str, pins)))
        await stop.wait()
    await agent.close()
    return agent
