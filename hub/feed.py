"""Fan-out of committed events to hall feed subscribers, with a short memory for resumes."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from itertools import islice

from hub.domain.model import Event


class Subscription:
    """One subscriber's queue; one that falls too far behind is dropped, not waited for."""

    def __init__(self, limit: int) -> None:
        self._queue: asyncio.Queue[Sequence[Event] | None] = asyncio.Queue(limit)
        self.overflowed = False

    def push(self, events: Sequence[Event]) -> None:
        if self.overflowed:
            return
        try:
            self._queue.put_nowait(events)
        except asyncio.QueueFull:
            self.close()

    def close(self) -> None:
        """End the subscription: the subscriber resumes from its last sequence."""
        self.overflowed = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    async def next_batch(self) -> Sequence[Event] | None:
        """The next committed events, or None once dropped."""
        return await self._queue.get()


class FeedBroker:
    def __init__(self, memory: int = 20_000, subscriber_limit: int = 5_000) -> None:
        self._recent: deque[Event] = deque(maxlen=memory)
        self._subscribers: set[Subscription] = set()
        self._limit = subscriber_limit

    def subscribe(self) -> Subscription:
        subscription = Subscription(self._limit)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def publish(self, events: Sequence[Event]) -> None:
        self._recent.extend(events)
        for subscription in self._subscribers:
            subscription.push(events)

    def recent_after(self, seq: int) -> list[Event] | None:
        """Remembered events after ``seq``, or None when memory does not reach back that far."""
        if not self._recent or self._recent[0].seq > seq + 1:
            return None
        return list(islice(self._recent, seq + 1 - self._recent[0].seq, None))

    def close_all(self) -> None:
        for subscription in self._subscribers:
            subscription.close()
