"""Following the hall feed as a display does: resume from the last sequence after any break."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import grpc

from okno.aio import until_stopped
from okno.demo.clock import wait_any
from protos.okno.v1 import feed_pb2

if TYPE_CHECKING:
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub

log = logging.getLogger(__name__)

RETRY_S = 0.5
Listener = Callable[[feed_pb2.FeedMessage], None]


async def follow(
    feed: HallFeedAsyncStub, stop: asyncio.Event, listeners: Sequence[Listener]
) -> None:
    """Hand every feed message to ``listeners`` in order, until ``stop`` is set."""
    after = 0
    while not stop.is_set():
        call = feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=after))
        try:
            while (message := await until_stopped(call.read(), stop)) is not None:
                if message is grpc.aio.EOF:
                    break
                assert isinstance(message, feed_pb2.FeedMessage)
                after = _sequence(message)
                for listener in listeners:
                    listener(message)
        except grpc.aio.AioRpcError as error:
            log.warning(
                "feed interrupted code=%s resume_after=%d reason=%s",
                error.code().name,
                after,
                error.details(),
            )
        finally:
            call.cancel()
        await wait_any([stop], RETRY_S)


def _sequence(message: feed_pb2.FeedMessage) -> int:
    if message.WhichOneof("body") == "snapshot":
        return message.snapshot.sequence
    return message.event.sequence
