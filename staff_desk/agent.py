"""The desk agent: presses become queue calls for the configured desk; the light tells the outcome.

Each press gets a fresh request id and is retried with that same id while the hub is
briefly unreachable, for at most ``retry_for_s`` from the press: the hub answers a
retried call with the first answer and never calls twice. After that the press is
dropped with a red flash; a press made while the hub is known to be lost is refused at
once. Nothing is kept to be sent later, so no visitor is ever called by surprise.

The desk's state (open, paused, its current ticket) comes from the hall feed, the one
ordered source every board follows; an answer to a press is shown at once and gives way
to the feed as soon as the feed has caught up with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import grpc

from protos.okno.v1 import common_pb2, feed_pb2, feed_pb2_grpc
from staff_desk.errors import BadSettings, DeskError, HubLost, PressRefused, UnknownDesk
from staff_desk.light import Flash, Light
from staff_desk.picture import DeskView, Picture, light_for
from staff_desk.presses import Edge, EdgeSink, Intent, Presses
from staff_desk.queue_calls import PressOutcome, QueueCalls
from staff_desk.settings import DeskSettings, Wiring, parse_settings

if TYPE_CHECKING:
    from protos.okno.v1.feed_pb2_grpc import HallFeedAsyncStub

log = logging.getLogger(__name__)
# One attempt's time limit, and how long a press may be retried before it is dropped.
RPC_TIMEOUT_S = 1.0
RETRY_FOR_S = 2.0
# asyncio.Event has no "cleared" notice: the session's state is looked at this often.
SESSION_POLL_S = 0.1
FEED_RETRY_S = (0.1, 2.0)
OUTCOMES_KEPT = 100
# For the agent's channel: gRPC's own reconnect backoff grows to two minutes, far longer
# than an operator waits for the light to turn steady once the hub is back.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
)

Report = Callable[[str, str], None]


class Unit(Protocol):
    """What the agent needs of the hardware (:class:`staff_desk.driver.DeskUnit`)."""

    wiring: Wiring

    def show(self, light: Light) -> None: ...

    def flash(self, flash: Flash) -> None: ...

    def close(self) -> None: ...


OpenUnit = Callable[[Wiring, EdgeSink], Unit]


def _no_report(error: str, warning: str) -> None:
    del error, warning


class DeskAgent:
    def __init__(
        self,
        channel: grpc.aio.Channel,
        hub_up: asyncio.Event,
        open_unit: OpenUnit,
        report: Report = _no_report,
        *,
        clock: Callable[[], float] = time.monotonic,
        retry_for_s: float = RETRY_FOR_S,
        rpc_timeout_s: float = RPC_TIMEOUT_S,
        session_poll_s: float = SESSION_POLL_S,
    ) -> None:
        """``hub_up`` is the session's ``connected``; ``report(error, warning)`` tells the hub."""
        self._calls = QueueCalls(
            channel, self._show_answer, self._refresh, clock=clock, rpc_timeout_s=rpc_timeout_s
        )
        self._feed: HallFeedAsyncStub = feed_pb2_grpc.HallFeedStub(channel)
        self._hub_up = hub_up
        self._open_unit = open_unit
        self._report = report
        self._clock = clock
        self._retry_for_s = retry_for_s
        self._session_poll_s = session_poll_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unit: Unit | None = None
        self._presses = Presses()
        self._timer: asyncio.TimerHandle | None = None
        self._turn = asyncio.Lock()
        self._pressing: set[asyncio.Task[None]] = set()
        self._not_configured = "not configured: waiting for the hub's settings"
        # Nothing is reported before the hub's settings were first offered: the unit is
        # not faulty for waiting for them.
        self._offered = False
        self._reported = ""
        self._picture = Picture()
        self._feed_live = False
        self.settings: DeskSettings | None = None
        self.light = Light.OFF
        self.outcomes: deque[PressOutcome] = deque(maxlen=OUTCOMES_KEPT)
        # Presses acted on or dropped since the start (the outcomes keep only the last few).
        self.pressed = 0
        # Set whenever the light, the view or the outcomes change; see :meth:`until`.
        self.changed = asyncio.Event()
        # Set once settings were first taken: the unit has its pins.
        self.configured = asyncio.Event()

    # -- what the unit shows ---------------------------------------------------------------

    @property
    def desk_id(self) -> str | None:
        """The configured desk's id, once the branch's desks are known."""
        if self.settings is None:
            return None
        return self._picture.resolve(self.settings.desk)

    @property
    def view(self) -> DeskView:
        """The desk and its current ticket, as the hub last told them."""
        return self._picture.view(self.desk_id)

    @property
    def swallowed(self) -> int:
        """Presses dropped as repeats (in flight or locked out) under the present settings."""
        return self._presses.swallowed

    @property
    def reachable(self) -> bool:
        """The session is up and the hall feed live: presses are sent."""
        return self._hub_up.is_set() and self._feed_live

    @property
    def fault(self) -> str:
        """Why the unit cannot work as configured, or ""."""
        if self.settings is None:
            return self._not_configured
        desks = self._picture.desks
        if desks is not None and self.desk_id is None:
            known = ", ".join(sorted(desks))
            return f"desk {self.settings.desk!r} is not in this branch: desks are {known}"
        return ""

    async def until(self, check: Callable[[], bool], timeout_s: float) -> None:
        """Wait until ``check()`` holds; TimeoutError after ``timeout_s``."""
        async with asyncio.timeout(timeout_s):
            while not check():
                self.changed.clear()
                await self.changed.wait()

    # -- settings from the hub -------------------------------------------------------------

    def configure(self, config: dict[str, str]) -> None:
        """Take the hub's settings (the session's ``on_config``); ValueError refuses them."""
        self._offered = True
        try:
            settings = parse_settings(config)
            if self._picture.desks is not None:
                self._check_desk(settings)
            self._rewire(settings)
        except DeskError as refused:
            if self.settings is None:
                self._not_configured = f"not configured: {refused}"
                self._refresh()
            raise
        if self.settings is None or (settings.holds, settings.timing) != (
            self.settings.holds,
            self.settings.timing,
        ):
            self._presses = Presses(settings.holds, settings.timing)
        if self.settings is not None and settings.desk != self.settings.desk:
            self._picture.forget_answer()
        self.settings = settings
        log.info(
            "settings taken desk=%s buttons=%s",
            settings.desk,
            ",".join(f"{b.value}:{p}" for b, p in settings.wiring.buttons.items()),
        )
        self.configured.set()
        self._refresh()

    def _check_desk(self, settings: DeskSettings) -> None:
        previous, self.settings = self.settings, settings
        try:
            if self.desk_id is None:
                raise BadSettings(self.fault)
        finally:
            self.settings = previous

    def _rewire(self, settings: DeskSettings) -> None:
        """Open the pins anew when the wiring changed; on failure the old unit stays."""
        if self._unit is not None and self._unit.wiring == settings.wiring:
            return
        old = self._unit
        if old is not None:
            old.close()
            self._unit = None
        try:
            self._unit = self._open_unit(settings.wiring, self._edge_from_thread)
        except DeskError:
            if old is not None:
                self._unit = self._open_unit(old.wiring, self._edge_from_thread)
            raise
        self._unit.show(self.light)

    # -- running -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the hall feed and the session, and act on presses, until ``stop``."""
        self._loop = asyncio.get_running_loop()
        tasks = [asyncio.create_task(self._follow()), asyncio.create_task(self._watch_session())]
        self._refresh()
        try:
            await stop.wait()
        finally:
            for task in [*tasks, *self._pressing]:
                task.cancel()
            await asyncio.gather(*tasks, *self._pressing, return_exceptions=True)
            if self._timer is not None:
                self._timer.cancel()
            if self._unit is not None:
                self._unit.close()
                self._unit = None

    def press(self, intent: Intent) -> asyncio.Task[None]:
        """Act on an intent now (presses come here; the simulator may too)."""
        request_id = uuid.uuid4().hex
        task = asyncio.create_task(self._act(intent, request_id))
        self._pressing.add(task)
        task.add_done_callback(self._pressing.discard)
        return task

    def _edge_from_thread(self, edge: Edge) -> None:
        """From gpiozero's thread (or a test's): hand the edge to the event loop."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the unit is stopping
            loop.call_soon_threadsafe(self._edge, edge)

    def _edge(self, edge: Edge) -> None:
        if self.settings is None:
            return
        for intent in self._presses.edge(edge):
            self.press(intent)
        self._schedule()
        self.changed.set()

    def _tick(self) -> None:
        self._timer = None
        for intent in self._presses.due(self._clock()):
            self.press(intent)
        self._schedule()
        self.changed.set()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self._presses.deadline()
        if deadline is not None and self._loop is not None:
            self._timer = self._loop.call_later(max(0.0, deadline - self._clock()), self._tick)

    # -- one press ---------------------------------------------------------------------------

    async def _act(self, intent: Intent, request_id: str) -> None:
        presses = self._presses
        deadline = intent.at + self._retry_for_s
        acted = False
        try:
            if not self.reachable:
                raise HubLost("the hub cannot be reached: press again once the light is steady")
            desk_id = self.desk_id
            if desk_id is None:
                raise UnknownDesk(self.fault or "the desk is not known yet")
            async with asyncio.timeout(max(0.0, deadline - self._clock())):
                await self._turn.acquire()
            try:
                outcome = await self._calls.perform(
                    intent.action,
                    desk_id,
                    request_id,
                    deadline,
                    view=self.view,
                    operator=self.settings.operator if self.settings else "",
                )
            finally:
                self._turn.release()
            acted = True
        except TimeoutError:
            outcome = self._dropped(intent, request_id, "busy", "the previous press took too long")
        except HubLost as lost:
            acted = lost.maybe_done
            outcome = self._dropped(intent, request_id, lost.code, str(lost))
        except PressRefused as refused:
            outcome = self._dropped(intent, request_id, refused.code, refused.reason)
        except UnknownDesk as unknown:
            outcome = self._dropped(intent, request_id, unknown.code, str(unknown))
        finally:
            presses.done(intent.button, self._clock(), acted=acted)
            self._schedule()
        if outcome.result == "nobody" and self._unit is not None:
            self._unit.flash(Flash.NOBODY)
        log.info(
            "press action=%s long=%s result=%s ticket=%s reason=%s",
            intent.action.value,
            intent.long,
            outcome.result,
            outcome.ticket or "-",
            outcome.reason or "-",
        )
        self.outcomes.append(outcome)
        self.pressed += 1
        self._refresh()

    def _dropped(self, intent: Intent, request_id: str, result: str, reason: str) -> PressOutcome:
        if self._unit is not None:
            self._unit.flash(Flash.REFUSED)
        return PressOutcome(intent.action, request_id, result, reason=reason)

    def _show_answer(
        self, desk: common_pb2.Desk, ticket: common_pb2.Ticket | None, sequence: int
    ) -> None:
        self._picture.answer(desk, ticket, sequence)
        self._refresh()

    # -- the hall feed and the session -------------------------------------------------------

    async def _follow(self) -> None:
        """Follow the hall feed from a fresh snapshot each time it (re)connects."""
        attempt = 0
        while True:
            call = self._feed.Subscribe(feed_pb2.SubscribeRequest())
            try:
                async for message in call:
                    attempt = 0
                    if not self._apply(message):
                        break
            except grpc.aio.AioRpcError as error:
                log.info("hall feed lost code=%s attempt=%d", error.code().name, attempt)
            finally:
                call.cancel()
            self._feed_live = False
            self._refresh()
            low, high = FEED_RETRY_S
            await asyncio.sleep(min(high, low * 2**attempt))
            attempt += 1

    def _apply(self, message: feed_pb2.FeedMessage) -> bool:
        """Apply one feed message; False when a fresh snapshot is needed."""
        if not self._picture.apply(message):
            return False
        if message.WhichOneof("body") == "snapshot":
            self._feed_live = True
        self._refresh()
        return True

    async def _watch_session(self) -> None:
        up = self._hub_up.is_set()
        while True:
            await asyncio.sleep(self._session_poll_s)
            if self._hub_up.is_set() != up:
                up = self._hub_up.is_set()
                log.info("hub session %s", "up" if up else "lost")
                self._refresh()

    def _refresh(self) -> None:
        """Show the light the present state calls for, and tell the hub what is wrong."""
        self.light = self._light()
        if self._unit is not None:
            self._unit.show(self.light)
        fault = self.fault
        if self._offered and fault != self._reported:
            self._reported = fault
            self._report(fault, "")
        self.changed.set()

    def _light(self) -> Light:
        if self.fault:
            return Light.FAULT
        if not self.reachable or self._calls.retrying:
            return Light.HUB_LOST
        return light_for(self.view)
