"""One voice cache for the whole session: each phrase is synthesised once across tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall_display.voice import Voice


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture
def voice(voice_cache: Path) -> Voice:
    return Voice(voice_cache)
