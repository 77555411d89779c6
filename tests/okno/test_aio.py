"""A loop that naps until kicked must stop when it is stopped, whatever else happens then."""

from __future__ import annotations

import asyncio
import contextlib

from okno.aio import woken


async def _napping_loop(kicked: asyncio.Event, naps: list[bool]) -> None:
    while True:
        naps.append(await woken(kicked, 30.0))
        kicked.clear()


async def test_a_napping_loop_kicked_and_cancelled_in_the_same_turn_stops() -> None:
    kicked = asyncio.Event()
    naps: list[bool] = []
    task = asyncio.get_running_loop().create_task(_napping_loop(kicked, naps))
    await asyncio.sleep(0)
    kicked.set()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        async with asyncio.timeout(5):
            await task
    assert task.cancelled()
    assert naps == []


async def test_a_nap_ends_early_when_kicked_and_says_so() -> None:
    kicked = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, kicked.set)
    assert await woken(kicked, 30.0) is True
    assert await woken(asyncio.Event(), 0.01) is False
