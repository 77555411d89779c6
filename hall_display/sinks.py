"""Where announcements are heard: a sound card through ``aplay``, or WAV files on disk.

A sink's ``play`` blocks until the last sample has played, so the announcer can promise
that nothing overlaps and nothing is cut off. Which sink runs is decided once, by
:func:`choose_sink` (or injected by the caller), never by an ``if`` in the announcer.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from hall_display import wav
from hall_display.errors import PlaybackFailed

log = logging.getLogger(__name__)

_NUMBERED = re.compile(r"announcement-(\d+)\.wav")


class AudioSink(Protocol):
    """Plays one WAV file, returning only when it has been heard to the end."""

    name: str

    def play(self, wav: Path, /) -> None: ...


class AplaySink:
    """The sound card, through ALSA's ``aplay`` (alsa-utils)."""

    def __init__(self, device: str | None = None, aplay: str = "aplay") -> None:
        self.device = device
        self.aplay = aplay
        self.name = f"aplay ({device or 'default device'})"

    def play(self, wav_file: Path) -> None:
        """Play through aplay; PlaybackFailed with aplay's reason when it refuses."""
        device = ["-D", self.device] if self.device else []
        try:
            done = subprocess.run(
                [self.aplay, "-q", *device, str(wav_file)],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as err:
            raise PlaybackFailed(f"cannot run {self.aplay}: {err}") from err
        if done.returncode != 0:
            reason = done.stderr.strip() or f"exit status {done.returncode}"
            raise PlaybackFailed(f"aplay could not play {wav_file.name}: {reason}")


class WavFileSink:
    """No sound card: each announcement becomes ``announcement-0001.wav``... in a directory.

    "Playing" lasts the WAV's real duration times ``speed`` (0 = at once), so the queue
    behaves as in a hall while tests and the demo run fast.
    """

    def __init__(
        self,
        out_dir: Path,
        speed: float = 1.0,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if speed < 0:
            raise ValueError(f"speed {speed} is negative")
        self.out_dir = out_dir
        self.speed = speed
        self.name = f"WAV files in {out_dir}"
        self.played: list[Path] = []
        self._sleep = sleep
        out_dir.mkdir(parents=True, exist_ok=True)
        # Continue the numbering of an earlier run rather than overwrite what it kept.
        numbers = [int(m.group(1)) for p in out_dir.iterdir() if (m := _NUMBERED.fullmatch(p.name))]
        self._next = max(numbers, default=0) + 1
        log.info("no audio device: writing WAV files to %s", out_dir)

    def play(self, wav_file: Path) -> None:
        """Copy the announcement to the next numbered file, then wait as long as it plays."""
        frames = wav.read_frames(wav_file)
        target = self.out_dir / f"announcement-{self._next:04d}.wav"
        self._next += 1
        wav.write_atomic(target, frames)
        self.played.append(target)
        if self.speed:
            self._sleep(wav.seconds(frames) * self.speed)


def sound_cards(aplay: str = "aplay") -> list[str]:
    """The ``card N: ...`` lines of ``aplay -l``; none when aplay or a card is missing."""
    if shutil.which(aplay) is None:
        return []
    try:
        done = subprocess.run(
            [aplay, "-l"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line for line in done.stdout.splitlines() if line.startswith("card ")]


def choose_sink(out_dir: Path, *, speed: float = 1.0, aplay: str = "aplay") -> AudioSink:
    """``aplay`` when it lists a sound card, otherwise WAV files in ``out_dir``; logs which."""
    cards = sound_cards(aplay)
    if cards:
        log.info("voice output: aplay, %s", cards[0])
        return AplaySink(aplay=aplay)
    why = "aplay not installed" if shutil.which(aplay) is None else "aplay lists no card"
    log.info("voice output: WAV files (%s)", why)
    return WavFileSink(out_dir, speed)
