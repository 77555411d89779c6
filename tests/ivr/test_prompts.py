"""Prompt files as Asterisk plays them: real espeak-ng, 8 kHz WAVs, made once, never half."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import threading
import wave
from array import array
from pathlib import Path

import pytest

from hall_display import wav as hall_wav
from hall_display.errors import SynthesisFailed
from ivr.errors import PromptFailed
from ivr.prompts import Prompts, is_playable
from ivr.resample import PHONE_RATE

SENTENCE = "В очереди двадцать два человека"


def read_prompt(stem: str) -> tuple[tuple[int, int, int], bytes]:
    with wave.open(f"{stem}.wav", "rb") as reader:
        shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
        return shape, reader.readframes(reader.getnframes())


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


class ToneEngine:
    """Writes a 22,050 Hz chime for any text: fast, never silent; counts what it rendered."""

    name = "tone"

    def render(self, text: str, voice: str, rate: int, out: Path) -> None:
        if text == "умри":
            os.kill(os.getpid(), signal.SIGKILL)  # a worker killed mid-synthesis
        if text == "сломайся":
            raise SynthesisFailed("the engine refused")
        hall_wav.write_atomic(out, hall_wav.chime())


def test_a_clip_is_a_real_8_khz_mono_16_bit_wav_with_its_text_beside_it(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path / "prompts")
    stem = prompts.clip(SENTENCE)
    name = hashlib.sha256(SENTENCE.encode()).hexdigest()[:24]
    assert stem == str(tmp_path / "prompts" / name)
    shape, frames = read_prompt(stem)
    assert shape == (PHONE_RATE, 1, 2)
    assert len(frames) / (2 * PHONE_RATE) > 0.3
    assert hall_wav.rms(frames) > 500  # speech, not silence
    assert Path(f"{stem}.txt").read_text(encoding="utf-8") == SENTENCE


def test_the_same_text_twice_is_synthesised_once(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    first = prompts.clip(SENTENCE)
    made = Path(f"{first}.wav").stat().st_mtime_ns
    assert prompts.clip(SENTENCE) == first
    assert prompts.synthesised == 1
    again = Prompts(tmp_path)  # a restart finds the file on disk
    assert again.clip(SENTENCE) == first
    assert again.synthesised == 0
    assert Path(f"{first}.wav").stat().st_mtime_ns == made


def test_a_different_text_makes_another_file(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    one, other = prompts.clip("один человек"), prompts.clip("два человека")
    assert one != other
    assert read_prompt(one)[1] != read_prompt(other)[1]
    assert names(tmp_path) == {
        ".voice",
        *(f"{Path(s).name}{suffix}" for s in (one, other) for suffix in (".wav", ".txt")),
    }


def test_the_directory_is_shut_to_others_and_open_to_the_group(
    tmp_path: Path, permissive_umask: None
) -> None:
    Prompts(tmp_path / "deep" / "prompts")
    assert stat.S_IMODE((tmp_path / "deep" / "prompts").stat().st_mode) == 0o750


def test_a_killed_synthesis_leaves_no_file(tmp_path: Path) -> None:
    # An espeak-ng that writes half a WAV header and is killed (SIGKILL) before it ends.
    program = tmp_path / "espeak-ng-killed"
    program.write_text(
        '#!/bin/sh\nwhile [ "$1" != "-w" ]; do shift; done\n'
        'printf "RIFF\\044\\000\\000\\000WAVEfmt " > "$2"\nkill -9 $$\n'
    )
    program.chmod(0o755)
    from hall_display.voice import EspeakEngine

    prompts = Prompts(tmp_path / "prompts", engine=EspeakEngine(str(program)))
    with pytest.raises(PromptFailed, match="could not synthesise"):
        prompts.clip(SENTENCE)
    assert names(tmp_path / "prompts") == {".voice"}


def test_a_missing_espeak_ng_is_a_prompt_failure_saying_so(tmp_path: Path) -> None:
    from hall_display.voice import EspeakEngine

    prompts = Prompts(tmp_path, engine=EspeakEngine("espeak-ng-missing"))
    with pytest.raises(PromptFailed, match="not installed"):
        prompts.clip(SENTENCE)


def test_a_torn_file_from_a_power_cut_is_made_again(tmp_path: Path) -> None:
    stem = Prompts(tmp_path).clip(SENTENCE)
    whole = Path(f"{stem}.wav").read_bytes()
    Path(f"{stem}.wav").write_bytes(whole[: len(whole) // 2])
    again = Prompts(tmp_path)
    assert again.clip(SENTENCE) == stem
    assert again.synthesised == 1
    assert is_playable(Path(f"{stem}.wav"))


def test_leftovers_of_a_killed_process_are_swept(tmp_path: Path) -> None:
    (tmp_path / ".abc.wav.123.456.tmp").write_bytes(b"RIFF")
    Prompts(tmp_path, engine=ToneEngine())
    assert names(tmp_path) == {".voice"}


def test_another_voice_replaces_the_old_prompts(tmp_path: Path) -> None:
    old = Prompts(tmp_path, engine=ToneEngine()).clip(SENTENCE)
    assert Path(f"{old}.wav").exists()
    faster = Prompts(tmp_path, engine=ToneEngine(), rate=180)
    assert not Path(f"{old}.wav").exists()
    faster.clip(SENTENCE)
    assert faster.synthesised == 1


def test_threads_asking_for_one_text_get_one_synthesis(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path, engine=ToneEngine())
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(prompts.clip("раз"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(got)) == 1
    assert len(got) == 8
    assert prompts.synthesised == 1


def test_prepare_makes_what_is_missing_in_worker_processes(tmp_path: Path) -> None:
    texts = [f"{n} минут" for n in range(12)]
    prompts = Prompts(tmp_path)
    prompts.clip(texts[0])
    assert prompts.prepare([*texts, texts[3]]) == 11
    for text in texts:
        stem = prompts.clip(text)
        assert is_playable(Path(f"{stem}.wav"))
        assert Path(f"{stem}.txt").read_text(encoding="utf-8") == text
    assert prompts.synthesised == 12
    assert prompts.prepare(texts) == 0


def test_a_worker_killed_in_prepare_fails_it_and_keeps_the_finished_prompts(
    tmp_path: Path,
) -> None:
    prompts = Prompts(tmp_path, engine=ToneEngine(), workers=2)
    with pytest.raises(PromptFailed, match="a worker was killed by signal 9"):
        prompts.prepare(["а", "б", "умри"])
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    for path in tmp_path.glob("*.wav"):
        assert is_playable(path)


def test_prepare_with_one_worker_makes_them_in_this_process(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path, engine=ToneEngine(), workers=1)
    assert prompts.prepare(["а", "б", "в"]) == 3
    assert prompts.synthesised == 3
    assert all(is_playable(p) for p in tmp_path.glob("*.wav"))


def test_a_text_that_fails_in_prepare_does_not_stop_the_others(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path, engine=ToneEngine(), workers=2)
    texts = ["а", "б", "в", "г", "сломайся"]
    with pytest.raises(PromptFailed, match=r"1 problem\(s\).*'сломайся'.*the engine refused"):
        prompts.prepare(texts)
    assert len(list(tmp_path.glob("*.wav"))) == 4
    assert prompts.prepare(texts[:4]) == 0


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_text_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(PromptFailed, match="no text"):
        Prompts(tmp_path, engine=ToneEngine()).clip(text)


def test_a_rate_outside_espeaks_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"outside 80\.\.450"):
        Prompts(tmp_path, rate=20)


def test_a_prompt_ends_soon_after_its_last_word(tmp_path: Path) -> None:
    # espeak-ng leaves about 430 ms of silence at the end; pieces played back to back
    # would have that gap between every two of them.
    _, frames = read_prompt(Prompts(tmp_path).clip("около часа и десяти минут"))
    samples = array("h")
    samples.frombytes(frames)
    audible = [i for i, s in enumerate(samples) if abs(s) > 64]
    assert (len(samples) - audible[-1]) / PHONE_RATE < 0.15
    assert audible[0] / PHONE_RATE < 0.05  # and starts at once


class SilentEngine:
    name = "silent"

    def render(self, text: str, voice: str, rate: int, out: Path) -> None:
        hall_wav.write_atomic(out, hall_wav.silence(1.0))


def test_an_engine_giving_silence_makes_no_prompt(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path, engine=SilentEngine())
    with pytest.raises(PromptFailed, match="silence"):
        prompts.clip(SENTENCE)
    assert names(tmp_path) == {".voice"}
