"""Figures of the hall's voice for ``okno display bench``: how soon a call is heard.

"First sample" is the moment the announcer hands the announcement to the sink; the sink
here is :class:`WavFileSink` at speed 0, so the figures measure okno, not a sound card
(``aplay`` adds its own start-up, some 10–30 ms, on a real one).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
from pathlib import Path
from time import perf_counter

from hall_display.announcer import Announcement, Announcer
from hall_display.sinks import WavFileSink
from hall_display.speech import Language, call_phrase, phrases
from hall_display.voice import Voice

CACHED_CALL_TARGET_MS = 300.0


def measure_voice(out_dir: Path, rounds: int = 5) -> dict[str, float]:
    """Median ms from submit to first sample, cached and uncached, and ms per synthesis.

    Keys: "cached_call_to_first_sample_ms" (target < 300), "uncached_call_to_first_sample_ms"
    and "synthesis_ms_per_phrase" (both reported only). The announcements are left as WAV
    files in ``out_dir/announcements``; the fresh voice cache is removed.
    """
    if rounds < 1:
        raise ValueError("at least one round")
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Path(tempfile.mkdtemp(prefix="voice-cache-", dir=out_dir))
    try:
        return asyncio.run(_measure(Voice(cache), out_dir / "announcements", rounds))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


async def _measure(voice: Voice, announcements: Path, rounds: int) -> dict[str, float]:
    voice.synthesise(call_phrase("А001", 1))  # loads espeak-ng once, as a display does
    synthesis = []
    for i in range(rounds):
        phrase = call_phrase(f"Б{100 + i:03d}", i + 1, Language.RU)
        started = perf_counter()
        voice.synthesise(phrase)
        synthesis.append((perf_counter() - started) * 1000)

    announcer = Announcer(voice, WavFileSink(announcements, speed=0), prewarm=False)
    stop = asyncio.Event()
    task = asyncio.create_task(announcer.run(stop))
    uncached, cached = [], []
    try:
        for i in range(rounds):
            call = Announcement(1 + i, f"В{200 + i:03d}", 2 + i)
            uncached.append(await _first_sample_ms(announcer, call))
        for i in range(rounds):
            call = Announcement(101 + i, f"Г{300 + i:03d}", 3 + i)
            voice.announcement(phrases(call.ticket, call.desk))
            cached.append(await _first_sample_ms(announcer, call))
    finally:
        stop.set()
        await task
    return {
        "cached_call_to_first_sample_ms": statistics.median(cached),
        "uncached_call_to_first_sample_ms": statistics.median(uncached),
        "synthesis_ms_per_phrase": statistics.mean(synthesis),
    }


async def _first_sample_ms(announcer: Announcer, call: Announcement) -> float:
    announcer.submit(call)
    spoken = await announcer.wait_for(call.sequence)
    if spoken.outcome != "spoken":
        raise RuntimeError(f"benchmark call {call.ticket} was not spoken: {spoken.outcome}")
    return (spoken.started_at - spoken.submitted_at) * 1000
