"""The card reader: watches a PC/SC reader, and reads each card inserted, once, by its profile.

Blocking (pyscard is): :meth:`CardReader.read_card` reads the card in a reader now, and
:meth:`CardReader.watch` follows readers and cards on the caller's thread until a stop
event, telling each change as a :class:`ReaderEvent`. It knows nothing of the hub.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from smartcard import scard

from card_reader.channel import CardChannel
from card_reader.errors import (
    CardError,
    CardMute,
    MalformedData,
    NoReader,
    ReaderUnavailable,
    UnknownCard,
)
from card_reader.identity import CardRead
from card_reader.pin import Keypad, NoKeypad, PinEntry, PinPrompt, choose_entry
from card_reader.profiles import default_profiles
from card_reader.profiles.base import Profile
from card_reader.transport import (
    APDU_TIMEOUT_S,
    PNP_READER,
    Link,
    PcscContext,
    ReaderState,
    connect,
    parse_url,
)

log = logging.getLogger(__name__)
# Pause before trying pcscd again after it went away.
RETRY_S = 1.0
# Longest single wait for a reader change. A stop cancels the wait at once, except when it
# comes just before the wait began (SCardCancel only cancels a wait in progress).
WAIT_SLICE_S = 0.5

Connect = Callable[..., Link]


class State(Enum):
    UNAVAILABLE = "unavailable"  # pcscd is not running
    NO_READER = "no_reader"
    EMPTY = "empty"  # waiting for a card
    READING = "reading"
    PIN = "pin"  # waiting for the holder's PIN
    DONE = "done"  # read; waiting for the card to be taken out
    FAILED = "failed"  # could not be read; waiting for the card to be taken out
    STOPPED = "stopped"  # the watch itself ended on a fault: nothing is read until a restart

    @property
    def faulty(self) -> bool:
        """The reader cannot work at all: the device reports it to the hub."""
        return self in (State.UNAVAILABLE, State.NO_READER, State.STOPPED)

    @property
    def card_in(self) -> bool:
        return self in (State.READING, State.PIN, State.DONE, State.FAILED)


@dataclass(frozen=True, slots=True)
class ReaderEvent:
    state: State
    reader: str = ""
    read: CardRead | None = None
    error: CardError | None = None
    prompt: PinPrompt | None = None


Emit = Callable[[ReaderEvent], None]


def fault_origin(error: BaseException) -> str:
    """``KeyError at uec.py:96``: an unexpected error's kind and where it rose, not its text."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} at {Path(last.filename).name}:{last.lineno}"


class CardReader:
    def __init__(
        self,
        url: str = "pcsc://",
        *,
        profiles: Sequence[Profile] | None = None,
        keypad: Keypad | None = None,
        apdu_timeout_s: float = APDU_TIMEOUT_S,
        connect_link: Connect = connect,
    ) -> None:
        """``url``: ``pcsc://`` or ``pcsc://READER NAME`` (see :mod:`card_reader.transport`)."""
        self.url = parse_url(url)
        self.profiles = list(profiles) if profiles is not None else default_profiles()
        self.keypad: Keypad = keypad or NoKeypad()
        self._apdu_timeout_s = apdu_timeout_s
        self._connect = connect_link
        self._watching: PcscContext | None = None
        self._lock = threading.Lock()

    # -- one card ----------------------------------------------------------------------------

    def read_card(self, reader: str, emit: Emit | None = None) -> CardRead:
        """Read the card in ``reader`` by the first profile that selects it.

        ``emit`` hears of PIN prompts. UnknownCard when no profile knows the card; the
        other CardErrors as the card, reader or visitor cause them. Whatever else goes wrong
        with this card's answers is its MalformedData: one odd card never stops the reader.
        """
        started = time.monotonic()
        link = self._connect(reader, spy=self.url.spy, apdu_timeout_s=self._apdu_timeout_s)
        try:
            return self._identify(CardChannel(link), reader, emit, started)
        except CardError:
            raise
        except Exception as odd:
            # The type and the line only: the message may quote the card's bytes.
            log.warning("card data not understood reader=%s error=%s", reader, fault_origin(odd))
            raise MalformedData(
                f"the card answered with data okno cannot read ({type(odd).__name__}): "
                "take it out and identify the visitor another way"
            ) from odd
        finally:
            link.close()

    def _identify(
        self, channel: CardChannel, reader: str, emit: Emit | None, started: float
    ) -> CardRead:
        def announce(prompt: PinPrompt) -> None:
            if emit is not None:
                emit(ReaderEvent(State.PIN, reader, prompt=prompt))

        def pin_entry() -> PinEntry:
            return choose_entry(channel, self.keypad, announce)

        for profile in self.profiles:
            fci = profile.select(channel)
            if fci is None:
                continue
            holder, verified = profile.read(channel, fci, pin_entry)
            seconds = time.monotonic() - started
            return CardRead(profile.name, holder, verified, channel.apdus, seconds, channel.seconds)
        raise UnknownCard(f"no application of {[p.name for p in self.profiles]} on the card")

    # -- watching ----------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Wake :meth:`watch` from another thread (after setting its stop event)."""
        with self._lock:
            if self._watching is not None:
                self._watching.cancel()

    def watch(self, halt: threading.Event, emit: Emit, *, retry_s: float = RETRY_S) -> None:
        """Follow the reader until ``halt``; read each inserted card once; tell every change."""
        last: list[ReaderEvent] = []

        def tell(event: ReaderEvent) -> None:
            if not last or last[-1] != event or event.state is State.PIN:
                last[:] = [event]
                emit(event)

        while not halt.is_set():
            try:
                with PcscContext() as context:
                    with self._lock:
                        self._watching = context
                    if halt.is_set():
                        return
                    self._follow(context, halt, tell)
            except ReaderUnavailable as down:
                tell(ReaderEvent(State.UNAVAILABLE, error=down))
                halt.wait(retry_s)
            except CardError as failed:
                # Anything else PC/SC says while watching: start over on a fresh context.
                log.warning("reader watch failed code=%s reason=%s", failed.code, failed)
                halt.wait(retry_s)
            finally:
                with self._lock:
                    self._watching = None

    def _choose(self, states: dict[str, ReaderState]) -> str | None:
        """The reader to follow: the configured one, else the first with a card, else the first."""
        names = [name for name in states if name != PNP_READER]
        if self.url.reader:
            return self.url.reader if self.url.reader in names else None
        with_card = [name for name in names if states[name].present]
        first = with_card or names
        return first[0] if first else None

    def _follow(self, context: PcscContext, halt: threading.Event, tell: Emit) -> None:
        known: dict[str, int] = {PNP_READER: scard.SCARD_STATE_UNAWARE}
        states: dict[str, ReaderState] = {}
        handled: dict[str, int] = {}
        while not halt.is_set():
            readers = context.readers()
            for name in readers:
                known.setdefault(name, scard.SCARD_STATE_UNAWARE)
            for name in [n for n in known if n != PNP_READER and n not in readers]:
                known.pop(name)
                states.pop(name, None)
                handled.pop(name, None)
            if halt.is_set():
                return
            changed = context.wait(known, WAIT_SLICE_S)
            if changed is None:
                continue
            for state in changed:
                if state.reader in known:
                    known[state.reader] = state.raw & ~scard.SCARD_STATE_CHANGED
                    states[state.reader] = state
            target = self._choose(states)
            if target is None:
                wanted = f" {self.url.reader!r}" if self.url.reader else ""
                tell(ReaderEvent(State.NO_READER, error=NoReader(f"no card reader{wanted}")))
                continue
            current = states[target]
            if not current.present:
                handled.pop(target, None)
                tell(ReaderEvent(State.EMPTY, target))
            elif current.mute:
                tell(ReaderEvent(State.FAILED, target, error=CardMute("the card gives no ATR")))
            elif handled.get(target) != current.events:
                handled[target] = current.events
                self._read(target, tell)

    def _read(self, reader: str, tell: Emit) -> None:
        tell(ReaderEvent(State.READING, reader))
        try:
            read = self.read_card(reader, tell)
        except CardError as failed:
            log.info("card not read reader=%s code=%s", reader, failed.code)
            tell(ReaderEvent(State.FAILED, reader, error=failed))
            return
        log.info(
            "card read reader=%s profile=%s pin_verified=%s apdus=%d ms=%.0f",
            reader,
            read.profile,
            read.pin_verified,
            read.apdus,
            read.seconds * 1000,
        )
        tell(ReaderEvent(State.DONE, reader, read=read))
