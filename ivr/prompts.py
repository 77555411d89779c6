"""Prompt files for Asterisk: each text synthesised once with the hall's voice, at 8 kHz.

One file per text, named by the text's hash: ``<sha256(text)[:24]>.wav`` (8,000 Hz mono
16-bit PCM, what ``STREAM FILE`` plays as format ``wav``) and ``.txt`` beside it holding
the text, so a transcript (the test Asterisk's, a technician's) knows what a file says.

Every file appears whole or not at all: the text and the sound are written to temporary
names and renamed into place, the text first, so a ``.wav`` under its name always has its
``.txt``, and a synthesis that is killed or fails leaves nothing under a prompt's name.
A power cut can still leave a short file (no fsync: a lost prompt is only made again), so
a file is checked once before its first use and made again if it is not whole.

The names hang on the text alone (what Asterisk and the sim are given); the voice, rate
and engine are kept in a stamp file: when they change, the old prompts are removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hall_display import wav as hall_wav
from hall_display.errors import DisplayError
from hall_display.voice import EspeakEngine, SpeechEngine
from ivr.errors import PromptFailed
from ivr.resample import PHONE_RATE, resample

log = logging.getLogger(__name__)

NAME_LENGTH = 24
STAMP = ".voice"
WORKERS = 2  # the box has few cores and answers calls meanwhile
_RATES = range(80, 451)
_HEADER = 44  # a plain PCM WAV's headers
QUIET = 64  # below -54 dB of full scale: nothing a phone line carries
TAIL = hall_wav.SAMPLE_RATE * 120 // 1000  # 120 ms kept after the last sound: a breath


def prompt_name(text: str) -> str:
    """The file name (no extension) of a text's prompt."""
    return hashlib.sha256(text.encode()).hexdigest()[:NAME_LENGTH]


def is_playable(path: Path) -> bool:
    """Whether ``path`` is a whole 8 kHz mono 16-bit WAV, as Asterisk plays it."""
    try:
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            frames = reader.getnframes()
    except (OSError, wave.Error, EOFError):
        return False
    return shape == (PHONE_RATE, 1, 2) and path.stat().st_size >= _HEADER + 2 * frames


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _write_wav(path: Path, frames: bytes) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(PHONE_RATE)
        writer.writeframes(frames)


def without_trailing_silence(frames: bytes) -> bytes:
    """The frames up to the last audible sample and TAIL after it; b"" if none is audible.

    espeak-ng ends every utterance with about 430 ms of silence: right for one phrase in a
    hall, but a menu plays pieces back to back ("В очереди", "двадцать два человека"), and
    that silence between them sounds like a broken line and adds to every answer's delay.
    """
    samples = array("h")
    samples.frombytes(frames)
    last = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > QUIET), None)
    if last is None:
        return b""
    return frames[: 2 * min(len(samples), last + 1 + TAIL)]


def synthesise(engine: SpeechEngine, voice: str, rate: int, stem: Path, text: str) -> None:
    """Render ``text`` into ``stem``.wav (8 kHz) and ``stem``.txt; nothing left on failure.

    Module-level: the worker processes of ``Prompts.prepare`` run it with nothing shared.
    """
    raw, sound, words = (_temporary(stem.with_suffix(s)) for s in (".raw", ".wav", ".txt"))
    try:
        try:
            engine.render(text, voice, rate, raw)
            frames = hall_wav.read_frames(raw)
        except (DisplayError, OSError) as err:
            raise PromptFailed(
                f"could not synthesise {text!r} with voice {voice!r}: {err}"
            ) from err
        spoken = without_trailing_silence(frames)
        if not spoken:
            raise PromptFailed(f"the speech engine gave silence for {text!r}")
        try:
            _write_wav(sound, resample(spoken))
            words.write_text(text, encoding="utf-8")
            os.replace(words, stem.with_suffix(".txt"))
            os.replace(sound, stem.with_suffix(".wav"))
        except OSError as err:
            raise PromptFailed(
                f"could not write the prompt {stem.name} into {stem.parent} (full? read-only?)"
                f": {err}"
            ) from err
    finally:
        for leftover in (raw, sound, words):
            leftover.unlink(missing_ok=True)


class Prompts:
    """Prompt files in ``directory``, one per text; see the module's docstring."""

    def __init__(
        self,
        directory: Path,
        *,
        voice: str = "ru",
        rate: int = 150,
        engine: SpeechEngine | None = None,
        workers: int = WORKERS,
    ) -> None:
        if rate not in _RATES:
            raise ValueError(f"rate {rate} words a minute is outside 80..450")
        if workers < 1:
            raise ValueError(f"{workers} workers cannot synthesise anything; give 1 or more")
        # Absolute: Asterisk plays a relative path from its own sounds folder.
        self.directory = directory.absolute()
        self.voice = voice
        self.rate = rate
        self.engine: SpeechEngine = engine or EspeakEngine()
        self.workers = workers
        self.synthesised = 0  # texts this instance made, for tests and the bench
        self._ready: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # Group-readable: Asterisk (in the group) plays the files; they hold sentences and
        # single numbers, letters, days and times, never a caller's whole code or number.
        self.directory.mkdir(mode=0o750, parents=True, exist_ok=True)
        self._sweep()

    def _sweep(self) -> None:
        """Remove what a killed process left half-written, and prompts of another voice."""
        for leftover in self.directory.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        stamp = f"{self.engine.name} {self.voice} {self.rate}\n"
        stamp_path = self.directory / STAMP
        try:
            previous = stamp_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            previous = stamp
        if previous != stamp:
            stale = [*self.directory.glob("*.wav"), *self.directory.glob("*.txt")]
            for path in stale:
                path.unlink(missing_ok=True)
            log.info("prompts cleared reason=voice_changed files=%d", len(stale))
        stamp_path.write_text(stamp, encoding="utf-8")

    def _stem(self, text: str) -> Path:
        return self.directory / prompt_name(text)

    def _lock(self, text: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(text, threading.Lock())

    def clip(self, text: str) -> str:
        """The prompt for ``text`` (path without extension), synthesised on first need."""
        known = self._ready.get(text)
        if known is not None:
            return known
        _check_text(text)
        with self._lock(text):
            stem = self._stem(text)
            if not is_playable(stem.with_suffix(".wav")):
                synthesise(self.engine, self.voice, self.rate, stem, text)
                self.synthesised += 1
                log.debug("prompt synthesised file=%s", stem.name)
            self._ready[text] = str(stem)
        return str(stem)

    def prepare(self, texts: Iterable[str]) -> int:
        """Synthesise every text not yet on disk, in worker processes; how many were made.

        The workers are fresh interpreters (``python -m ivr.prompts``) given their share of
        the texts on stdin: not forked, because the server calling this already runs
        threads (gRPC, asyncio) that a fork would copy in an undefined state; and not
        multiprocessing's spawn, which re-runs the parent's main *script* in each child: a
        caller without the ``if __name__ == "__main__"`` guard (a measuring script did
        exactly that) would start again in every worker and the pool would break.
        """
        wanted = sorted(set(texts))
        for text in wanted:
            _check_text(text)
        missing = [t for t in wanted if not is_playable(self._stem(t).with_suffix(".wav"))]
        if len(missing) > 1 and self.workers > 1:
            self._in_workers(missing)
        else:
            for text in missing:
                synthesise(self.engine, self.voice, self.rate, self._stem(text), text)
        for text in wanted:
            self._ready[text] = str(self._stem(text))
        self.synthesised += len(missing)
        log.info("prompts prepared texts=%d made=%d", len(wanted), len(missing))
        return len(missing)

    def _in_workers(self, texts: list[str]) -> None:
        count = min(self.workers, len(texts))
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p or "." for p in sys.path)}
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "ivr.prompts"],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environment,
            )
            for _ in range(count)
        ]
        for index, worker in enumerate(workers):  # all started before any is waited for
            job = _Job(self.engine, self.voice, self.rate, self.directory, texts[index::count])
            assert worker.stdin is not None
            with worker.stdin:
                worker.stdin.write(pickle.dumps(job))
        problems: list[str] = []
        for worker in workers:
            assert worker.stderr is not None
            with worker.stderr:
                told = worker.stderr.read().decode(errors="replace").strip().splitlines()
            code = worker.wait()  # stderr was the only pipe left open: no deadlock
            if told and told[0].startswith("Traceback"):
                told = told[-1:]  # a crash: its last line says what
            if code < 0:
                told.append(f"a worker was killed by signal {-code}")
            problems += told
        if problems:
            raise PromptFailed(
                f"{len(problems)} problem(s) making prompts: {'; '.join(problems[:3])}; the"
                " prompts made are kept, the rest are made on first use or by another prepare"
            )


@dataclass(frozen=True, slots=True)
class _Job:
    """One worker's share: what it needs to synthesise, and nothing it shares."""

    engine: SpeechEngine
    voice: str
    rate: int
    directory: Path
    texts: list[str]


def _work() -> int:
    """A worker's life: its job from stdin, each text synthesised; errors on stderr."""
    job = pickle.loads(sys.stdin.buffer.read())
    failed = 0
    for text in job.texts:  # one text that cannot be said does not stop the others
        try:
            synthesise(job.engine, job.voice, job.rate, job.directory / prompt_name(text), text)
        except PromptFailed as err:
            print(err, file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _check_text(text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise PromptFailed(f"{text!r} is no text to say; a prompt needs words")


if __name__ == "__main__":
    sys.exit(_work())
