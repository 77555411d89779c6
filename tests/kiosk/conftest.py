"""The kiosk's tests: a fake speech engine (no espeak-ng), WAV files for the voice, and
the card reader's pcscd with its virtual cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from tests.card_reader.conftest import insert, pcscd
from tests.hall_display.conftest import FakeEngine

# The virtual card in pcscd's virtual reader, for the kiosk's own card reader.
__all__ = ["insert", "pcscd"]


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def fake_voice(tmp_path: Path, engine: FakeEngine) -> Voice:
    return Voice(tmp_path / "voice-cache", engine=engine)


@pytest.fixture
def wav_sink(tmp_path: Path) -> WavFileSink:
    return WavFileSink(tmp_path / "voice", speed=0)
