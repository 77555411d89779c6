"""The feed's fan-out: a slow or stopped subscriber is told to resume, never left hanging."""

from __future__ import annotations

import asyncio

from hub.domain.model import Event, EventKind
from hub.feed import FeedBroker


def events(first: int, count: int) -> list[Event]:
    return [Event(s, 0, "2026-11-23", EventKind.DESK_OPENED) for s in range(first, first + count)]


async def test_a_waiting_subscriber_is_woken_when_the_feed_closes() -> None:
    broker = FeedBroker()
    subscription = broker.subscribe()
    waiting = asyncio.create_task(subscription.next_batch())
    await asyncio.sleep(0)
    broker.close_all()
    assert await asyncio.wait_for(waiting, 1) is None


async def test_a_subscriber_that_falls_behind_is_dropped_not_waited_for() -> None:
    broker = FeedBroker(subscriber_limit=2)
    slow = broker.subscribe()
    for seq in range(1, 5):
        broker.publish(events(seq, 1))
    assert slow.overflowed
    assert await asyncio.wait_for(slow.next_batch(), 1) is None


def test_memory_answers_only_what_it_still_holds() -> None:
    broker = FeedBroker(memory=3)
    broker.publish(events(1, 5))
    assert broker.recent_after(1) is None
    assert [e.seq for e in broker.recent_after(2) or []] == [3, 4, 5]
    assert broker.recent_after(5) == []
