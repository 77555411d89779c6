"""Group commit: many commands, one transaction, each acknowledged only once durable.

Commands are applied to the engine at once, in the event loop; their events queue here.
One database thread writes whatever has queued while the previous write ran, so a
burst of tickets costs one fsync instead of one each. If a write fails, every command
behind it failed too (each was applied on top of the one before), and the owner reloads
the engine from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from hub.domain.model import Event
from hub.errors import StoreUnavailable

log = logging.getLogger(__name__)


class GroupCommitter:
    def __init__(
        self,
        write: Callable[[Sequence[Event]], None],
        on_committed: Callable[[Sequence[Event]], None],
        on_failed: Callable[[], None],
        committed_seq: int,
        executor: ThreadPoolExecutor,
    ) -> None:
        self._write = write
        self._on_committed = on_committed
        self._on_failed = on_failed
        self._executor = executor
        self.committed_seq = committed_seq
        self._pending: list[Event] = []
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="group-commit")

    async def commit(self, events: Sequence[Event]) -> None:
        """Return once ``events`` are committed; raise StoreUnavailable if they never will be."""
        self._pending.extend(events)
        await self.wait_for(events[-1].seq)

    async def wait_for(self, seq: int) -> None:
        """Return once every event up to ``seq`` is committed."""
        if seq <= self.committed_seq:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, future))
        self._wake.set()
        await future

    async def stop(self) -> None:
        """Commit what is queued, then stop."""
        while self._pending:
            await self.wait_for(self._pending[-1].seq)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._pending:
                self._release(self.committed_seq)
                continue
            batch, self._pending = self._pending, []
            try:
                await loop.run_in_executor(self._executor, self._write, batch)
            except Exception:
                log.exception("commit failed first_seq=%d events=%d", batch[0].seq, len(batch))
                self._fail_everything()
                continue
            self.committed_seq = batch[-1].seq
            self._on_committed(batch)
            self._release(self.committed_seq)
            if self._pending:
                self._wake.set()

    def _release(self, committed: int) -> None:
        still: list[tuple[int, asyncio.Future[None]]] = []
        for seq, future in self._waiters:
            if seq <= committed:
                if not future.done():
                    future.set_result(None)
            else:
                still.append((seq, future))
        self._waiters = still

    def _fail_everything(self) -> None:
        self._pending = []
        waiters, self._waiters = self._waiters, []
        for _, future in waiters:
            if not future.done():
                future.set_exception(
                    StoreUnavailable(
                        "the hub could not save the change, so it was not made: try again; "
                        "if it goes on, the hub's disk needs a technician"
                    )
                )
        self._on_failed()
