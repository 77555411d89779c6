"""The voice's audio: 22,050 Hz mono 16-bit PCM frames, the chime, volume and WAV files.

Everything the hall plays is in espeak-ng's own format (22,050 Hz, mono, 16-bit), so
clips join by concatenating frames and nothing is ever resampled.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import wave
from array import array
from functools import cache
from pathlib import Path

from hall_display.errors import BadAudio

SAMPLE_RATE = 22_050
SAMPLE_WIDTH = 2
CHANNELS = 1
_FULL_SCALE = 32767
# RIFF, fmt and data chunk headers of a plain PCM WAV: what a file holds beside its frames.
_HEADER = 44
_CHIME_NOTES = ((880.0, 0.28), (659.25, 0.32))  # A5 then E5: "ding-dong", 0.6 s in all


def _samples(frames: bytes) -> array[int]:
    samples = array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _frames(samples: array[int]) -> bytes:
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def seconds(frames: bytes) -> float:
    """How long the frames play."""
    return len(frames) / (SAMPLE_WIDTH * CHANNELS * SAMPLE_RATE)


def silence(duration: float) -> bytes:
    """Frames of silence lasting ``duration`` seconds."""
    return bytes(SAMPLE_WIDTH * round(duration * SAMPLE_RATE))


def scale(frames: bytes, factor: float) -> bytes:
    """The frames with every sample multiplied by ``factor`` (0–1), so volume is exact."""
    if not 0.0 <= factor <= 1.0:
        raise BadAudio(f"volume {factor} is outside 0..1")
    if factor == 1.0:
        return frames
    return _frames(array("h", (round(s * factor) for s in _samples(frames))))


def rms(frames: bytes) -> float:
    """Root mean square of the samples, 0 for silence, 32767 for a full-scale square wave."""
    samples = _samples(frames)
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@cache
def chime() -> bytes:
    """Two bell-like tones, high then low, about 0.6 s, at half of full scale."""
    out = array("h")
    for frequency, duration in _CHIME_NOTES:
        count = round(duration * SAMPLE_RATE)
        for i in range(count):
            t = i / SAMPLE_RATE
            attack = min(1.0, t / 0.005)
            release = min(1.0, (count - i) / (0.01 * SAMPLE_RATE))  # no click at the end
            envelope = attack * release * math.exp(-t / 0.15)
            tone = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(
                4 * math.pi * frequency * t
            )
            out.append(round(0.5 / 1.3 * _FULL_SCALE * envelope * tone))
    return _frames(out)


def read_frames(path: Path) -> bytes:
    """The frames of a WAV file; BadAudio unless it is 22,050 Hz mono 16-bit PCM."""
    try:
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            if shape != (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH):
                raise BadAudio(f"{path}: {shape} is not (22050 Hz, mono, 16-bit)")
            return reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as err:
        raise BadAudio(f"{path}: not a readable WAV file ({err})") from err


def is_whole(path: Path) -> bool:
    """Whether a WAV file holds all the frames its header counts (a cut can leave less)."""
    try:
        with wave.open(str(path), "rb") as reader:
            counted = reader.getnframes() * reader.getsampwidth() * reader.getnchannels()
    except (wave.Error, EOFError):
        return False
    return path.stat().st_size >= _HEADER + counted


def temporary_path(path: Path) -> Path:
    """A name beside ``path`` that no other process or thread writes to at the same time."""
    return path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")


def write_atomic(path: Path, frames: bytes) -> Path:
    """Write a WAV file so that readers see either nothing or all of it (temp, then rename)."""
    temporary = temporary_path(path)
    try:
        with wave.open(str(temporary), "wb") as writer:
            writer.setnchannels(CHANNELS)
            writer.setsampwidth(SAMPLE_WIDTH)
            writer.setframerate(SAMPLE_RATE)
            writer.writeframes(frames)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
