"""Fetching the branch's own events back from the back office, page by page: the catch-up
of a hub restored from an older backup (docs/backoffice.md, "Handing events back").

The caller replays each page before the next is asked for, so millions of events never
sit in memory; once the pages are done, the fetch says what the back office had
acknowledged and which seqs it acknowledged without holding them (events it refused
alone), so that nothing lost goes unreported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import grpc

from hub.sync.errors import BackOfficeUnreachable, FetchFailed, FetchRefused
from hub.sync.sender import BATCH, UNREACHED, channel, sync_stub
from hub.sync.signing import sign_fetch
from protos.okno.v1 import sync_pb2

if TYPE_CHECKING:
    from protos.okno.v1.sync_pb2_grpc import SyncAsyncStub


@dataclass(frozen=True, slots=True)
class Page:
    events: list[tuple[int, str]]  # (seq, payload JSON) as the hub pushed them, in order
    acked_seq: int  # what the back office had acknowledged when it answered


class Fetch:
    """The branch's events after ``after_seq``: ``async for page in fetch`` (pages with at
    least one event, at most ``page`` each). Afterwards ``acked_seq`` is the last seq the
    back office acknowledged (below ``after_seq`` if it holds less than the backup),
    ``missing_ranges`` the acknowledged seqs it does not hold and ``missing`` their count,
    ``unsent`` how many the lost hub had committed past ``acked_seq`` by its last push.

    ``ca`` (PEM): over TLS, trusting that authority alone. Raises FetchRefused (a secret or
    branch the back office does not take), BackOfficeUnreachable, or FetchFailed.
    """

    def __init__(
        self,
        target: str,
        secret: str,
        branch_id: str,
        after_seq: int,
        *,
        ca: bytes | None = None,
        page: int = BATCH,
        timeout_s: float = 60.0,
    ) -> None:
        self._target = target
        self._secret = secret
        self._branch_id = branch_id
        self._after_seq = after_seq
        self._ca = ca
        self._page = page
        self._timeout_s = timeout_s
        self.acked_seq: int | None = None
        self.missing_ranges: list[tuple[int, int]] = []
        self.fetched = 0
        self.hub_head_seq = 0

    @property
    def missing(self) -> int:
        return sum(last - first + 1 for first, last in self.missing_ranges)

    @property
    def unsent(self) -> int:
        """Events the hub had committed, by what its last push told, and never sent: a
        lower bound, since it may have committed more after that push."""
        return max(0, self.hub_head_seq - (self.acked_seq or 0))

    async def __aiter__(self) -> AsyncIterator[Page]:
        self.acked_seq, self.missing_ranges, self.fetched = None, [], 0
        after = self._after_seq
        async with channel(self._target, self._ca) as opened:
            stub = sync_stub(opened)
            while True:
                reply = await self._ask(stub, after)
                self.acked_seq = int(reply.acked_seq)
                self.hub_head_seq = int(reply.hub_head_seq)
                self.missing_ranges += [(r.first, r.last) for r in reply.missing]
                if reply.events:
                    self.fetched += len(reply.events)
                    yield Page([(e.seq, e.payload) for e in reply.events], self.acked_seq)
                if reply.covered_seq >= reply.acked_seq:
                    return
                if reply.covered_seq <= after:
                    raise FetchFailed(
                        f"the back office at {self._target} answered no seq after {after} "
                        f"though it acknowledged up to {reply.acked_seq}: it is not okno's "
                        "or is broken; see its log"
                    )
                after = int(reply.covered_seq)

    async def _ask(self, stub: SyncAsyncStub, after: int) -> sync_pb2.FetchEventsReply:
        request = sync_pb2.FetchEventsRequest(
            branch_id=self._branch_id,
            after_seq=after,
            limit=self._page,
            signature=sign_fetch(self._secret, self._branch_id, after, self._page),
        )
        try:
            return await stub.FetchEvents(request, timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise self._failure(error, after) from None

    def _failure(self, error: grpc.aio.AioRpcError, after: int) -> FetchFailed:
        code, details = error.code(), error.details()
        if code is grpc.StatusCode.UNAUTHENTICATED:
            return FetchRefused(
                f"the archive's back office secret is not this branch's at {self._target}: "
                f"the back office refuses branch {self._branch_id!r} ({details}); restore with "
                "the secret the region registered for the branch"
            )
        if code in UNREACHED:
            return BackOfficeUnreachable(
                f"cannot reach the back office at {self._target} ({code.name}: {details}) "
                f"to fetch branch {self._branch_id!r}'s events after seq {after}: check the "
                "address, that it is running, and over TLS that the CA given signed its "
                "certificate"
            )
        return FetchFailed(
            f"the back office at {self._target} did not hand back branch "
            f"{self._branch_id!r}'s events after seq {after} ({code.name}: {details}); see "
            "its log"
        )
