"""The demo's regional back office: the hall's log synced as it happens, reports at the end.

A back office on SQLite serves the sync protocol on loopback; the demo hub pushes its
event log there in signed batches, exactly as a branch hub does (``okno hub
--backoffice``). When the hall stops, the office has every event, and the demo leaves
what a manager would open: each standard report as CSV and XLSX, and the dashboard's pages
as HTML that open from disk with their styles and links.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine

from backoffice import reports
from backoffice.accounts import REGIONAL, add_user, open_session
from backoffice.names import load, named
from backoffice.period import Period
from backoffice.server import start_server
from backoffice.store import add_branch, open_store
from backoffice.web import create_app, exports
from backoffice.web.app import HERE
from backoffice.web.signin import COOKIE
from backoffice.web.vashkontrol import csv_chunks
from hub.service import Hub
from hub.sync import start_sync
from hub.sync.sender import Sender
from okno.demo.outputs import remove_database

log = logging.getLogger(__name__)
OFFICE_DB = "backoffice.db"
REPORTS = "reports"
DASHBOARD = "dashboard"
RATINGS = "vashkontrol.csv"
STYLE = HERE / "static" / "dashboard.css"
# Real seconds the office may take to receive the last events once the hall stops.
DRAIN_S = 10.0
DEMO_READER = "demo"


@dataclass(frozen=True, slots=True)
class Office:
    """The back office's store, and the hub's sender that feeds it."""

    engine: Engine
    hub: Hub
    sender: Sender

    async def drained(self) -> None:
        """Wait until the office holds everything the hub committed (or give up, logged)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_S
        committed = self.hub.committed_seq
        while (self.sender.acked or 0) < committed:
            if loop.time() > deadline:
                log.warning(
                    "back office behind acked=%s committed=%d", self.sender.acked, committed
                )
                return
            self.sender.kick()
            await asyncio.sleep(0.05)
        log.info("back office holds the whole log seq=%d", committed)


@contextlib.asynccontextmanager
async def regional_office(hub: Hub, out: Path) -> AsyncIterator[Office]:
    """A back office with this branch registered, and the hub syncing to it."""
    db = out / OFFICE_DB
    remove_database(db)
    engine = open_store(f"sqlite:///{db}")
    branch = hub.loaded.branch
    secret = add_branch(engine, branch.id, branch.timezone)
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        sender = await start_sync(hub, f"127.0.0.1:{port}", secret)
        try:
            yield Office(engine, hub, sender)
        finally:
            await sender.stop()
    finally:
        await server.stop(1)
        engine.dispose()


async def write_reports(engine: Engine, first: date, last: date, out: Path, now_ms: int) -> Path:
    """Every standard report of the demo's days as CSV and XLSX, as the dashboard exports
    them (byte-order mark, titles with units), and the dashboard's pages as HTML that
    work when opened from disk; ``now_ms`` is the demo's clock at the end."""
    folder = out / REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    period = Period(first, last, now_ms=now_ms)
    known = await asyncio.to_thread(load, engine)
    for report in reports.REPORTS.values():
        table = named(await asyncio.to_thread(report.run, engine, period), known, "ru")
        (folder / f"{report.name}.csv").write_bytes(exports.report_csv(table, "ru"))
        workbook = exports.report_xlsx(table, "ru", report.title_ru)
        (folder / f"{report.name}.xlsx").write_bytes(workbook)
    ratings = b"".join(await asyncio.to_thread(lambda: list(csv_chunks(engine, period))))
    (folder / RATINGS).write_bytes(ratings)
    pages = folder / DASHBOARD
    pages.mkdir(exist_ok=True)
    shutil.copyfile(STYLE, pages / STYLE.name)
    app = create_app(engine, hosts=["office"], clock=lambda: now_ms)
    query = {"from": first.isoformat(), "to": last.isoformat()}
    saved = [("overview", "/"), ("live", "/live"), *((r, f"/reports/{r}") for r in reports.REPORTS)]
    cookies = await asyncio.to_thread(_signed_in, engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://office", cookies=cookies
    ) as client:
        for name, path in saved:
            answer = await client.get(path, params=query)
            answer.raise_for_status()
            (pages / f"{name}.html").write_text(offline(answer.text), encoding="utf-8")
    log.info("reports written folder=%s", folder)
    return folder


def _signed_in(engine: Engine) -> dict[str, str]:
    """The session cookie of a regional manager made for saving the pages, whose password
    (random, never shown) nobody can sign in with."""
    add_user(engine, DEMO_READER, REGIONAL, secrets.token_urlsafe(24))
    return {COOKIE: open_session(engine, DEMO_READER)}


# Links of a served page and where they lead among the saved files (reports/dashboard/).
_OFFLINE = (
    (re.compile(r'href="/static/([\w.]+)"'), r'href="\1"'),
    (re.compile(r'href="/reports/(\w+)(\?[^"]*)?"'), r'href="\1.html"'),
    (re.compile(r'href="/export/(\w+)\.(csv|xlsx)(\?[^"]*)?"'), r'href="../\1.\2"'),
    (re.compile(r'href="/ratings/(vashkontrol\.csv)(\?[^"]*)?"'), r'href="../\1"'),
    (re.compile(r'href="/live(/[^"]*)?"'), r'href="live.html"'),
    (re.compile(r'href="/(\?[^"]*)?"'), r'href="overview.html"'),
    # The other language, the period form and its quick links need the server.
    (re.compile(r'<a class="lang"[^>]*>[^<]*</a>'), ""),
    (re.compile(r'<form class="filters".*?</form>', re.S), ""),
    (re.compile(r'<meta http-equiv="refresh"[^>]*>'), ""),
)


def offline(html: str) -> str:
    """A served page as a file that works from disk: its style sheet and links beside it."""
    for pattern, replacement in _OFFLINE:
        html = pattern.sub(replacement, html)
    return html
