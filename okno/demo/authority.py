"""The centre's information system in the demo: it moves each application recorded at a
desk along as an authority would (in work, sometimes suspended, then ready), signed in as
the branch's `information_system` account, each change with its id and time.

The demo's day is short, so the authorities are quick: documents are ready within hours,
earlier than planned, and the applicants are told so.
"""

from __future__ import annotations

import asyncio
import logging
import random

from okno.demo.rpc import attempt
from okno.demo.world import World
from protos.okno.v1 import applications_pb2, applications_pb2_grpc

log = logging.getLogger(__name__)
S = applications_pb2
# Simulated minutes before the authority takes an application up, and before it is ready.
TAKEN_UP_MIN = (10.0, 40.0)
PREPARED_MIN = (60.0, 240.0)
SUSPENDED = 0.15
NEEDED = "нужна копия свидетельства о рождении ребёнка"


class InformationSystem:
    def __init__(self, world: World, rng: random.Random) -> None:
        self._world = world
        self._rng = rng
        self._account = next(
            (o.id for o in world.branch.operators if "information_system" in o.roles), ""
        )

    async def run(self) -> None:
        """Follow every recorded application until the demo stops."""
        if not self._account:
            log.info("no information_system account in the branch: applications stay accepted")
            return
        channel = await self._world.sign_in(self._account)
        stub = applications_pb2_grpc.ApplicationsStub(channel)
        moving: set[asyncio.Task[None]] = set()
        try:
            while not self._world.stop.is_set():
                number = await _next(self._world)
                if number is None:
                    break
                task = asyncio.create_task(self._follow(stub, number))
                moving.add(task)
                task.add_done_callback(moving.discard)
        finally:
            for task in moving:
                task.cancel()
            await asyncio.gather(*moving, return_exceptions=True)
            await channel.close()

    async def _follow(self, stub: applications_pb2_grpc.ApplicationsAsyncStub, number: str) -> None:
        steps = [(self._minutes(TAKEN_UP_MIN), S.APPLICATION_STATUS_IN_WORK, "")]
        if self._rng.random() < SUSPENDED:
            steps += [
                (self._minutes(TAKEN_UP_MIN), S.APPLICATION_STATUS_SUSPENDED, NEEDED),
                (self._minutes(PREPARED_MIN), S.APPLICATION_STATUS_IN_WORK, ""),
            ]
        steps.append((self._minutes(PREPARED_MIN), S.APPLICATION_STATUS_READY, ""))
        for n, (after_min, status, reason) in enumerate(steps):
            if not await self._world.clock.sleep(after_min * 60, self._world.stop):
                return
            change = S.SetApplicationStatusRequest(
                number=number,
                status=status,
                reason=reason,
                change_id=f"demo-ais/{number}/{n}",
                changed_at_unix_ms=self._world.clock(),
            )
            if await attempt(stub.SetStatus(change), "SetStatus", application=number) is None:
                return
            log.info(
                "application moved number=%s status=%s", number, S.ApplicationStatus.Name(status)
            )

    def _minutes(self, bounds: tuple[float, float]) -> float:
        return self._rng.uniform(*bounds)


async def _next(world: World) -> str | None:
    """The next recorded number, or None once the demo stops."""
    taken = asyncio.ensure_future(world.filed.get())
    stopped = asyncio.ensure_future(world.stop.wait())
    done, _ = await asyncio.wait({taken, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if taken in done:
        stopped.cancel()
        return taken.result()
    taken.cancel()
    return None
