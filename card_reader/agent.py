"""The card reader agent: reader events become the kiosk's prompts and the visitor for the hub.

pyscard blocks, so the reader is watched on one thread of its own, stopped by an event;
every change comes back to the event loop with ``call_soon_threadsafe``. A PIN asked on
the reader's thread is answered by the on-screen keypad on the loop. Whatever is
published goes through :class:`IdentitySink`: only a :class:`~card_reader.identity.Visitor`
(a name for the operator, the SNILS as a keyed hash), then its withdrawal when the card
is taken out. Faults (no pcscd, no reader, a watch thread that ended) are reported to the
hub as the device's error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Protocol

from card_reader.driver import CardReader, ReaderEvent, State, fault_origin
from card_reader.errors import BadSettings, PinTimeout, ReaderStopped
from card_reader.identity import CardRead, Visitor, visitor_from
from card_reader.pin import PinPrompt
from okno.snils import HASH_KEY_MIN_BYTES

log = logging.getLogger(__name__)
# A visitor who has not typed the PIN in this long has walked away.
PIN_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0

Report = Callable[[str, str], None]


class IdentitySink(Protocol):
    """Where a visitor goes: the hub (once it takes identifications), or a kiosk in-process."""

    async def identified(self, visitor: Visitor) -> None: ...

    async def withdrawn(self) -> None:
        """The card was taken out: forget the visitor it identified."""
        ...


class OnScreenKeypad(Protocol):
    async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        """ASCII digits the visitor typed (the keypad keeps no copy); None if cancelled."""
        ...


class MemorySink:
    """Keeps the visitor whose card is in the reader, for a kiosk in the same process."""

    def __init__(self) -> None:
        self.current: Visitor | None = None
        self.published: list[Visitor] = []
        self.changed = asyncio.Event()

    async def identified(self, visitor: Visitor) -> None:
        self.current = visitor
        self.published.append(visitor)
        self.changed.set()

    async def withdrawn(self) -> None:
        self.current = None
        self.changed.set()


def _no_report(error: str, warning: str) -> None:
    del error, warning


class _KeypadBridge:
    """The reader thread's :class:`~card_reader.pin.Keypad`, answered by the loop's keypad."""

    def __init__(self, keypad: OnScreenKeypad | None, timeout_s: float) -> None:
        self.keypad = keypad
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeout_s = timeout_s
        self._asking: concurrent.futures.Future[bytearray | None] | None = None
        self._lock = threading.Lock()

    def open(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._loop = loop

    def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        with self._lock:
            if self.keypad is None or self._loop is None:
                return None
            asking = asyncio.run_coroutine_threadsafe(self.keypad.ask_pin(prompt), self._loop)
            self._asking = asking
        try:
            return asking.result(self._timeout_s)
        except concurrent.futures.TimeoutError as late:
            asking.cancel()
            raise PinTimeout("nobody entered the PIN in time") from late
        except concurrent.futures.CancelledError:
            return None
        finally:
            with self._lock:
                self._asking = None

    def close(self) -> None:
        """Cancel the question being asked, and ask no more (the agent is stopping)."""
        with self._lock:
            self._loop = None
            if self._asking is not None:
                self._asking.cancel()


class CardAgent:
    def __init__(
        self,
        reader: CardReader,
        sink: IdentitySink,
        report: Report = _no_report,
        *,
        keypad: OnScreenKeypad | None = None,
        pin_timeout_s: float = PIN_TIMEOUT_S,
        retry_s: float = 1.0,
    ) -> None:
        """``report(error, warning)`` is the session's: the hub's fleet view shows it."""
        self._reader = reader
        self._sink = sink
        self._report = report
        self._bridge = _KeypadBridge(keypad, pin_timeout_s)
        reader.keypad = self._bridge
        self._retry_s = retry_s
        self._hash_key: bytes | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        self._reported = ""
        self._published = False
        self.state = State.EMPTY
        self.reader_name = ""
        self.prompt: PinPrompt | None = None
        # The stable code of the last card that could not be read ("wrong_pin", "card_mute").
        self.error = ""
        self.tries_left: int | None = None
        self.reads = 0
        # The last card read, for the benchmark's timings; it stays in this process.
        self.last_read: CardRead | None = None
        self.changed = asyncio.Event()

    async def until(self, check: Callable[[], bool], timeout_s: float) -> None:
        """Wait until ``check()`` holds; TimeoutError after ``timeout_s``."""
        async with asyncio.timeout(timeout_s):
            while not check():
                self.changed.clear()
                await self.changed.wait()

    def configure(self, config: dict[str, str]) -> None:
        """The hub's settings: ``snils_hash_key`` (hex, 16+ bytes), the branch's matching key."""
        text = config.get("snils_hash_key", "").strip()
        if not text:
            self._hash_key = None
            return
        try:
            key = bytes.fromhex(text)
        except ValueError as bad:
            raise BadSettings("snils_hash_key is not hex") from bad
        if len(key) < HASH_KEY_MIN_BYTES:
            raise BadSettings(f"snils_hash_key is shorter than {HASH_KEY_MIN_BYTES} bytes")
        self._hash_key = key
        log.info("settings taken snils_hash_key=set")

    async def run(self, stop: asyncio.Event) -> None:
        """Watch the reader and publish its visitors until ``stop``."""
        self._loop = asyncio.get_running_loop()
        self._bridge.open(self._loop)
        halt = threading.Event()
        watcher = threading.Thread(
            target=self._watch, args=(halt,), name="card-reader watch", daemon=True
        )
        publisher = asyncio.create_task(self._publish())
        watcher.start()
        try:
            await stop.wait()
        finally:
            halt.set()
            self._bridge.close()
            self._reader.interrupt()
            await asyncio.to_thread(watcher.join, STOP_TIMEOUT_S)
            if watcher.is_alive():
                log.warning("card reader thread still busy at stop (a mute card?)")
            if self._published:
                self._outbox.put_nowait(self._sink.withdrawn)
            self._outbox.put_nowait(_done)
            await publisher

    def _watch(self, halt: threading.Event) -> None:
        """The reader's watch; if it ever ends on a fault, the hub hears the reader is down."""
        try:
            self._reader.watch(halt, self._from_thread, retry_s=self._retry_s)
        except Exception as died:
            log.error("card reader stopped error=%s", fault_origin(died))
            stopped = ReaderStopped(
                f"the card reader stopped on an internal error ({type(died).__name__}): "
                "restart okno card-reader and send its log to the developers"
            )
            self._from_thread(ReaderEvent(State.STOPPED, error=stopped))

    def _from_thread(self, event: ReaderEvent) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the agent is stopping
            loop.call_soon_threadsafe(self._on_event, event)

    def _on_event(self, event: ReaderEvent) -> None:
        self.state = event.state
        self.reader_name = event.reader
        self.prompt = event.prompt if event.state is State.PIN else None
        if event.state is State.PIN and event.prompt is not None:
            self.tries_left = event.prompt.tries_left
        if event.state is State.READING:
            self.error, self.tries_left = "", None
        if event.error is not None and event.state is State.FAILED:
            self.error = event.error.code
            self.tries_left = getattr(event.error, "tries_left", self.tries_left)
            log.info("card refused reader=%s code=%s", event.reader, event.error.code)
        if event.state is State.DONE and event.read is not None:
            self.reads += 1
            self.last_read = event.read
            visitor = visitor_from(event.read, self._hash_key)
            self._published = True
            self._outbox.put_nowait(lambda: self._sink.identified(visitor))
            log.info(
                "visitor identified profile=%s pin_verified=%s snils_hash=%s",
                visitor.profile,
                visitor.pin_verified,
                "yes" if visitor.snils_hash else "no",
            )
        elif not event.state.card_in and self._published:
            self._published = False
            self._outbox.put_nowait(self._sink.withdrawn)
        self._report_fault(event)
        self.changed.set()

    def _report_fault(self, event: ReaderEvent) -> None:
        fault = ""
        if event.state.faulty and event.error is not None:
            fault = str(event.error)
        if fault != self._reported:
            self._reported = fault
            log.warning("reader fault=%s", fault or "none")
            self._report(fault, "")

    async def _publish(self) -> None:
        """Hand the sink its calls in order; one failing call does not stop the next."""
        while (call := await self._outbox.get()) is not _done:
            try:
                await call()
            except Exception as failure:
                log.warning("identity not published reason=%s", type(failure).__name__)


async def _done() -> None:
    """Marks the end of the outbox."""
