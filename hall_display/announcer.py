"""The hall's playback queue: every call spoken once, in order, whole, never overlapping.

What visitors with impaired sight complain of in other systems, and the rule here:
- overlapping announcements: one worker plays one announcement (chime + phrases, one WAV)
  at a time and waits for the sink to finish before taking the next;
- cut off: nothing interrupts a playing announcement, not even ``stop`` (it finishes,
  then ``run`` returns; announcements still queued then are logged as unspoken);
- skipped: the queue is unbounded and never coalesces; a recall is spoken again even if
  the same ticket was just spoken. Only a repeated delivery of the same feed *sequence*
  (a reconnecting feed resends events) is spoken once.
Quiet hours (see ``voice.QuietHours``) lower the volume, or with volume 0 leave a call
unspoken but still logged; the board shows every call either way.

The engine and the sink block, so they run in one dedicated thread ("okno-voice"), one
job at a time; the asyncio side only queues and waits. While the queue is empty the
worker pre-warms the likely next calls (a recall of the last one, the next ticket at the
desks seen lately), one at a time, so a real call waits for at most one synthesis.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time
from time import monotonic

from hall_display.errors import BadPhrase, DisplayError
from hall_display.sinks import AplaySink, AudioSink, WavFileSink, choose_sink
from hall_display.speech import Language, Phrase, parse_ticket, phrases
from hall_display.voice import QuietHours, Voice

__all__ = [
    "Announcement",
    "Announcer",
    "AplaySink",
    "AudioSink",
    "Spoken",
    "WavFileSink",
    "choose_sink",
]

log = logging.getLogger(__name__)

DEDUPE_WINDOW = 10_000  # feed sequences remembered; far more than a reconnect resends
_GUESSES = 12
_RECENT_DESKS = 4


@dataclass(frozen=True, slots=True)
class Announcement:
    """One call or recall from the hub's feed, identified by its feed sequence."""

    sequence: int
    ticket: str
    desk: str | int
    recall: bool = False
    languages: tuple[Language, ...] = (Language.RU,)


@dataclass(frozen=True, slots=True)
class Spoken:
    """What became of one announcement; times are ``time.monotonic()`` seconds."""

    sequence: int
    text: str
    display: str
    submitted_at: float
    started_at: float
    ended_at: float
    volume: float
    outcome: str  # "spoken", "quiet" (quiet hours, volume 0) or "failed: <reason>"


def _local_time() -> time:
    return datetime.now().time()


class Announcer:
    """Speaks submitted announcements one after another through a voice and a sink."""

    def __init__(
        self,
        voice: Voice,
        sink: AudioSink,
        *,
        quiet_hours: QuietHours | None = None,
        now: Callable[[], time] = _local_time,
        prewarm: bool = True,
    ) -> None:
        self.voice = voice
        self.sink = sink
        self.quiet_hours = quiet_hours
        self.log: deque[Spoken] = deque(maxlen=DEDUPE_WINDOW)
        self._now = now
        self._prewarm = prewarm
        self._queue: deque[tuple[Announcement, tuple[Phrase, ...], float]] = deque()
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._finished: set[int] = set()
        self._guesses: deque[tuple[Phrase, ...]] = deque(maxlen=_GUESSES)
        self._desks: deque[str | int] = deque(maxlen=_RECENT_DESKS)
        self._wakeup = asyncio.Event()
        self._changed = asyncio.Condition()
        self._busy = False

    @property
    def pending(self) -> int:
        """Announcements waiting to be spoken, not counting one that is playing."""
        return len(self._queue)

    def submit(self, announcement: Announcement) -> bool:
        """Queue an announcement without waiting; False for a sequence already taken.

        Call from the event loop's thread. BadPhrase (raised at once) means the ticket or
        desk cannot be said; the call is then only on the board.
        """
        if announcement.sequence in self._seen:
            log.info("duplicate feed event seq=%d: already spoken", announcement.sequence)
            return False
        said = phrases(
            announcement.ticket,
            announcement.desk,
            recall=announcement.recall,
            languages=announcement.languages,
        )
        self._remember(announcement.sequence)
        self._queue.append((announcement, said, monotonic()))
        self._wakeup.set()
        return True

    def prewarm(self, announcements: Iterable[Announcement]) -> None:
        """Ask for these calls to be cached while the hall is quiet (most likely first)."""
        for announcement in reversed(list(announcements)):
            try:
                self._guesses.appendleft(
                    phrases(
                        announcement.ticket,
                        announcement.desk,
                        recall=announcement.recall,
                        languages=announcement.languages,
                    )
                )
            except BadPhrase as err:
                log.warning("not pre-warmed: %s", err)
        self._wakeup.set()

    async def wait_for(self, sequence: int) -> Spoken:
        """Wait until the announcement of ``sequence`` has been dealt with; its log entry."""
        async with self._changed:
            await self._changed.wait_for(lambda: sequence in self._finished)
        return next(s for s in reversed(self.log) if s.sequence == sequence)

    async def idle(self) -> None:
        """Wait until nothing is queued, playing or waiting to be pre-warmed."""
        async with self._changed:
            await self._changed.wait_for(self._is_idle)

    def _is_idle(self) -> bool:
        return not self._queue and not self._busy and not (self._prewarm and self._guesses)

    async def run(self, stop: asyncio.Event) -> None:
        """Speak until ``stop`` is set; the announcement playing then is finished first."""
        loop = asyncio.get_running_loop()
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="okno-voice")
        watcher = asyncio.create_task(self._wake_on(stop))
        try:
            while not stop.is_set():
                if self._queue:
                    await self._speak(loop, worker, *self._queue.popleft())
                elif self._guesses and self._prewarm:
                    await self._warm(loop, worker, self._guesses.popleft())
                else:
                    self._wakeup.clear()
                    await self._wakeup.wait()
        finally:
            watcher.cancel()
            worker.shutdown(wait=False, cancel_futures=True)
            if self._queue:
                unspoken = ", ".join(str(a.sequence) for a, _, _ in self._queue)
                log.warning("voice stopped with calls unspoken seq=%s", unspoken)

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wakeup.set()

    def _volume(self) -> float:
        if self.quiet_hours is None:
            return self.voice.volume
        return self.quiet_hours.volume_at(self._now(), self.voice.volume)

    async def _speak(
        self,
        loop: asyncio.AbstractEventLoop,
        worker: ThreadPoolExecutor,
        announcement: Announcement,
        said: tuple[Phrase, ...],
        submitted_at: float,
    ) -> None:
        self._busy = True
        volume = self._volume()
        started = ended = monotonic()
        outcome = "spoken"
        try:
            if volume <= 0:
                outcome = "quiet"
            else:
                wav = await loop.run_in_executor(worker, self.voice.announcement, said, volume)
                started = monotonic()
                await loop.run_in_executor(worker, self.sink.play, wav)
            ended = monotonic()
        except (DisplayError, OSError) as err:
            ended = monotonic()
            outcome = f"failed: {err}"
            log.error("call not spoken seq=%d: %s", announcement.sequence, err)
        finally:
            self._busy = False
        entry = Spoken(
            sequence=announcement.sequence,
            text=" / ".join(p.text for p in said),
            display=said[0].display,
            submitted_at=submitted_at,
            started_at=started,
            ended_at=ended,
            volume=volume,
            outcome=outcome,
        )
        log.info(
            "call seq=%d %s outcome=%s wait_ms=%.0f play_ms=%.0f",
            entry.sequence,
            entry.display,
            outcome,
            (started - submitted_at) * 1000,
            (ended - started) * 1000,
        )
        if outcome == "spoken":
            self._guess_after(announcement)
        async with self._changed:
            self.log.append(entry)
            self._finished.add(announcement.sequence)
            self._changed.notify_all()

    async def _warm(
        self,
        loop: asyncio.AbstractEventLoop,
        worker: ThreadPoolExecutor,
        guess: tuple[Phrase, ...],
    ) -> None:
        volume = self._volume()
        try:
            if volume > 0:
                await loop.run_in_executor(worker, self.voice.prewarm, [guess], volume)
        except (DisplayError, OSError) as err:
            log.warning("pre-warm failed for %s: %s", guess[0].display, err)
        async with self._changed:
            self._changed.notify_all()

    def _guess_after(self, done: Announcement) -> None:
        """Queue the likely next calls: this one recalled, the next ticket at recent desks."""
        if done.desk in self._desks:
            self._desks.remove(done.desk)
        self._desks.appendleft(done.desk)
        following = parse_ticket(done.ticket).following()
        likely = [(done.ticket, done.desk, True)]
        if following is not None:
            likely += [(str(following), desk, False) for desk in self._desks]
        for ticket, desk, recall in reversed(likely):
            self._guesses.appendleft(phrases(ticket, desk, recall=recall, languages=done.languages))

    def _remember(self, sequence: int) -> None:
        self._seen.add(sequence)
        self._seen_order.append(sequence)
        if len(self._seen_order) > DEDUPE_WINDOW:
            forgotten = self._seen_order.popleft()
            self._seen.discard(forgotten)
            self._finished.discard(forgotten)
