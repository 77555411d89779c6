"""Phrases to WAV files, offline, with espeak-ng; each one synthesised once.

Engine. The project chose pyttsx3 on espeak-ng, and the first version ran pyttsx3. Its
2.99 espeak driver failed us in three ways, measured on the build machine: a change of
rate took effect several phrases late (a phrase asked at 150 words a minute came out at
220, 2.63 s instead of 3.82 s); the whole phrase was lost when it came in one chunk
(2 empty files in 150); and the last chunk was always dropped (up to 11 ms of trailing
silence). :class:`EspeakEngine` runs espeak-ng's own command line, the same synthesiser
and voices (``zle/ru``) pyttsx3 drives, with its output byte for byte what pyttsx3 gives
when pyttsx3 works: 11–13 ms a phrase, no shared state, so no lock.

Cache. A phrase's WAV is kept in ``cache_dir`` under a key of engine, voice, rate,
volume and text, written atomically (temp file, then rename), least recently used files
evicted past ``max_cache_bytes``; whole announcements (chime, pause, phrases) are cached
the same way, so a cached call costs one ``stat`` before it plays.

Volume is applied by scaling samples (espeak-ng always renders at full level), so it is
exact and the same for chime and speech. :class:`QuietHours` lowers it during a time
range; a quiet volume of 0 means calls are not spoken then (the board still shows them).
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from hall_display import wav
from hall_display.errors import BadAudio, SynthesisFailed, VoiceUnavailable
from hall_display.speech import Language, Phrase

log = logging.getLogger(__name__)

VOICES: Mapping[Language, str] = {Language.RU: "zle/ru", Language.EN: "gmw/en"}
DEFAULT_RATE = 150  # words per minute: slower than espeak-ng's 175, clearer in a hall
GAP_AFTER_CHIME = 0.15
GAP_BETWEEN_LANGUAGES = 0.5
MAX_CACHE_BYTES = 64 * 2**20  # about 500 calls of 3 s
_CHIME_VERSION = "ding-dong-1"
_RATES = range(80, 451)


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class SpeechEngine(Protocol):
    """Renders one text with one voice into a 22,050 Hz mono 16-bit WAV file."""

    name: str

    def render(self, text: str, voice: str, rate: int, out: Path) -> None: ...


class EspeakEngine:
    """espeak-ng's own command line: one process per phrase, nothing shared between them."""

    name = "espeak-ng"

    def __init__(self, program: str = "espeak-ng", timeout_s: float = 10.0) -> None:
        self._program = program
        self._timeout_s = timeout_s

    def render(self, text: str, voice: str, rate: int, out: Path) -> None:
        """Write ``text`` said by ``voice`` at ``rate`` words a minute to ``out``."""
        command = [self._program, "-v", voice, "-s", str(rate), "-w", str(out), "--", text]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self._timeout_s, check=False
            )
        except FileNotFoundError as err:
            raise VoiceUnavailable(f"{self._program} is not installed") from err
        except subprocess.TimeoutExpired as err:
            raise SynthesisFailed(f"espeak-ng took over {self._timeout_s:g} s") from err
        if "voice does not exist" in done.stderr:
            raise VoiceUnavailable(f"espeak-ng has no voice {voice!r}")
        if done.returncode != 0 or not out.exists():
            reason = done.stderr.strip() or f"exit code {done.returncode}"
            raise SynthesisFailed(f"espeak-ng failed on voice {voice!r}: {reason}")
        with wave.open(str(out), "rb") as rendered:
            if rendered.getnframes() == 0:
                raise SynthesisFailed(f"espeak-ng gave no sound for {text!r}")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From ``start`` to ``end`` (may pass midnight) calls play at ``volume``; 0 = unspoken."""

    start: time
    end: time
    volume: float = 0.0

    def covers(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def volume_at(self, moment: time, normal: float) -> float:
        """The volume to play at ``moment``: never louder than ``normal``."""
        return min(normal, self.volume) if self.covers(moment) else normal


def hall_clock(
    zone: Callable[[], str], wall: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Callable[[], time]:
    """The time of day in the hall's zone (``zone()``; "" for the box's own).

    Quiet hours are the hall's: a board whose box runs on UTC must still fall silent at
    22:00 Moscow time, not at 01:00.
    """

    def now() -> time:
        name = zone()
        moment = wall()
        return (moment.astimezone(ZoneInfo(name)) if name else moment.astimezone()).time()

    return now


class DiskCache:
    """WAV files by key in one directory, least recently used evicted past a size."""

    def __init__(self, directory: Path, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        files = sorted(_whole_files(directory), key=lambda p: p.stat().st_mtime)
        self._sizes: OrderedDict[str, int] = OrderedDict((p.stem, p.stat().st_size) for p in files)
        self._total = sum(self._sizes.values())

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        """The file for ``key`` if present, marked as just used."""
        path = self.path(key)
        try:
            os.utime(path)  # the mark survives a restart: the index is rebuilt by mtime
        except FileNotFoundError:  # never made, or evicted by another Voice on this dir
            with self._lock:
                self._total -= self._sizes.pop(key, 0)
            return None
        with self._lock:
            if key not in self._sizes:
                self._sizes[key] = path.stat().st_size
                self._total += self._sizes[key]
            self._sizes.move_to_end(key)
        return path

    def put(self, key: str, frames: bytes) -> Path:
        """Keep ``frames`` under ``key``; evict the least recently used beyond the limit."""
        return self.adopt(key, wav.write_atomic(self.path(key), frames))

    def adopt(self, key: str, path: Path) -> Path:
        """Account for a file already written (atomically) at ``self.path(key)``."""
        size = path.stat().st_size
        with self._lock:
            self._total += size - self._sizes.get(key, 0)
            self._sizes[key] = size
            self._sizes.move_to_end(key)
            while self._total > self.max_bytes and len(self._sizes) > 1:
                old, old_size = self._sizes.popitem(last=False)
                self._total -= old_size
                self.path(old).unlink(missing_ok=True)
        return path


def _whole_files(directory: Path) -> list[Path]:
    """The cached WAVs, less those a power cut left short: they are deleted, made again.

    A cache is written without fsync (a lost entry is only made again), so after a cut a
    file may stand under its name with less than its header counts, or nothing.
    """
    kept = []
    for path in directory.glob("*.wav"):
        if path.name.startswith("."):
            continue
        if wav.is_whole(path):
            kept.append(path)
        else:
            log.warning("damaged cache file removed file=%s", path.name)
            path.unlink(missing_ok=True)
    return kept


class Voice:
    """Says phrases into cached WAV files at one rate and volume, through an engine."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        rate: int = DEFAULT_RATE,
        volume: float = 1.0,
        voices: Mapping[Language, str] = VOICES,
        engine: SpeechEngine | None = None,
        max_cache_bytes: int = MAX_CACHE_BYTES,
    ) -> None:
        if rate not in _RATES:
            raise ValueError(f"rate {rate} words a minute is outside 80..450")
        if not 0.0 <= volume <= 1.0:
            raise ValueError(f"volume {volume} is outside 0..1")
        self.rate = rate
        self.volume = volume
        self.voices = dict(voices)
        self.engine: SpeechEngine = engine or EspeakEngine()
        self.cache = DiskCache(cache_dir, max_cache_bytes)
        self.synthesised = 0  # engine runs, for tests and benchmarks

    def _speech_key(self, phrase: Phrase, volume: float) -> str:
        voice = self._voice_id(phrase.language)
        return _key("speech", self.engine.name, voice, str(self.rate), f"{volume:.3f}", phrase.text)

    def _voice_id(self, language: Language) -> str:
        try:
            return self.voices[language]
        except KeyError:
            raise VoiceUnavailable(f"no voice configured for language {language!r}") from None

    def _volume(self, volume: float | None) -> float:
        chosen = self.volume if volume is None else volume
        if not 0.0 <= chosen <= 1.0:
            raise ValueError(f"volume {chosen} is outside 0..1")
        return chosen

    def is_cached(self, phrase: Phrase, volume: float | None = None) -> bool:
        """Whether ``synthesise`` would return at once."""
        return self.cache.path(self._speech_key(phrase, self._volume(volume))).exists()

    def synthesise(self, phrase: Phrase, volume: float | None = None) -> Path:
        """The WAV of ``phrase`` at ``volume`` (default: the voice's), from cache when there."""
        level = self._volume(volume)
        key = self._speech_key(phrase, level)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if level != 1.0:
            full = wav.read_frames(self.synthesise(phrase, 1.0))
            return self.cache.put(key, wav.scale(full, level))
        target = self.cache.path(key)
        temporary = wav.temporary_path(target)
        try:
            self.engine.render(phrase.text, self._voice_id(phrase.language), self.rate, temporary)
            self.synthesised += 1
            try:
                frames = wav.read_frames(temporary)
            except (BadAudio, FileNotFoundError) as err:
                raise SynthesisFailed(f"no usable audio for {phrase.text!r}: {err}") from err
            if not frames:
                raise SynthesisFailed(f"the engine gave silence for {phrase.text!r}")
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
        log.debug("synthesised language=%s text=%r", phrase.language, phrase.text)
        return self.cache.adopt(key, target)

    def _announcement_key(self, phrases: Sequence[Phrase], level: float) -> str:
        if not phrases:
            raise ValueError("an announcement needs at least one phrase")
        parts = [self._speech_key(p, 1.0) for p in phrases]
        gaps = f"{GAP_AFTER_CHIME}/{GAP_BETWEEN_LANGUAGES}"
        return _key("announcement", _CHIME_VERSION, gaps, f"{level:.3f}", *parts)

    def announcement(self, phrases: Sequence[Phrase], volume: float | None = None) -> Path:
        """One WAV: the chime, a pause, then each phrase in turn; cached like phrases."""
        level = self._volume(volume)
        key = self._announcement_key(phrases, level)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        speech = [wav.read_frames(self.synthesise(p, 1.0)) for p in phrases]
        frames = wav.chime() + wav.silence(GAP_AFTER_CHIME)
        frames += wav.silence(GAP_BETWEEN_LANGUAGES).join(speech)
        return self.cache.put(key, wav.scale(frames, level))

    def has_announcement(self, phrases: Sequence[Phrase], volume: float | None = None) -> bool:
        """Whether ``announcement`` would return at once."""
        return self.cache.path(self._announcement_key(phrases, self._volume(volume))).exists()

    def prewarm(self, groups: Iterable[Sequence[Phrase]], volume: float | None = None) -> int:
        """Cache the announcements of likely next calls; how many were not cached yet."""
        made = 0
        for group in groups:
            if not self.has_announcement(group, volume):
                self.announcement(group, volume)
                made += 1
        return made
