"""The kiosk's tests: a fake speech engine (no espeak-ng), WAV files for the voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from tests.hall_display.conftest import FakeEngine


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def fake_voice(tmp_path: Path, engine: FakeEngine) -> Voice:
    return Voice(tmp_path / "voice-cache", engine=engine)


@pytest.fixture
def wav_sink(tmp_path: Path) -> WavFileSink:
    return WavFileSink(tmp_path / "voice", speed=0)
