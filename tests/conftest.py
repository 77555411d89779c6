"""Settings every test needs before any package is imported."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# No display here or in CI: Qt screens render offscreen (and are saved as PNGs).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Imported after the environment is set: the hub's helpers are used by every package's tests.
from tests.hub.conftest import EXAMPLE, Served, SteppedClock, serve_hub


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "branch.toml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture
async def served(config_file: Path, tmp_path: Path) -> AsyncIterator[Served]:
    async with serve_hub(config_file, tmp_path / "hub.db", SteppedClock()) as running:
        yield running
