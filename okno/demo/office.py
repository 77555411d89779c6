"""The demo's regional back office: the hall's log synced as it happens, reports at the end.

A back office on SQLite serves the sync protocol on loopback; the demo hub pushes its
event log there in signed batches, exactly as a branch hub does (``okno hub
--backoffice``). When the hall stops, the office has every event, and the demo leaves
what a manager would open: each standard report as CSV and the dashboard's pages as HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine

from hub.backoffice import reports
from hub.backoffice.server import start_server
from hub.backoffice.store import add_branch, open_store
from hub.backoffice.web import create_app
from hub.service import Hub
from hub.sync import start_sync
from hub.sync.sender import Sender
from okno.demo.outputs import remove_database

log = logging.getLogger(__name__)
OFFICE_DB = "backoffice.db"
REPORTS = "reports"
DASHBOARD = "dashboard"
# Real seconds the office may take to receive the last events once the hall stops.
DRAIN_S = 10.0


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


async def write_reports(engine: Engine, first: date, last: date, out: Path) -> Path:
    """Every standard report of the demo's days as CSV, and the dashboard's pages as HTML."""
    folder = out / REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    period = reports.Period(first, last)
    for report in reports.REPORTS.values():
        table = await asyncio.to_thread(report.run, engine, period)
        with (folder / f"{report.name}.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow([c.title_ru for c in table.columns])
            writer.writerows(table.rows)
    pages = folder / DASHBOARD
    pages.mkdir(exist_ok=True)
    app = create_app(engine)
    query = {"from": first.isoformat(), "to": last.isoformat()}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://office"
    ) as client:
        for name, path in [("overview", "/"), *((r, f"/reports/{r}") for r in reports.REPORTS)]:
            answer = await client.get(path, params=query)
            answer.raise_for_status()
            (pages / f"{name}.html").write_text(answer.text, encoding="utf-8")
    log.info("reports written folder=%s", folder)
    return folder
