"""Settings every test needs before any package is imported; which tests share a worker."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

# No display here or in CI: Qt screens render offscreen (and are saved as PNGs).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Imported after the environment is set: the hub's helpers are used by every package's tests.
from tests.hub.conftest import EXAMPLE, Served, SteppedClock, serve_hub

# The machine has one pcscd and one virtual reader (vpcd on TCP port 35963): under xdist
# (`--dist loadgroup`) every test that reaches them runs on the same worker, one at a time.
VIRTUAL_READER = pytest.mark.xdist_group("virtual_reader")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group by the ``pcscd`` fixture (``insert`` needs it too) before xdist reads the groups."""
    for item in items:
        if isinstance(item, pytest.Function) and "pcscd" in item.fixturenames:
            item.add_marker(VIRTUAL_READER)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a worker whose groups were lost: the tests would clash at random, not fail here."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    for item in session.items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid.rpartition("]")[2]:
            raise RuntimeError(
                f"--dist loadgroup left {item.nodeid} out of its group: pytest-xdist 3.8.0 "
                "groups only on pytest below 9.2 (pytest-xdist#1386)"
            )


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Debian's default umask: files a library makes with its own mode are world readable."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "branch.toml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture
async def served(config_file: Path, tmp_path: Path) -> AsyncIterator[Served]:
    async with serve_hub(config_file, tmp_path / "hub.db", SteppedClock()) as running:
        yield running
