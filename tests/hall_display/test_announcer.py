"""The playback queue: in order, one at a time, whole, nothing dropped, duplicates once."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from hall_display import wav
from hall_display.announcer import (
    Announcement,
    Announcer,
    AplaySink,
    WavFileSink,
    choose_sink,
)
from hall_display.errors import BadPhrase, PlaybackFailed
from hall_display.speech import Language, phrases
from hall_display.voice import QuietHours, Voice, hall_clock
from hall_display.voice_bench import CACHED_CALL_TARGET_MS, measure_voice

WAIT = 10.0  # seconds a test waits for an event before it fails instead of hanging


class RecordingSink:
    """WAV files, noting how many plays overlap; with ``hold`` each play waits for release."""

    def __init__(self, out_dir: Path, speed: float = 0.0, *, hold: bool = False) -> None:
        self.inner = WavFileSink(out_dir, speed)
        self.name = "recording"
        self.active = 0
        self.max_active = 0
        self.plays = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.failures: list[Exception] = []
        if not hold:
            self.release.set()
        self._lock = threading.Lock()

    def play(self, wav_file: Path) -> None:
        with self._lock:
            self.active += 1
            self.plays += 1
            self.max_active = max(self.max_active, self.active)
        self.started.set()
        try:
            if self.failures:
                raise self.failures.pop(0)
            assert self.release.wait(WAIT)
            self.inner.play(wav_file)
        finally:
            with self._lock:
                self.active -= 1

    async def wait_started(self) -> None:
        assert await asyncio.to_thread(self.started.wait, WAIT)


@asynccontextmanager
async def running(announcer: Announcer) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(announcer.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


def announcement_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("announcement-*.wav"))


def frames_of(voice: Voice, ticket: str, desk: str | int, *, recall: bool = False) -> bytes:
    return wav.read_frames(voice.announcement(phrases(ticket, desk, recall=recall)))


async def test_ten_calls_in_a_second_are_spoken_in_order_one_at_a_time(
    voice: Voice, tmp_path: Path
) -> None:
    sink = RecordingSink(tmp_path, speed=0.01)
    announcer = Announcer(voice, sink)
    calls = [Announcement(n, f"А{100 + n:03d}", n) for n in range(1, 11)]
    async with running(announcer):
        for call in calls:
            assert announcer.submit(call)
        last = await asyncio.wait_for(announcer.wait_for(10), WAIT)
    assert last == announcer.log[-1]
    log = list(announcer.log)
    assert [s.sequence for s in log] == list(range(1, 11))
    assert all(s.outcome == "spoken" for s in log)
    assert max(s.submitted_at for s in log) - min(s.submitted_at for s in log) < 1.0
    for before, after in itertools.pairwise(log):
        assert after.started_at >= before.ended_at
    assert sink.max_active == 1
    files = announcement_files(tmp_path)
    assert [f.name for f in files] == [f"announcement-{n:04d}.wav" for n in range(1, 11)]
    for call, file, spoken in zip(calls, files, log, strict=True):
        frames = wav.read_frames(file)
        assert frames == frames_of(voice, call.ticket, call.desk)
        assert spoken.ended_at - spoken.started_at >= wav.seconds(frames) * 0.01 * 0.9
        assert spoken.display == f"{call.ticket} → окно {call.desk}"


async def test_a_call_during_an_announcement_waits_for_its_end(
    voice: Voice, tmp_path: Path
) -> None:
    sink = RecordingSink(tmp_path, hold=True)
    announcer = Announcer(voice, sink)
    async with running(announcer):
        announcer.submit(Announcement(1, "Б001", 1))
        await sink.wait_started()
        announcer.submit(Announcement(2, "Б002", 2))
        assert announcer.pending == 1
        assert sink.plays == 1
        sink.release.set()
        second = await asyncio.wait_for(announcer.wait_for(2), WAIT)
    assert second.started_at >= announcer.log[0].ended_at
    assert sink.max_active == 1


async def test_stop_lets_the_announcement_finish(
    voice: Voice, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sink = RecordingSink(tmp_path, hold=True)
    announcer = Announcer(voice, sink)
    stop = asyncio.Event()
    task = asyncio.create_task(announcer.run(stop))
    announcer.submit(Announcement(1, "Б011", 1))
    announcer.submit(Announcement(2, "Б012", 2))
    await sink.wait_started()
    stop.set()
    await asyncio.sleep(0)  # give run() the chance to (wrongly) leave early
    assert not task.done()
    sink.release.set()
    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(task, WAIT)
    assert [(s.sequence, s.outcome) for s in announcer.log] == [(1, "spoken")]
    assert (tmp_path / "announcement-0001.wav").exists()
    assert "calls unspoken seq=2" in caplog.text


async def test_a_recall_is_spoken_again(voice: Voice, tmp_path: Path) -> None:
    announcer = Announcer(voice, RecordingSink(tmp_path))
    async with running(announcer):
        announcer.submit(Announcement(1, "А123", 5))
        announcer.submit(Announcement(2, "А123", 5, recall=True))
        await asyncio.wait_for(announcer.wait_for(2), WAIT)
    assert [s.text for s in announcer.log] == [
        "Талон А сто двадцать три, пройдите к окну номер пять",
        "Повторно: талон А сто двадцать три, пройдите к окну номер пять",
    ]
    assert len(announcement_files(tmp_path)) == 2


async def test_a_repeated_feed_sequence_is_spoken_once(voice: Voice, tmp_path: Path) -> None:
    announcer = Announcer(voice, RecordingSink(tmp_path))
    async with running(announcer):
        assert announcer.submit(Announcement(7, "В007", 3))
        assert not announcer.submit(Announcement(7, "В007", 3))
        await asyncio.wait_for(announcer.wait_for(7), WAIT)
        assert not announcer.submit(Announcement(7, "В007", 3))  # after a feed reconnect
        assert announcer.submit(Announcement(8, "В007", 3))  # the same call, a new event
        await asyncio.wait_for(announcer.wait_for(8), WAIT)
    assert [s.sequence for s in announcer.log] == [7, 8]
    assert len(announcement_files(tmp_path)) == 2


@pytest.mark.clock
async def test_quiet_hours_lower_the_volume(voice: Voice, tmp_path: Path) -> None:
    moment = [time(12)]
    announcer = Announcer(
        voice,
        RecordingSink(tmp_path),
        quiet_hours=QuietHours(time(22), time(7), volume=0.2),
        now=lambda: moment[0],
    )
    async with running(announcer):
        announcer.submit(Announcement(1, "Г300", 2))
        await asyncio.wait_for(announcer.wait_for(1), WAIT)
        moment[0] = time(23, 30)
        announcer.submit(Announcement(2, "Г300", 2))
        await asyncio.wait_for(announcer.wait_for(2), WAIT)
    assert [s.volume for s in announcer.log] == [1.0, 0.2]
    day, night = (wav.read_frames(tmp_path / f"announcement-000{n}.wav") for n in (1, 2))
    assert wav.rms(night) / wav.rms(day) == pytest.approx(0.2, abs=0.01)


@pytest.mark.clock
async def test_silent_quiet_hours_log_the_call_but_do_not_play_it(
    voice: Voice, tmp_path: Path
) -> None:
    sink = RecordingSink(tmp_path)
    announcer = Announcer(
        voice, sink, quiet_hours=QuietHours(time(0), time(23, 59)), now=lambda: time(3)
    )
    async with running(announcer):
        announcer.submit(Announcement(1, "Г301", 2))
        spoken = await asyncio.wait_for(announcer.wait_for(1), WAIT)
    assert (spoken.outcome, spoken.volume, spoken.display) == ("quiet", 0.0, "Г301 → окно 2")
    assert sink.plays == 0


async def test_an_unsayable_call_is_refused_when_submitted(voice: Voice, tmp_path: Path) -> None:
    announcer = Announcer(voice, RecordingSink(tmp_path))
    with pytest.raises(BadPhrase, match="'-' at position 2"):
        announcer.submit(Announcement(1, "А-1/2", 5))
    assert announcer.pending == 0
    assert announcer.submit(Announcement(1, "А12", 5))  # the sequence was not used up


async def test_a_failed_playback_does_not_stop_the_queue(voice: Voice, tmp_path: Path) -> None:
    sink = RecordingSink(tmp_path)
    sink.failures.append(PlaybackFailed("aplay could not play: device busy"))
    announcer = Announcer(voice, sink)
    async with running(announcer):
        announcer.submit(Announcement(1, "Д001", 1))
        announcer.submit(Announcement(2, "Д002", 1))
        await asyncio.wait_for(announcer.wait_for(2), WAIT)
    outcomes = [s.outcome for s in announcer.log]
    assert outcomes == ["failed: aplay could not play: device busy", "spoken"]


async def test_the_likely_next_calls_are_prewarmed(voice_cache: Path, tmp_path: Path) -> None:
    voice = Voice(voice_cache)
    announcer = Announcer(voice, RecordingSink(tmp_path))
    async with running(announcer):
        announcer.submit(Announcement(1, "Л120", 4, languages=(Language.RU, Language.EN)))
        announcer.prewarm([Announcement(0, "М001", "кабинет 2")])
        await asyncio.wait_for(announcer.idle(), WAIT)
    both = (Language.RU, Language.EN)
    assert voice.has_announcement(phrases("Л120", 4, recall=True, languages=both))
    assert voice.has_announcement(phrases("Л121", 4, languages=both))
    assert voice.has_announcement(phrases("М001", "кабинет 2"))


def write_fake_aplay(directory: Path, *, card: bool, status: int = 0) -> Path:
    script = directory / "aplay"
    listing = "echo 'card 0: PCH [HDA Intel PCH], device 0: ALC892 Analog'" if card else ""
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-l" ]; then {listing or "true"}; exit 0; fi\n'
        f'echo "$@" >> "{directory}/played"; echo "device busy" >&2; exit {status}\n'
    )
    script.chmod(0o755)
    return script


def test_without_aplay_the_wav_sink_is_chosen_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        sink = choose_sink(tmp_path / "out", aplay=str(tmp_path / "missing-aplay"))
    assert isinstance(sink, WavFileSink)
    assert f"no audio device: writing WAV files to {tmp_path / 'out'}" in caplog.text
    assert caplog.text.count("no audio device") == 1


def test_a_listed_card_chooses_aplay(tmp_path: Path) -> None:
    without = write_fake_aplay(tmp_path, card=False)
    assert isinstance(choose_sink(tmp_path / "out", aplay=str(without)), WavFileSink)
    with_card = write_fake_aplay(tmp_path, card=True)
    sink = choose_sink(tmp_path / "out", aplay=str(with_card))
    assert isinstance(sink, AplaySink)
    sink.play(tmp_path / "x.wav")
    assert (tmp_path / "played").read_text() == f"-q {tmp_path / 'x.wav'}\n"


def test_aplay_failures_are_typed(tmp_path: Path) -> None:
    sink = AplaySink(device="hw:0", aplay=str(write_fake_aplay(tmp_path, card=True, status=1)))
    with pytest.raises(PlaybackFailed, match="device busy") as caught:
        sink.play(tmp_path / "x.wav")
    assert isinstance(caught.value, OSError)
    assert (tmp_path / "played").read_text().startswith("-q -D hw:0 ")


def test_the_wav_sink_continues_the_numbering(voice: Voice, tmp_path: Path) -> None:
    announcement = voice.announcement(phrases("А1", 1))
    WavFileSink(tmp_path, speed=0).play(announcement)
    WavFileSink(tmp_path, speed=0).play(announcement)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "announcement-0001.wav",
        "announcement-0002.wav",
    ]


def test_the_benchmark_measures_a_cached_call(tmp_path: Path) -> None:
    figures = measure_voice(tmp_path, rounds=2)
    assert set(figures) == {
        "cached_call_to_first_sample_ms",
        "uncached_call_to_first_sample_ms",
        "synthesis_ms_per_phrase",
    }
    assert 0 < figures["cached_call_to_first_sample_ms"] < CACHED_CALL_TARGET_MS
    assert figures["synthesis_ms_per_phrase"] > 0
    assert len(list((tmp_path / "announcements").glob("*.wav"))) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["announcements"]


@pytest.mark.clock
@pytest.mark.parametrize(
    ("zone", "wall", "quiet"),
    [
        # 20:30 on a box that runs on UTC is 23:30 in the hall: quiet from 22:00.
        ("Europe/Moscow", datetime(2026, 12, 7, 20, 30, tzinfo=UTC), True),
        # 05:30 UTC is 08:30 in Moscow: the hall speaks again.
        ("Europe/Moscow", datetime(2026, 12, 7, 5, 30, tzinfo=UTC), False),
        ("Asia/Vladivostok", datetime(2026, 12, 7, 12, 30, tzinfo=UTC), True),
    ],
)
def test_quiet_hours_are_the_halls_time_not_the_boxs(
    zone: str, wall: datetime, quiet: bool
) -> None:
    now = hall_clock(lambda: zone, lambda: wall)
    assert QuietHours(time(22), time(8)).covers(now()) is quiet
