"""An asyncio loop in a thread of its own, beside a Qt program's GUI thread.

The hall display and the kiosk each run their hub link, session and devices on asyncio
while Qt owns the main thread; both start and stop that loop the same way, here. Stopping
works from any thread and at any moment: before the loop exists (it returns at once when
it starts), while it runs, or after it ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)

STOP_S = 10.0


class LoopThread(ABC):
    """Runs :meth:`run` on a new loop in a daemon thread named ``name``."""

    def __init__(self, name: str) -> None:
        self.failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    @abstractmethod
    async def run(self, stop: asyncio.Event) -> None:
        """The program's asyncio side; returns once ``stop`` is set."""

    @abstractmethod
    def failed(self, reason: str) -> None:
        """Tell the GUI that the loop ended on an error (called in the loop's thread)."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The running loop, for handing it work from the GUI thread; None before or after."""
        return None if self._stopping.is_set() else self._loop

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = STOP_S) -> None:
        """Ask the loop to stop, from any thread, and wait for it."""
        self._stopping.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("thread=%s did not stop within %.0f s", self._thread.name, timeout_s)

    def _main(self) -> None:
        try:
            asyncio.run(self._enter())
        except Exception as err:
            self.failure = err
            log.error("thread=%s stopped: %s", self._thread.name, err)
            self.failed(str(err))

    async def _enter(self) -> None:
        self._stop = stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if not self._stopping.is_set():
            await self.run(stop)
