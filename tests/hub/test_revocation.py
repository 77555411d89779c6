"""Taking a credential back takes effect at once: a revoked device and a signed-out staff
member are refused on their next call, and the hall feed either holds open is cut within
about two seconds (hub.api.doorkeeper.RECHECK_S), not left running on a dead credential."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from protos.okno.v1 import (
    devices_pb2,
    devices_pb2_grpc,
    feed_pb2,
    feed_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    staff_pb2,
    staff_pb2_grpc,
)
from tests.hub.conftest import Served
from tests.hub.devices import device, refused

if TYPE_CHECKING:
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub

CUT_WITHIN_S = 2.5


async def open_feed(
    feed: HallFeedAsyncStub,
) -> grpc.aio.UnaryStreamCall[feed_pb2.SubscribeRequest, feed_pb2.FeedMessage]:
    """A hall feed, once its snapshot arrived: the stream is open and being served."""
    stream = feed.Subscribe(feed_pb2.SubscribeRequest())
    first = await asyncio.wait_for(stream.read(), 5)
    assert isinstance(first, feed_pb2.FeedMessage) and first.HasField("snapshot")
    return stream


async def cut(
    stream: grpc.aio.UnaryStreamCall[feed_pb2.SubscribeRequest, feed_pb2.FeedMessage],
) -> tuple[grpc.aio.AioRpcError, float]:
    """How an open stream ended, and how many seconds after this was called."""
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def drained() -> None:
        while await stream.read() is not grpc.aio.EOF:
            pass

    with pytest.raises(grpc.aio.AioRpcError) as ended:
        await asyncio.wait_for(drained(), 10)
    return ended.value, loop.time() - started


def okno_error(error: grpc.aio.AioRpcError) -> str:
    return str(dict(error.trailing_metadata() or ()).get("okno-error", ""))


async def test_a_revoked_display_is_refused_at_once_and_its_feed_cut(
    served: Served, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "hall_display", "D-1") as display:
        queue = queue_pb2_grpc.QueueServiceStub(display)
        await queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        stream = await open_feed(feed_pb2_grpc.HallFeedStub(display))
        await devices_pb2_grpc.ProvisioningStub(served.local).RevokeDevice(
            devices_pb2.RevokeDeviceRequest(device_id="hall_display-D-1")
        )
        assert await refused(queue.GetQueueState(queue_pb2.GetQueueStateRequest())) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "revoked_certificate",
        )
        error, after_s = await cut(stream)
    assert after_s < CUT_WITHIN_S, f"the feed ran {after_s:.1f} s on a revoked certificate"
    assert (error.code(), okno_error(error)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "revoked_certificate",
    )
    assert "hall_display-D-1" in (error.details() or "")
    assert "was revoked" in (error.details() or "")
    assert "the stream was cut" in (error.details() or "")


async def test_a_signed_out_operator_is_refused_at_once_and_her_feed_cut(
    served: Served,
) -> None:
    async with await served.staff_channel("ivanova-a") as operator:
        queue = queue_pb2_grpc.QueueServiceStub(operator)
        await queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        stream = await open_feed(feed_pb2_grpc.HallFeedStub(operator))
        await staff_pb2_grpc.StaffStub(operator).SignOut(staff_pb2.SignOutRequest())
        assert await refused(queue.GetQueueState(queue_pb2.GetQueueStateRequest())) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "signed_out",
        )
        error, after_s = await cut(stream)
    assert after_s < CUT_WITHIN_S, f"the feed ran {after_s:.1f} s after the sign-out"
    assert (error.code(), okno_error(error)) == (grpc.StatusCode.UNAUTHENTICATED, "signed_out")
    assert "sign in again" in (error.details() or "")
    # Another's session is untouched: the administrator's feed and calls go on.
    await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
