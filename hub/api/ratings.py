"""Visitors' ratings over gRPC: a thin servicer over ``Hub.ratings``."""

from __future__ import annotations

from hub.api import scope
from hub.api.doorkeeper import current
from hub.api.status import Context, rpc
from hub.domain.model import Event, RatingChannel
from hub.errors import BadScore, InvalidRequest
from hub.service import Hub
from protos.okno.v1 import ratings_pb2, ratings_pb2_grpc

_CHANNELS = {
    channel: ratings_pb2.RatingChannel.Value(f"RATING_CHANNEL_{channel.name}")
    for channel in RatingChannel
}
_CHANNELS_BACK = {number: channel for channel, number in _CHANNELS.items()}


class RatingsServicer(ratings_pb2_grpc.RatingsServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    @rpc
    async def RateService(
        self, request: ratings_pb2.RateServiceRequest, context: Context
    ) -> ratings_pb2.RateServiceResponse:
        if bool(request.ticket_id) == bool(request.desk_id):
            raise InvalidRequest(
                "give exactly one of: the ticket or the desk whose service is rated"
            )
        # The rating box rates the service of its own desk, never another desk's operator.
        scope.check_desk(current(), request.desk_id, self._hub.loaded.branch)
        ratings = self._hub.ratings
        if request.desk_id:
            event = await ratings.rate_at_desk(request.desk_id, request.score)
        else:
            channel = _CHANNELS_BACK.get(request.channel)
            if channel is None:
                raise BadScore("say where the visitor rated: the kiosk, the desk or an SMS link")
            event = await ratings.rate(request.ticket_id, request.score, channel)
        return _response(event)


def _response(event: Event) -> ratings_pb2.RateServiceResponse:
    rating = event.rating
    assert rating is not None
    return ratings_pb2.RateServiceResponse(
        rating=ratings_pb2.Rating(
            ticket_id=rating.ticket_id,
            service_id=rating.service_id,
            desk_id=rating.desk_id,
            operator_id=rating.operator_id,
            score=rating.score,
            channel=_CHANNELS[rating.channel],
        ),
        sequence=event.seq,
        at_unix_ms=event.at_ms,
    )
