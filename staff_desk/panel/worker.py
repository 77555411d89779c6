"""The panel's asyncio side: one thread, one loop, the hub client; answers come back queued.

Qt owns the main thread. Work for the hub is handed to the loop with
``run_coroutine_threadsafe``; its result crosses back as a queued Qt signal, so the
view-model is only ever touched in the GUI thread and the GUI never waits on the network
(as in hall_display/program.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from okno.qt import emit
from staff_desk.panel.client import TIMEOUT_S, StaffClient
from staff_desk.panel.errors import PanelError

log = logging.getLogger(__name__)
T = TypeVar("T")
STOP_S = 5.0


@dataclass(frozen=True, slots=True)
class Result(Generic[T]):
    """What a piece of work came to: its value, or the error to show."""

    value: T | None = None
    error: PanelError | None = None


Work = Callable[[StaffClient], Awaitable[T]]
Then = Callable[[Result[T]], None]


class Backend(Protocol):
    """How the view-model reaches the hub: work runs elsewhere, ``then`` in the GUI thread."""

    def submit(self, work: Work[T], then: Then[T]) -> None: ...


class _Delivery(QObject):
    """Lives in the GUI thread; runs each ``then`` there."""

    arrived = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _deliver(self, then: Then[Any], result: Result[Any]) -> None:
        then(result)


class PanelIO:
    """The hub client on its own asyncio loop, in the thread "okno-panel-io"."""

    def __init__(self, address: str, ca_pem: bytes, *, timeout_s: float = TIMEOUT_S) -> None:
        self.address = address
        self.ca_pem = ca_pem
        self.timeout_s = timeout_s
        self._delivery = _Delivery()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._client: StaffClient | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="okno-panel-io", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(STOP_S)

    def submit(self, work: Work[T], then: Then[T]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            then(Result(error=PanelError("the panel is stopping")))
            return
        future: Future[Result[T]] = asyncio.run_coroutine_threadsafe(self._run(work), loop)
        future.add_done_callback(lambda done: self._back(then, done))

    def run_now(self, work: Work[T], timeout_s: float = STOP_S) -> Result[T]:
        """Run work and wait for it here (for the last words at exit, not for buttons)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return Result(error=PanelError("the panel is stopping"))
        future = asyncio.run_coroutine_threadsafe(self._run(work), loop)
        try:
            return future.result(timeout_s)
        except TimeoutError:
            future.cancel()
            return Result(error=PanelError(f"no answer within {timeout_s:g} s"))

    def _back(self, then: Then[T], done: Future[Result[T]]) -> None:
        try:
            result = done.result()
        except BaseException as err:  # cancelled at shutdown
            result = Result(error=PanelError(f"the panel is stopping ({type(err).__name__})"))
        emit(self._delivery.arrived, then, result)

    async def _run(self, work: Work[T]) -> Result[T]:
        assert self._client is not None
        try:
            return Result(value=await work(self._client))
        except PanelError as error:
            return Result(error=error)
        except Exception as error:
            log.exception("panel work failed")
            return Result(error=PanelError(f"unexpected failure: {error}"))

    def stop(self, timeout_s: float = STOP_S) -> None:
        """Close the connection and end the loop; from the GUI thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._client = StaffClient(self.address, self.ca_pem, timeout_s=self.timeout_s)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self._client.close()
