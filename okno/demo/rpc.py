"""The demo's gRPC clients: stubs on one loopback channel, and refusals turned into log lines."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import grpc

from protos.okno.v1 import (
    admin_pb2_grpc,
    catalogue_pb2_grpc,
    feed_pb2_grpc,
    printing_pb2_grpc,
    queue_pb2_grpc,
    ratings_pb2_grpc,
)

if TYPE_CHECKING:
    from protos.okno.v1.admin_pb2_grpc import AdminAsyncStub
    from protos.okno.v1.catalogue_pb2_grpc import CatalogueAsyncStub
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub
    from protos.okno.v1.printing_pb2_grpc import PrintingAsyncStub
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub
    from protos.okno.v1.ratings_pb2_grpc import RatingsAsyncStub

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stubs:
    queue: QueueServiceAsyncStub
    feed: HallFeedAsyncStub
    admin: AdminAsyncStub
    ratings: RatingsAsyncStub
    catalogue: CatalogueAsyncStub
    printing: PrintingAsyncStub

    @classmethod
    def on(cls, channel: grpc.aio.Channel) -> Stubs:
        return cls(
            queue_pb2_grpc.QueueServiceStub(channel),
            feed_pb2_grpc.HallFeedStub(channel),
            admin_pb2_grpc.AdminStub(channel),
            ratings_pb2_grpc.RatingsStub(channel),
            catalogue_pb2_grpc.CatalogueStub(channel),
            printing_pb2_grpc.PrintingStub(channel),
        )


def request_id() -> str:
    """A fresh id for a changing call, so that a retried call is harmless."""
    return uuid.uuid4().hex


async def attempt(call: Awaitable[T], rpc: str, **context: object) -> T | None:
    """The hub's answer, or None after one log line when the hub refuses or is gone."""
    try:
        return await call
    except grpc.aio.AioRpcError as error:
        fields = " ".join(f"{key}={value}" for key, value in context.items())
        log.warning(
            "rpc refused rpc=%s code=%s %s reason=%s",
            rpc,
            error.code().name,
            fields,
            error.details(),
        )
        return None
