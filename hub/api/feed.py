"""HallFeed: the resumable stream every display follows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from hub.api import convert
from hub.api.status import status_code
from hub.domain.model import Snapshot
from hub.errors import HubError, InvalidRequest
from hub.service import Hub
from protos.okno.v1 import feed_pb2, feed_pb2_grpc


class HallFeedServicer(feed_pb2_grpc.HallFeedServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def Subscribe(
        self,
        request: feed_pb2.SubscribeRequest,
        context: grpc.aio.ServicerContext[object, object],
    ) -> AsyncIterator[feed_pb2.FeedMessage]:
        try:
            if request.after_sequence < 0:
                raise InvalidRequest("after_sequence cannot be negative: send 0 for a snapshot")
            async for item in self._hub.follow(request.after_sequence):
                if isinstance(item, Snapshot):
                    yield feed_pb2.FeedMessage(snapshot=convert.snapshot(item))
                else:
                    yield feed_pb2.FeedMessage(event=convert.event(item))
        except HubError as error:
            context.set_trailing_metadata((("okno-error", error.code),))
            await context.abort(status_code(error), str(error))
        # The hub dropped this subscriber (it fell behind, or the hub is stopping).
        await context.abort(
            grpc.StatusCode.UNAVAILABLE, "feed interrupted: subscribe again from your last sequence"
        )
