"""The hub's side of the sync: its event log, in order, in signed batches, to the back office.

The back office holds the cursor: it answers every push with the highest seq it has
stored with all below it, and the sender reads on from there. So the hub keeps nothing
about the sync in its own database, a hub killed mid-batch resends that batch (stored at
most once, the back office skips what it has), and a hub cut off for days retries with
backoff and then catches up in full batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import grpc

from hub.notify import Backoff
from hub.sync.errors import SyncRefused
from hub.sync.signing import sign, sign_directory
from okno.aio import woken
from okno.errors import OknoError
from protos.okno.v1 import sync_pb2, sync_pb2_grpc

if TYPE_CHECKING:
    from protos.okno.v1.sync_pb2_grpc import SyncAsyncStub

log = logging.getLogger(__name__)
BATCH = 2000
# The largest PushBatch the back office takes, encoded: it refuses a longer message before
# parsing it (RESOURCE_EXHAUSTED), so the sender cuts its batches to fit. 2,000 events of a
# busy hall are about 2 MiB; one event is bounded far below this by the hub's field limits.
MAX_BATCH_BYTES = 4 * 2**20
# What a PushBatch holds besides its events' payloads: the branch id (40 characters) and
# the signature (64), with their tags and lengths; and per event, its seq (a varint of at
# most 10 bytes), the payload's tag and length, and the event's own tag and length.
_BATCH_OVERHEAD = 256
_EVENT_OVERHEAD = 24
# Between attempts at an unreachable back office: a few seconds at most, so that the
# hub resumes sending within seconds of its return; an attempt is one TCP connect.
RETRY = Backoff(first_s=0.5, factor=2.0, longest_s=2.0)
# A running hub retries a refusal too (a person may fix the back office's side), but
# slowly: each attempt logs an error.
REFUSED_RETRY = Backoff(first_s=1.0, factor=2.0, longest_s=60.0)
# Refusals that a retry of the same batch cannot turn into success.
PERMANENT = frozenset(
    {
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.ALREADY_EXISTS,
    }
)
# What says the back office was not reached (or did not answer in time); any other
# failure is its answer to the batch, a refusal, and is logged as one.
UNREACHED = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
    }
)
# Failures of a directory push that a later attempt may get past: retried with the events.
_TRANSIENT = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
    }
)
# Reads the log: the events after a seq, at most so many, as (seq, payload JSON).
Source = Callable[[int, int], Awaitable[list[tuple[int, str]]]]


async def push(
    stub: SyncAsyncStub,
    branch_id: str,
    secret: str,
    events: list[tuple[int, str]],
    head_seq: int = 0,
) -> int:
    """Push one signed batch; the back office's acknowledged seq (AioRpcError if refused).

    ``head_seq``: the hub's last committed seq, which the back office keeps for a restore
    to count what was never sent (0: not told)."""
    request = sync_pb2.PushBatchRequest(
        branch_id=branch_id,
        events=[sync_pb2.SyncEvent(seq=s, payload=p) for s, p in events],
        signature=sign(secret, branch_id, events),
        head_seq=head_seq,
    )
    reply = await stub.PushBatch(request, timeout=60.0)
    return int(reply.acked_seq)


def fit(events: list[tuple[int, str]], limit: int = MAX_BATCH_BYTES) -> list[tuple[int, str]]:
    """The longest run of ``events`` from the first whose PushBatch stays within ``limit``
    bytes (at least the first event: one the back office refuses is refused with its size)."""
    size = _BATCH_OVERHEAD
    for count, (_seq, payload) in enumerate(events):
        size += len(payload.encode()) + _EVENT_OVERHEAD
        if size > limit and count:
            return events[:count]
    return events


def channel(target: str, ca: bytes | None = None) -> grpc.aio.Channel:
    """A channel to the back office; over TLS, trusting only ``ca`` (PEM), when given."""
    # A fetch's reply is cut to the same limit as a batch (backoffice/handback.py).
    options = [
        ("grpc.max_send_message_length", MAX_BATCH_BYTES),
        ("grpc.max_receive_message_length", MAX_BATCH_BYTES),
    ]
    if ca is None:
        return grpc.aio.insecure_channel(target, options=options)
    credentials = grpc.ssl_channel_credentials(root_certificates=ca)
    return grpc.aio.secure_channel(target, credentials, options=options)


def sync_stub(open_channel: grpc.aio.Channel) -> SyncAsyncStub:
    return sync_pb2_grpc.SyncStub(open_channel)


class Sender:
    def __init__(
        self,
        source: Source,
        *,
        branch_id: str,
        target: str,
        secret: str,
        batch: int = BATCH,
        backoff: Backoff | None = None,
        tick_s: float = 1.0,
        head: Callable[[], int] | None = None,
        directory: Callable[[], str] | None = None,
        ca: bytes | None = None,
    ) -> None:
        """``ca`` (PEM): dial the back office over TLS, trusting that authority alone.
        ``head`` is the last seq of the hub's own log, to notice a back office that holds
        more of the branch than the hub has: the hub's database was replaced or restored.
        ``directory`` gives the branch's names as now configured (hub/sync/directory.py):
        told at each new contact with the back office and whenever it changes."""
        self._source = source
        self._directory = directory
        # The directory last told (or refused) since the last contact began.
        self._told: str | None = None
        self._head = head
        self._branch_id = branch_id
        self._target = target
        self._ca = ca
        self._secret = secret
        self._batch = batch
        self._backoff = backoff or RETRY
        self._tick_s = tick_s
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._channel: grpc.aio.Channel | None = None
        # What the back office last said it holds; None until it has said.
        self.acked: int | None = None
        self.sent = 0
        self.refusals = 0
        # The back office holds seqs this hub's log does not have (see ``head``).
        self.diverged = False

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name="sync")
        log.info("sync started branch=%s backoffice=%s", self._branch_id, self._target)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def kick(self) -> None:
        """New events are committed: send now rather than at the next tick."""
        self._kick.set()

    async def run(self, *, until_seq: int | None = None) -> None:
        """Send for ever; with ``until_seq``, return once the back office holds it.

        With ``until_seq`` (``okno hub sync push``) a permanent refusal (a wrong secret, a
        conflicting log, a malformed event) raises SyncRefused: retrying cannot help.
        """
        failures = 0
        try:
            while until_seq is None or self.acked is None or self.acked < until_seq:
                try:
                    idle = await self._step(self._stub())
                    failures = 0
                except grpc.aio.AioRpcError as error:
                    failures += 1
                    if until_seq is not None and error.code() in PERMANENT:
                        raise SyncRefused(
                            f"the back office refuses branch {self._branch_id}'s events and "
                            f"would refuse them again: {error.details()}"
                        ) from None
                    await self._failed(error, failures)
                    continue
                except OknoError as error:
                    failures += 1
                    log.warning("sync cannot read the hub's log, will retry reason=%s", error)
                    await self._wait(self._backoff.after(failures))
                    continue
                if idle:
                    if until_seq is not None and self.acked is not None:
                        return
                    await self._wait(self._tick_s)
        finally:
            await self._close_channel()

    def _stub(self) -> SyncAsyncStub:
        if self._channel is None:
            self._channel = channel(self._target, self._ca)
        return sync_stub(self._channel)

    async def _close_channel(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    async def _step(self, stub: SyncAsyncStub) -> bool:
        """Send one batch; True when there was nothing to send."""
        if self.acked is None:
            self.acked = await self._push(stub, [])
            self._told = None
            log.info("back office holds branch=%s acked=%d", self._branch_id, self.acked)
        self._check_head(self.acked)
        await self._tell_directory(stub)
        events = fit(await self._source(self.acked, self._batch))
        if not events:
            return True
        self.acked = await self._push(stub, events)
        self.sent += len(events)
        return False

    def _check_head(self, acked: int) -> None:
        """Say, loudly and once, when the back office is ahead of this hub's own log.

        The hub then numbers new events with seqs the back office already holds, and
        they would never be sent: the person who replaced the database must know.
        """
        head = self._head() if self._head is not None else None
        diverged = head is not None and head < acked
        if diverged and not self.diverged:
            log.error(
                "back office holds seq %d of branch=%s but this hub's log ends at %s: the "
                "hub's database was replaced or restored from an older copy, and its events "
                "up to %d will not be sent; restore the latest database, or register the "
                "hub as a new branch (okno backoffice add-branch)",
                acked,
                self._branch_id,
                head,
                acked,
            )
        self.diverged = diverged

    async def _push(self, stub: SyncAsyncStub, events: list[tuple[int, str]]) -> int:
        head = self._head() if self._head is not None else 0
        return await push(stub, self._branch_id, self._secret, events, head)

    async def _tell_directory(self, stub: SyncAsyncStub) -> None:
        """Send the branch's names if the back office has not had these since the contact
        began. A refusal is logged and not repeated until the names change or the contact
        starts again: the events go on either way, shown by their ids."""
        directory = self._directory() if self._directory is not None else None
        if directory is None or directory == self._told:
            return
        request = sync_pb2.PushDirectoryRequest(
            branch_id=self._branch_id,
            directory=directory,
            signature=sign_directory(self._secret, self._branch_id, directory),
        )
        try:
            reply = await stub.PushDirectory(request, timeout=60.0)
            log.info("directory told branch=%s names=%d", self._branch_id, reply.names)
        except grpc.aio.AioRpcError as error:
            if error.code() in _TRANSIENT:
                raise
            log.error(
                "back office refuses the branch's directory, its reports show ids; code=%s: %s",
                error.code().name,
                error.details(),
            )
        self._told = directory

    async def _failed(self, error: grpc.aio.AioRpcError, failures: int) -> None:
        code = error.code()
        if code is grpc.StatusCode.FAILED_PRECONDITION and failures == 1:
            # Not where the back office is: ask it again at once and go on from there.
            log.info(
                "back office wants another seq branch=%s: %s", self._branch_id, error.details()
            )
            self.acked = None
            return
        if code not in UNREACHED:
            wait_s = REFUSED_RETRY.after(failures)
            self.refusals += 1
            log.error(
                "back office refuses the branch's events, %s; code=%s retry_in_s=%.0f: %s",
                "fix the setting" if code in PERMANENT else "see the back office's log",
                code.name,
                wait_s,
                error.details(),
            )
        else:
            wait_s = self._backoff.after(failures)
            # A channel that failed to connect waits out its own reconnect backoff and
            # fails calls at once meanwhile: a new channel connects on the next attempt.
            await self._close_channel()
            log.warning(
                "back office unreachable attempt=%d retry_in_s=%.1f code=%s",
                failures,
                wait_s,
                code.name,
            )
        self.acked = None
        await self._wait(wait_s)

    async def _wait(self, seconds: float) -> None:
        await woken(self._kick, seconds)
        self._kick.clear()
