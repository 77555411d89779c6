"""A small region in a SQLite back office: three weeks of history and this morning, live.

Written by the history generator straight into the store (B1's ``load.fill``), then the
morning of "today" cut at 11:30 Moscow time, so that the live view has people waiting.
The dashboard's clock is fixed at that moment. Branch-01 also holds the week of
applications of tests/backoffice/hand_applications.py from the first Monday, 11-02.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine

from backoffice import store
from backoffice.history import Shape, branch_ids, day_events
from backoffice.load import fill
from backoffice.web import create_app
from hub.sync.signing import sign
from hub.webserver import WebServer
from tests.backoffice.hand_applications import events as applications
from tests.backoffice.hand_applications import history
from tests.backoffice.web.signed import manager

TODAY = date(2026, 11, 23)  # a Monday
DAYS = 21
BRANCHES = 3
SHAPE = Shape(visitors=140, desks=4)
APPLIED = TODAY - timedelta(days=DAYS)  # a Monday
NOW_MS = int(datetime(2026, 11, 23, 11, 30, tzinfo=ZoneInfo("Europe/Moscow")).timestamp() * 1000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (still run by make test)")


def _morning(engine: Engine, branch: str) -> None:
    """Today's events up to NOW_MS, sent as a hub would: signed, from the next seq."""
    secret = store.add_branch(engine, branch)
    first = store.acked(engine, branch) + 1
    payloads = day_events(branch, TODAY, first, SHAPE)
    kept = [p for p in payloads if json.loads(p)["at_ms"] <= NOW_MS]
    events = list(enumerate(kept, start=first))
    store.store(engine, store.Batch(branch, events, sign(secret, branch, events)))


def _applications(engine: Engine, branch: str) -> None:
    """The hand-made week of applications from the history's first day, as a hub sends it."""
    secret = store.add_branch(engine, branch)
    events = applications(history(APPLIED), first=store.acked(engine, branch) + 1)
    store.store(engine, store.Batch(branch, events, sign(secret, branch, events)))


@pytest.fixture(scope="session")
def region_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('backoffice') / 'region.db'}"
    start = TODAY - timedelta(days=DAYS)
    asyncio.run(fill(url, "", branches=BRANCHES, start=start, days=DAYS, shape=SHAPE))
    engine = store.open_store(url)
    # Before the morning, so that the branch's last event stays this morning's.
    _applications(engine, branch_ids(BRANCHES)[0])
    for branch in branch_ids(BRANCHES):
        _morning(engine, branch)
    engine.dispose()
    return url


@dataclass
class Dashboard:
    base: str
    engine: Engine
    # The session cookie of a regional manager, signed in.
    cookies: dict[str, str]

    def client(self, cookies: dict[str, str] | None = None) -> httpx.AsyncClient:
        """A client signed in as the regional manager (or with ``cookies``: {} for nobody)."""
        held = self.cookies if cookies is None else cookies
        return httpx.AsyncClient(base_url=self.base, timeout=30, cookies=held)


@pytest.fixture
async def dashboard(region_url: str) -> AsyncIterator[Dashboard]:
    engine = store.open_store(region_url)
    server = WebServer(create_app(engine, clock=lambda: NOW_MS), "127.0.0.1:0", grace_s=1)
    port = await server.start()
    try:
        yield Dashboard(f"http://127.0.0.1:{port}", engine, manager(engine))
    finally:
        await server.stop()
        engine.dispose()


def screens_dir() -> Path:
    path = Path(__file__).resolve().parents[3] / "var" / "screens" / "backoffice"
    path.mkdir(parents=True, exist_ok=True)
    return path
