"""A hub with its web pages on loopback, and headless Debian Chromium to look at them."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from hub.notify.notifier import Notifier
from hub.notify.outgoing import Outgoing
from hub.service import Hub
from hub.web.app import create_app
from hub.web.site import Web
from hub.webserver import WebServer
from tests.hub.conftest import EXAMPLE, SteppedClock

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
# Flags from the machine's notes: no sandbox (root), no network of its own, a fresh profile.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
SCREENSHOTS = Path(
    os.environ.get("OKNO_WEB_SCREENSHOTS", Path(__file__).resolve().parents[3] / "var/screens/web")
)
PIN = "583719"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (still run by make test)")


class FakeSms:
    """A sender that keeps what it is given: the pages only need a channel to offer."""

    channel = "sms"
    at_once = 1
    idempotent = True

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        return f"fake-{len(self.sent)}"

    async def close(self) -> None:
        return None


@dataclass
class Site:
    hub: Hub
    server: WebServer
    web: Web
    base: str
    clock: SteppedClock
    db: Path

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, follow_redirects=False, timeout=10)


@asynccontextmanager
async def serve_site(
    db: Path,
    clock: SteppedClock,
    *,
    config: Path = EXAMPLE,
    notifier: bool = False,
) -> AsyncIterator[Site]:
    hub = Hub(config, db, clock=clock)
    await hub.start()
    sender = Notifier(hub, [FakeSms()], tick_s=0.05) if notifier else None
    if sender is not None:
        await sender.start()
    web = Web(hub, sender)
    web.refresh_s = 0.3
    server = WebServer(create_app(web), "127.0.0.1:0", grace_s=1)
    port = await server.start()
    try:
        yield Site(hub, server, web, f"http://127.0.0.1:{port}", clock, db)
    finally:
        await server.stop()
        if sender is not None:
            await sender.stop()
        await hub.stop()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with serve_site(tmp_path / "okno.db", SteppedClock()) as served:
        yield served


@pytest.fixture
async def notifying_site(tmp_path: Path) -> AsyncIterator[Site]:
    """The pages with messages set up (a fake SMS sender): "notify me" is offered."""
    async with serve_site(tmp_path / "okno.db", SteppedClock(), notifier=True) as served:
        yield served


def shot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def chromium_missing() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        return "Debian chromium is not installed (apt-get install chromium)"
    return ""
