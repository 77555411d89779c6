"""Small asyncio helpers every long-running part of okno shares."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def until_stopped(awaitable: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The awaitable's result, or None (and the awaitable cancelled) once ``stop`` is set."""
    task = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


async def woken(event: asyncio.Event, seconds: float) -> bool:
    """Whether ``event`` was set within ``seconds``; a loop's nap that a kick cuts short.

    Not ``asyncio.wait_for``: on Python 3.11 it swallows a cancellation that arrives in the
    same turn as the event (the waited task is done, so it returns its result), and a loop
    napping this way then never stops: its ``stop()`` awaited the cancelled task for ever.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
            return True
    return False
