"""Voice guidance: the kiosk's prompts spoken through the hall's voice, one at a time.

Unlike the hall, where every call must be heard, a kiosk speaks to the one visitor in
front of it about the screen they see now: a prompt not yet begun is replaced by a newer
one (a visitor who taps on does not hear every screen they passed). One spoken prompt
is never cut off or overlapped. Synthesis and playback block, so they run in one thread
("okno-kiosk-voice"); :meth:`VoiceGuide.say` only hands over the text and returns.
While nothing is asked, the thread caches the fixed prompts, so the first ones start at once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from hall_display.errors import DisplayError
from hall_display.sinks import AudioSink
from hall_display.voice import Voice
from kiosk import speech

log = logging.getLogger(__name__)
KEPT = 200


@dataclass(frozen=True, slots=True)
class Said:
    text: str
    language: str
    outcome: str  # "spoken", "replaced" or "failed: <reason>"


class VoiceGuide:
    def __init__(self, voice: Voice, sink: AudioSink) -> None:
        self.voice = voice
        self.sink = sink
        self.log: deque[Said] = deque(maxlen=KEPT)
        self._next: tuple[str, str] | None = None
        self._warm: deque[tuple[str, str]] = deque()
        self._changed = threading.Condition()
        self._stopping = False
        self._busy = False
        self._thread = threading.Thread(target=self._main, name="okno-kiosk-voice", daemon=True)

    def start(self, prewarm: Iterable[tuple[str, str]] = ()) -> None:
        self._warm.extend(prewarm)
        self._thread.start()

    def say(self, text: str, language: str) -> None:
        """Speak ``text`` next (from any thread), replacing a prompt not yet begun."""
        with self._changed:
            if self._next is not None:
                self.log.append(Said(*self._next, "replaced"))
            self._next = (text, language)
            self._changed.notify_all()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until nothing is waiting or playing; False on timeout (for tests)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._next is None and not self._busy, timeout_s)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the prompt playing (never cut off), drop the rest, end the thread."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def spoken(self) -> list[str]:
        return [s.text for s in self.log if s.outcome == "spoken"]

    def _main(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(
                    lambda: self._stopping or self._next is not None or bool(self._warm)
                )
                if self._stopping:
                    return
                job, self._next = self._next, None
                warm = self._warm.popleft() if job is None and self._warm else None
                self._busy = job is not None
            try:
                if job is not None:
                    self._speak(*job)
                elif warm is not None:
                    self.voice.synthesise(speech.phrase(*warm))
            except (DisplayError, OSError) as error:
                log.warning("voice guidance failed: %s", error)
                if job is not None:
                    self.log.append(Said(*job, f"failed: {error}"))
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _speak(self, text: str, language: str) -> None:
        wav = self.voice.synthesise(speech.phrase(text, language))
        self.sink.play(wav)
        self.log.append(Said(text, language, "spoken"))
        log.debug("said language=%s chars=%d", language, len(text))
