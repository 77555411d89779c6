"""PC/SC through pcscd (pyscard's ``smartcard.scard``), opened from a URL; errors mapped once, here.

URLs: ``pcsc://`` (the first reader that has a card), ``pcsc://Virtual%20PCD%2000%2000``
(one reader by name), ``...?spy=1`` to log each APDU's header, length and status word
(never its data: a VERIFY carries a PIN block, a READ answers personal data).

A card link runs every call on its own thread with its own PC/SC context, under a
deadline: a mute card blocks ``SCardTransmit`` for good on some readers (the vpcd
virtual reader waits forever), and pcsc-lite holds a context's lock for the whole call.
On a deadline the link is abandoned (:class:`~card_reader.errors.CardMute`); its thread
ends when the card is pulled. The lower-level API, not pyscard's ``CardMonitor``, is used
for watching readers: that monitor is a process-wide singleton whose thread notices a
stop only after its 60-second wait, and :meth:`PcscContext.cancel` ends a wait at once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

from smartcard import scard

from card_reader.errors import (
    CardError,
    CardMute,
    CardRemoved,
    NoCard,
    NoReader,
    ReaderUnavailable,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

PNP_READER = "\\\\?PnP?\\Notification"
# How long one APDU may take before the card is called mute (ISO 7816-3 waiting times
# of real cards stay well under this; tests shorten it).
APDU_TIMEOUT_S = 3.0

_NO_SERVICE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}
_NO_READER = {
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
}
_REMOVED = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_E_COMM_DATA_LOST,
    scard.SCARD_E_INVALID_HANDLE,
}


def pcsc_error(hresult: int, what: str) -> CardError:
    """The one mapping from PC/SC result codes to the card reader's errors."""
    text = f"{what}: {scard.SCardGetErrorMessage(hresult)} (0x{hresult & 0xFFFFFFFF:08X})"
    if hresult in _NO_SERVICE:
        return ReaderUnavailable(f"{text}; is pcscd running?")
    if hresult in _NO_READER:
        return NoReader(text)
    if hresult == scard.SCARD_E_NO_SMARTCARD:
        return NoCard(text)
    if hresult in _REMOVED:
        return CardRemoved(text)
    if hresult == scard.SCARD_W_UNRESPONSIVE_CARD:
        return CardMute(text)
    return CardError(text)


def _ok(hresult: int, what: str) -> None:
    if hresult != scard.SCARD_S_SUCCESS:
        raise pcsc_error(hresult, what)


@dataclass(frozen=True, slots=True)
class ReaderUrl:
    """A parsed ``pcsc://`` URL: ``reader`` "" means the first reader with a card."""

    reader: str = ""
    spy: bool = False


def parse_url(url: str) -> ReaderUrl:
    parts = urlsplit(url)
    if parts.scheme != "pcsc":
        raise ValueError(f"a card reader URL starts with pcsc://, not {url!r}")
    reader = unquote(parts.netloc + parts.path).strip("/")
    spy = parse_qs(parts.query).get("spy", ["0"])[-1] not in ("0", "", "false", "no")
    return ReaderUrl(reader, spy)


@dataclass(frozen=True, slots=True)
class ReaderState:
    """One reader as SCardGetStatusChange sees it (``raw`` is its dwEventState)."""

    reader: str
    raw: int
    atr: bytes

    @property
    def flags(self) -> int:
        return self.raw & 0xFFFF

    @property
    def events(self) -> int:
        """pcsc-lite counts insertions and removals in the high 16 bits: a new card, a new count."""
        return self.raw >> 16

    @property
    def present(self) -> bool:
        return bool(self.raw & scard.SCARD_STATE_PRESENT)

    @property
    def mute(self) -> bool:
        return bool(self.flags & scard.SCARD_STATE_MUTE)

    @property
    def gone(self) -> bool:
        return bool(self.flags & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE))


class PcscContext:
    """A PC/SC context for watching readers; :meth:`cancel` may be called from any thread."""

    def __init__(self) -> None:
        hresult, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        _ok(hresult, "cannot reach the PC/SC service")
        self._handle = handle
        self._closed = False

    def readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self._handle, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        _ok(hresult, "cannot list readers")
        return [str(name) for name in names]

    def wait(self, known: dict[str, int], timeout_s: float | None) -> list[ReaderState] | None:
        """Block until a reader in ``known`` (name -> last flags) changes; None on timeout.

        Include :data:`PNP_READER` to hear of readers attached or removed. Raises
        ReaderUnavailable when pcscd stops, and returns None when cancelled.
        """
        timeout_ms = scard.INFINITE if timeout_s is None else max(0, int(timeout_s * 1000))
        states = list(known.items())
        hresult, changed = scard.SCardGetStatusChange(self._handle, timeout_ms, states)
        if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
            return None
        _ok(hresult, "cannot watch the readers")
        return [ReaderState(str(name), int(flags), bytes(atr)) for name, flags, atr in changed]

    def cancel(self) -> None:
        """End a :meth:`wait` in another thread now."""
        if not self._closed:
            scard.SCardCancel(self._handle)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            scard.SCardReleaseContext(self._handle)

    def __enter__(self) -> PcscContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Link(Protocol):
    """What the driver needs of a connected card: APDUs and reader control codes."""

    reader: str
    atr: bytes

    def transmit(self, apdu: bytes | bytearray) -> bytes: ...

    def control(self, code: int, data: bytes) -> bytes: ...

    def close(self) -> None: ...


class _Worker:
    """One daemon thread running calls in order; a call stuck in C never holds up the caller."""

    def __init__(self, name: str) -> None:
        self._calls: queue.SimpleQueue[tuple[Callable[[], object], Future[object]] | None]
        self._calls = queue.SimpleQueue()
        # Daemon: a thread stuck in SCardTransmit on a mute card must not keep the
        # process alive at exit (ThreadPoolExecutor's threads are joined at exit).
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            call, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(call())
                except BaseException as error:
                    future.set_exception(error)

    def call(self, fn: Callable[[], T], timeout_s: float | None) -> T:
        future: Future[object] = Future()
        self._calls.put((fn, future))
        # TimeoutError propagates to the caller, who decides the card is mute.
        return cast(T, future.result(timeout_s))

    def submit(self, fn: Callable[[], object]) -> None:
        self._calls.put((fn, Future()))

    def stop(self) -> None:
        self._calls.put(None)


class PcscLink:
    """A card connected through pcscd; every call on one worker thread, under a deadline."""

    def __init__(self, reader: str, *, apdu_timeout_s: float = APDU_TIMEOUT_S) -> None:
        self.reader = reader
        self.atr = b""
        self._timeout_s = apdu_timeout_s
        self._worker = _Worker(f"pcsc-link {reader}")
        self._context: int | None = None
        self._card: int | None = None
        self._protocol = 0
        self._broken: CardError | None = None
        try:
            self._call(self._connect, "connecting")
        except BaseException:
            self.close()
            raise

    def _connect(self) -> None:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        _ok(hresult, "cannot reach the PC/SC service")
        self._context = context
        hresult, card, protocol = scard.SCardConnect(
            context,
            self.reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        _ok(hresult, f"cannot connect to the card in {self.reader}")
        self._card, self._protocol = card, protocol
        hresult, _name, _state, _protocol, atr = scard.SCardStatus(card)
        _ok(hresult, "cannot read the card's ATR")
        self.atr = bytes(atr)

    def _call(self, fn: Callable[[], T], what: str) -> T:
        if self._broken is not None:
            raise self._broken
        try:
            return self._worker.call(fn, self._timeout_s)
        except TimeoutError as late:
            self._broken = CardMute(f"the card did not answer within {self._timeout_s:g} s")
            log.warning("card mute reader=%s while=%s", self.reader, what)
            raise self._broken from late

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        def send() -> bytes:
            hresult, answer = scard.SCardTransmit(self._card, self._protocol, list(apdu))
            _ok(hresult, "the card did not take the command")
            return bytes(answer)

        answer = self._call(send, "transmitting")
        if len(answer) < 2:
            # vpcd answers a card gone mid-command with success and no bytes at all.
            raise CardRemoved("the card went away in the middle of a command")
        return answer

    def control(self, code: int, data: bytes) -> bytes:
        def send() -> bytes:
            hresult, answer = scard.SCardControl(self._card, code, list(data))
            _ok(hresult, f"the reader refused control code 0x{code:08X}")
            return bytes(answer)

        return self._call(send, "control")

    def close(self) -> None:
        """Disconnect (leaving the card powered) and end the worker; never blocks on a mute card."""

        def release() -> None:
            if self._card is not None:
                scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)
                self._card = None
            if self._context is not None:
                scard.SCardReleaseContext(self._context)
                self._context = None

        if self._broken is None:
            try:
                self._worker.call(release, self._timeout_s)
            except TimeoutError:
                log.warning("card reader did not release reader=%s", self.reader)
        else:
            self._worker.submit(release)
        self._worker.stop()

    def __enter__(self) -> PcscLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpyLink:
    """Logs each APDU's header, length and status word at DEBUG; never the data."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self.reader = link.reader
        self.atr = link.atr

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        answer = self._link.transmit(apdu)
        log.debug(
            "apdu %s len=%d -> len=%d sw=%s",
            bytes(apdu[:4]).hex(" ").upper(),
            len(apdu),
            len(answer) - 2,
            answer[-2:].hex().upper(),
        )
        return answer

    def control(self, code: int, data: bytes) -> bytes:
        answer = self._link.control(code, data)
        log.debug("control 0x%08X len=%d -> len=%d", code, len(data), len(answer))
        return answer

    def close(self) -> None:
        self._link.close()


def connect(reader: str, *, spy: bool = False, apdu_timeout_s: float = APDU_TIMEOUT_S) -> Link:
    """A link to the card in ``reader``; NoCard, NoReader, ReaderUnavailable if it cannot be."""
    link: Link = PcscLink(reader, apdu_timeout_s=apdu_timeout_s)
    return SpyLink(link) if spy else link
