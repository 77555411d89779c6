"""Voices for the tests: a shared real cache (each phrase once), or a fake engine (no espeak)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall_display import wav
from hall_display.voice import Voice


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture
def voice(voice_cache: Path) -> Voice:
    return Voice(voice_cache)


class FakeEngine:
    """A speech engine that writes the chime for any text: fast, and never silent."""

    name = "fake"

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render(self, text: str, voice: str, rate: int, out: Path) -> None:
        self.rendered.append(text)
        wav.write_atomic(out, wav.chime())


@pytest.fixture
def fake_voice(tmp_path: Path) -> Voice:
    return Voice(tmp_path / "fake-voice-cache", engine=FakeEngine())
