"""Synthesis with pyttsx3 on espeak-ng: the WAVs, the cache, the chime and the volume."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import wave
from array import array
from datetime import time
from pathlib import Path

import pytest

from hall_display import wav
from hall_display.errors import VoiceUnavailable
from hall_display.speech import Language, call_phrase, phrases, recall_phrase
from hall_display.voice import (
    GAP_AFTER_CHIME,
    DiskCache,
    EspeakEngine,
    QuietHours,
    Voice,
)

EXAMPLE = call_phrase("А123", 5)


def zero_share(frames: bytes) -> float:
    samples = array("h", frames)
    return samples.count(0) / len(samples)


def test_the_example_call_is_a_plausible_wav(voice: Voice) -> None:
    path = voice.synthesise(EXAMPLE)
    with wave.open(str(path), "rb") as reader:
        assert reader.getframerate() == 22_050
        assert reader.getnchannels() == 1
        assert reader.getsampwidth() == 2
        frames = reader.readframes(reader.getnframes())
    assert 1.5 <= wav.seconds(frames) <= 6.0
    assert wav.rms(frames) > 1000  # silence is 0, speech at full level a few thousand
    assert zero_share(frames) < 0.5  # pauses at the comma and the end are exact zeros


def test_english_is_spoken_by_the_english_voice(voice: Voice) -> None:
    russian = wav.read_frames(voice.synthesise(EXAMPLE))
    english = wav.read_frames(voice.synthesise(call_phrase("А123", 5, Language.EN)))
    assert 1.5 <= wav.seconds(english) <= 6.0
    assert english != russian


def test_a_cached_phrase_is_returned_without_synthesis(voice: Voice, voice_cache: Path) -> None:
    phrase = call_phrase("Б042", 7)
    first = voice.synthesise(phrase)
    runs = voice.synthesised
    assert voice.synthesise(phrase) == first
    assert voice.synthesised == runs
    again = Voice(voice_cache)  # another process after a restart: the disk cache serves it
    assert again.synthesise(phrase) == first
    assert again.synthesised == 0
    assert not list(voice_cache.glob(".*"))  # no temporary file left behind


@pytest.mark.parametrize("kept", [0, 44, 1000, -2], ids=["empty", "header", "begun", "short"])
def test_a_cached_phrase_a_power_cut_left_short_is_made_again_after_a_restart(
    voice_cache: Path, kept: int
) -> None:
    phrase = call_phrase("В017", 2)
    path = Voice(voice_cache).synthesise(phrase)
    whole = path.read_bytes()
    path.write_bytes(whole[:kept])  # what a cut leaves of a cache file never synced

    restarted = Voice(voice_cache)
    again = restarted.synthesise(phrase)

    assert restarted.synthesised == 1
    assert again.read_bytes() == whole


def test_rate_and_voice_are_part_of_the_key(voice_cache: Path) -> None:
    slow = Voice(voice_cache, rate=120).synthesise(EXAMPLE)
    fast = Voice(voice_cache, rate=220).synthesise(EXAMPLE)
    assert slow != fast
    assert wav.seconds(wav.read_frames(slow)) > wav.seconds(wav.read_frames(fast))


def test_volume_scales_the_samples_without_a_new_synthesis(voice: Voice) -> None:
    full = wav.read_frames(voice.synthesise(EXAMPLE))
    runs = voice.synthesised
    half = wav.read_frames(voice.synthesise(EXAMPLE, volume=0.5))
    assert voice.synthesised == runs
    assert len(half) == len(full)
    assert wav.rms(half) / wav.rms(full) == pytest.approx(0.5, abs=0.01)


def test_the_chime_is_two_falling_tones() -> None:
    frames = wav.chime()
    assert 0.5 <= wav.seconds(frames) <= 0.7
    samples = array("h", frames)
    assert max(abs(s) for s in samples) <= 32767 // 2 + 1

    def crossings(part: array[int]) -> int:
        return sum(1 for a, b in itertools.pairwise(part) if (a < 0) != (b < 0))

    middle = len(samples) // 2
    assert crossings(samples[:middle]) > crossings(samples[middle:]) * 1.2


def test_an_announcement_is_chime_pause_then_every_phrase(voice: Voice) -> None:
    both = phrases("А123", 5, languages=[Language.RU, Language.EN])
    frames = wav.read_frames(voice.announcement(both))
    chime = wav.chime()
    assert frames.startswith(chime + wav.silence(GAP_AFTER_CHIME))
    speech = sum(len(wav.read_frames(voice.synthesise(p))) for p in both)
    assert len(frames) > len(chime) + speech
    assert voice.has_announcement(both)
    quiet = wav.read_frames(voice.announcement(both, volume=0.25))
    assert wav.rms(quiet) / wav.rms(frames) == pytest.approx(0.25, abs=0.01)


def test_prewarm_caches_only_what_is_missing(voice: Voice) -> None:
    guesses = [phrases("Д500", 3), phrases("Д500", 3, recall=True)]
    assert voice.prewarm(guesses) == 2
    assert voice.prewarm(guesses) == 0
    assert voice.is_cached(recall_phrase("Д500", 3))


def test_the_disk_cache_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=3 * (44 + 2000))
    for key in ("a", "b", "c"):
        cache.put(key, bytes(2000))
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("d", bytes(2000))
    assert cache.get("b") is None
    assert all(cache.get(key) is not None for key in ("a", "c", "d"))


def test_a_missing_voice_says_how_to_install_it(voice_cache: Path) -> None:
    voice = Voice(voice_cache, voices={Language.RU: "zz/none"})
    with pytest.raises(VoiceUnavailable, match="apt-get install espeak-ng") as caught:
        voice.synthesise(call_phrase("Е001", 1))
    assert caught.value.code == "voice_unavailable"
    assert isinstance(caught.value, RuntimeError)


@pytest.mark.parametrize(
    ("start", "end", "moment", "quiet"),
    [
        (time(22), time(7), time(23, 30), True),
        (time(22), time(7), time(6, 59), True),
        (time(22), time(7), time(7), False),
        (time(22), time(7), time(12), False),
        (time(13), time(14), time(13, 15), True),
        (time(13), time(14), time(14, 15), False),
    ],
)
def test_quiet_hours_may_pass_midnight(start: time, end: time, moment: time, quiet: bool) -> None:
    hours = QuietHours(start, end, volume=0.3)
    assert hours.covers(moment) is quiet
    assert hours.volume_at(moment, 0.8) == (0.3 if quiet else 0.8)
    assert hours.volume_at(moment, 0.1) == 0.1  # quiet hours never make it louder


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng command not installed")
def test_letters_are_said_as_their_names() -> None:
    text = call_phrase("Б007", 5).text
    phonemes = subprocess.run(
        ["espeak-ng", "-v", "ru", "-q", "-x", text], capture_output=True, text=True, check=True
    ).stdout.split()
    assert phonemes[:5] == ["tal'on_", "b'E", "n'ol", "n'ol", "s;'em;"]


def test_a_missing_espeak_ng_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(VoiceUnavailable, match="apt-get install espeak-ng"):
        EspeakEngine("espeak-ng-missing").render("А", "zle/ru", 150, tmp_path / "call.wav")
