"""Following the hub's hall feed for a display: resumed from the last sequence, never twice.

The client subscribes with the last sequence it applied; the hub answers with a snapshot
when one is needed, then each event once, in the branch's order. Every message goes to
the listener (the board) once: an event at or below the last applied sequence is dropped;
a gap (which the hub never makes) ends the connection and resumes from the last applied
sequence. Calls and recalls go to the voice once each, and never for a snapshot (a board
that restarts must not re-announce the calls that are already at the desks).

Liveness. The hub's feed sends nothing while the hall is quiet: it has no heartbeats
(hub/api/feed.py). gRPC keepalive pings every few seconds do not fit either: the hub's
server keeps gRPC's default ping policy (one ping per 5 minutes while it sends no data),
so it would close such a connection as abusive (GOAWAY "too_many_pings"). So the client
probes on the same channel, that is the same connection: ``GetQueueState`` every
``probe_s`` with a deadline of ``probe_timeout_s``. A probe that fails means the link is
lost (at most probe_s + probe_timeout_s = 3.5 s after the hub fell silent); a stream that
breaks (the hub killed, the network reset) means it at once. The probe's sequence also
tells when the board has caught up (``Link.RESYNCING`` until then), and a stream that
has not delivered what the hub had committed one probe earlier is taken as stalled.

Reconnecting opens a new channel each time (with its own connection: see
``okno.runtime.channels``), after ``okno.runtime.session.backoff_s`` capped at ``retry_cap_s``
(1.5 s), so a board is back within 2 s of the hub's return and no gRPC reconnect backoff
(up to 2 minutes by default) stands in the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import grpc

from hall_display.announcer import Announcement, Announcer
from hall_display.board import CALLS, Board, Link
from hall_display.errors import BadPhrase
from hall_display.speech import Language
from okno.runtime.hubtls import Connect
from okno.runtime.session import backoff_s
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    feed_pb2,
    feed_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)

log = logging.getLogger(__name__)

PROBE_S = 1.5
PROBE_TIMEOUT_S = 2.0
RETRY_BASE_S = 0.2
RETRY_CAP_S = 1.5
# A call older than this (by the hub's clock) when it arrives, after a long outage, is
# shown but not spoken: its visitor has been recalled or marked absent by then.
STALE_CALL_S = 120.0


class FeedListener(Protocol):
    """Where the feed's results go: the board, directly or through a thread-safe bridge."""

    def feed_message(self, message: feed_pb2.FeedMessage) -> None: ...

    def link_changed(self, state: Link) -> None: ...

    def hall_info(
        self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]
    ) -> None:
        """Names of the branch and its services, when the hub's port offers them."""


class FeedLost(ConnectionError):
    """The feed cannot go on on this connection; the client resumes on a new one."""


class FeedClient:
    """Keeps one board (and its voice) following the hub until stopped."""

    def __init__(
        self,
        connect: Connect,
        listener: FeedListener,
        *,
        announcer: Announcer | None = None,
        languages: tuple[Language, ...] = (Language.RU,),
        probe_s: float = PROBE_S,
        probe_timeout_s: float = PROBE_TIMEOUT_S,
        retry_cap_s: float = RETRY_CAP_S,
        stale_call_s: float = STALE_CALL_S,
        rng: random.Random | None = None,
    ) -> None:
        self._connect = connect
        self._listener = listener
        self._announcer = announcer
        # The languages calls are spoken in; none: the voice is off. Settable while running.
        self.languages = languages
        self._probe_s = probe_s
        self._probe_timeout_s = probe_timeout_s
        self._retry_cap_s = retry_cap_s
        self._stale_ms = int(stale_call_s * 1000)
        self._rng = rng or random.Random()
        self.applied = 0
        self.state = Link.CONNECTING
        self.announced = 0
        self.duplicates = 0
        self.sessions = 0
        self._target = -1
        self._hub_clock: tuple[int, float] | None = None
        self._info_wanted = asyncio.Event()
        self._info_missing = False

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the feed until ``stop`` is set, reconnecting after every loss."""
        attempt = 0
        self._info_wanted.set()
        while not stop.is_set():
            self.sessions += 1
            try:
                await self._session(stop)
            except (grpc.aio.AioRpcError, FeedLost) as error:
                why = _reason(error)
                if self.state is Link.LIVE:
                    attempt = 0
                self._set(Link.LOST)
                log.warning("feed lost resume_after=%d reason=%s", self.applied, why)
            with contextlib.suppress(TimeoutError):
                pause = backoff_s(attempt, self._rng, RETRY_BASE_S, self._retry_cap_s)
                await asyncio.wait_for(stop.wait(), pause)
            attempt += 1

    async def _session(self, stop: asyncio.Event) -> None:
        """One connection: the stream and its probe, until one fails or ``stop`` is set."""
        async with self._connect() as channel:
            call = feed_pb2_grpc.HallFeedStub(channel).Subscribe(
                feed_pb2.SubscribeRequest(after_sequence=self.applied)
            )
            tasks = [
                asyncio.create_task(self._read(call)),
                asyncio.create_task(self._probe(channel)),
                asyncio.create_task(stop.wait()),
            ]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                call.cancel()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            for task in done:
                error = task.exception()
                if error is not None:
                    raise error

    async def _read(
        self, call: grpc.aio.UnaryStreamCall[feed_pb2.SubscribeRequest, feed_pb2.FeedMessage]
    ) -> None:
        async for message in call:
            self._deliver(message)
        raise FeedLost("the hub ended the feed")

    async def _probe(self, channel: grpc.aio.Channel) -> None:
        queue = queue_pb2_grpc.QueueServiceStub(channel)
        previous = -1
        while True:
            state = await queue.GetQueueState(
                queue_pb2.GetQueueStateRequest(), timeout=self._probe_timeout_s
            )
            self._hub_clock = (state.at_unix_ms, time.monotonic())
            if 0 <= self.applied < previous:
                raise FeedLost(f"stream stalled at seq {self.applied}, hub had {previous}")
            previous = self._target = state.sequence
            self._caught_up()
            if self._info_wanted.is_set():
                await self._fetch_info(channel)
            await asyncio.sleep(self._probe_s)

    async def _fetch_info(self, channel: grpc.aio.Channel) -> None:
        """Branch and service names, where the hub serves them (an older hub may not)."""
        self._info_wanted.clear()
        if self._info_missing:
            return
        admin = admin_pb2_grpc.AdminStub(channel)
        try:
            branch = await admin.GetBranch(
                admin_pb2.GetBranchRequest(), timeout=self._probe_timeout_s
            )
            services = await admin.ListServices(
                admin_pb2.ListServicesRequest(), timeout=self._probe_timeout_s
            )
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise
            self._info_missing = True
            log.info("this hub port names no services: the board shows service ids")
            return
        self._listener.hall_info(branch, services.services)

    def _deliver(self, message: feed_pb2.FeedMessage) -> None:
        if message.WhichOneof("body") == "snapshot":
            self.applied = message.snapshot.sequence
            self._listener.feed_message(message)
        else:
            event = message.event
            if event.sequence <= self.applied:
                self.duplicates += 1
                log.info("feed event seen before seq=%d applied=%d", event.sequence, self.applied)
                return
            if event.sequence != self.applied + 1:
                raise FeedLost(f"feed gap: expected seq {self.applied + 1}, got {event.sequence}")
            self.applied = event.sequence
            self._listener.feed_message(message)
            if event.kind in CALLS:
                self._announce(event)
            elif event.kind == feed_pb2.EVENT_KIND_CONFIG_RELOADED:
                self._info_wanted.set()
        self._caught_up()

    def _announce(self, event: feed_pb2.Event) -> None:
        if self._announcer is None or not self.languages:
            return
        hub_now = self._hub_now_ms()
        if hub_now is not None and hub_now - event.at_unix_ms > self._stale_ms:
            log.info(
                "call not spoken: %d s old seq=%d ticket=%s",
                (hub_now - event.at_unix_ms) // 1000,
                event.sequence,
                event.ticket.number,
            )
            return
        recall = event.kind == feed_pb2.EVENT_KIND_TICKET_RECALLED
        call = Announcement(
            event.sequence, event.ticket.number, event.desk.number, recall, self.languages
        )
        try:
            if self._announcer.submit(call):
                self.announced += 1
        except BadPhrase as err:
            log.warning("call shown, not spoken seq=%d: %s", event.sequence, err)

    def _hub_now_ms(self) -> int | None:
        """The hub's clock now, from the last probe: no trust in the display's own clock."""
        if self._hub_clock is None:
            return None
        at_ms, seen = self._hub_clock
        return at_ms + int((time.monotonic() - seen) * 1000)

    def _caught_up(self) -> None:
        if self._target < 0:
            return
        self._set(Link.LIVE if self.applied >= self._target else Link.RESYNCING)

    def _set(self, state: Link) -> None:
        if state is self.state:
            return
        if state is Link.LOST:
            self._target = -1
        self.state = state
        log.info("feed %s seq=%d", state.value, self.applied)
        self._listener.link_changed(state)


def _reason(error: BaseException) -> str:
    if isinstance(error, grpc.aio.AioRpcError):
        return f"{error.code().name}: {error.details()}"
    return str(error)


class BoardListener:
    """Feeds a board in the client's own thread (tests, the demo, benchmarks)."""

    def __init__(self, board: Board, clock: Callable[[], int]) -> None:
        self.board = board
        self.branch: admin_pb2.Branch | None = None
        self._clock = clock

    def feed_message(self, message: feed_pb2.FeedMessage) -> None:
        self.board.apply(message, self._clock())

    def link_changed(self, state: Link) -> None:
        self.board.set_connection(state, self._clock())

    def hall_info(
        self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]
    ) -> None:
        self.branch = branch
        self.board.set_services(services)
