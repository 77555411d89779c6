"""The pieces of the restore drill (issue 20), shared by ``okno backoffice bench restore`` and
its test: a branch's box, its back office, the real ``okno`` commands, and what a lost
box leaves to check.

Everything runs as in production: the back office and the hub as processes over gRPC,
backup and restore by the ``okno backup`` and ``okno restore`` commands an engineer
types. The box's files live under one folder, so losing the box is deleting it.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from backoffice import schema as backoffice_schema
from backoffice import store
from backoffice.pgcluster import free_port
from hub.backup.layout import HubFiles
from hub.bench.process import start_hub
from okno.files import write_private

log = logging.getLogger(__name__)
Hub = asyncio.subprocess.Process


@dataclass(frozen=True, slots=True)
class Box:
    """A branch hub's machine: configuration, database, keys and back office secret all
    under ``root``, so that the box is lost by deleting one folder.

    ``device_port`` is fixed: enrolled devices keep the hub's address, and a new box
    takes the old one's place on the network.
    """

    root: Path
    device_port: int

    @property
    def config(self) -> Path:
        return self.root / "branch.toml"

    @property
    def db(self) -> Path:
        return self.root / "hub.db"

    @property
    def secret(self) -> Path:
        return self.root / "backoffice.secret"

    @property
    def files(self) -> HubFiles:
        return HubFiles(self.db, self.config, self.secret)

    def set_up(self, config_text: str, secret: str) -> None:
        self.root.mkdir(mode=0o700, parents=True)
        self.config.write_text(config_text)
        write_private(self.secret, secret.encode())

    def hub_options(self, backoffice: str, *clock: str) -> tuple[str, ...]:
        return (
            *("--device-listen", f"127.0.0.1:{self.device_port}"),
            *("--backoffice", backoffice, "--backoffice-secret-file", str(self.secret)),
            *clock,
        )

    def lose(self) -> None:
        """The box is gone: every file of the hub with it."""
        shutil.rmtree(self.root)


@dataclass(frozen=True, slots=True)
class BackOffice:
    """The region's back office, serving the hubs' sync at ``address``; ``engine`` is its
    store, read directly for the checks."""

    address: str
    engine: Engine

    def acked(self, branch_id: str) -> int:
        return store.acked(self.engine, branch_id)

    def refusals(self, branch_id: str) -> int:
        """Batches of the branch the back office refused (a conflict is one)."""
        table = backoffice_schema.refusals
        with self.engine.connect() as connection:
            found = connection.execute(
                select(func.count()).select_from(table).where(table.c.branch_id == branch_id)
            ).scalar()
        return int(found or 0)

    async def holds(self, branch_id: str, seq: int, timeout_s: float) -> float:
        """Wait until the back office acknowledged ``seq``; the seconds it took."""
        began = time.perf_counter()
        while (acked := await asyncio.to_thread(self.acked, branch_id)) < seq:
            if time.perf_counter() - began > timeout_s:
                raise TimeoutError(
                    f"the back office acknowledged seq {acked} of {branch_id}, not {seq}, "
                    f"after {timeout_s:.0f} s: the hub's sync is not keeping up"
                )
            await asyncio.sleep(0.2)
        return time.perf_counter() - began


@asynccontextmanager
async def back_office(url: str) -> AsyncIterator[BackOffice]:
    """``okno backoffice`` on the store at ``url`` (PostgreSQL), on a free loopback port."""
    port = free_port()
    engine = store.open_store(url)
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, waited on in the finally
        [sys.executable, "-m", "okno", "backoffice", "--db", url, "--listen", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    try:
        yield BackOffice(f"127.0.0.1:{port}", engine)
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 30)
        engine.dispose()


# How docs/backup.md's systemd unit runs ``okno backup`` (Nice=10, IOSchedulingClass=idle):
# beside a serving hub, the backup yields to it.
AS_THE_TIMER_RUNS_IT = ("nice", "-n", "10", "ionice", "-c", "3")


async def okno(*args: str, under: Sequence[str] = ()) -> str:
    """Run an ``okno`` command as an engineer would (``under`` a command such as nice);
    its output, or RuntimeError."""
    process = await asyncio.create_subprocess_exec(
        *under,
        sys.executable,
        "-m",
        "okno",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(
            f"okno {' '.join(args[:2])} exited {process.returncode}: {err.decode()[-2000:]}"
        )
    return out.decode()


async def take_backup(box: Box, recipient: str, to: Path) -> Path:
    """``okno backup`` of the box's hub while it serves, as the daily timer runs it; the
    archive it wrote."""
    printed = await okno(
        *("backup", "--recipient", recipient, "--db", str(box.db), "--config", str(box.config)),
        *("--backoffice-secret-file", str(box.secret), "--to", str(to)),
        under=AS_THE_TIMER_RUNS_IT,
    )
    return Path(printed.split()[0])


async def restore(box: Box, archive: Path, identity: Path, backoffice: str) -> str:
    """``okno restore`` of ``archive`` onto the (new) box, caught up from ``backoffice``."""
    return await okno(
        *("restore", str(archive), "--identity", str(identity)),
        *("--db", str(box.db), "--config", str(box.config)),
        *("--backoffice-secret-file", str(box.secret), "--backoffice", backoffice),
    )


async def start(box: Box, options: Sequence[str]) -> tuple[Hub, str]:
    """``okno hub`` on the box; its process and network address."""
    process, port = await start_hub(box.config, box.db, *options)
    return process, f"127.0.0.1:{port}"


async def kill(process: Hub) -> None:
    """The power goes: SIGKILL, no goodbye."""
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def stop(process: Hub) -> None:
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), 60)
    if code != 0:
        log.warning("hub exited code=%d", code)


def last_seq(db: Path) -> int:
    """The last event a (running) hub has committed."""
    with _reading(db) as connection:
        found = connection.execute("SELECT max(seq) FROM events").fetchone()[0]
    return int(found or 0)


def absent(db: Path, table: str, column: str, values: set[str] | set[int]) -> int:
    """How many of ``values`` no row of ``table`` holds in ``column``."""
    with _reading(db) as connection:
        held = {row[0] for row in connection.execute(f"SELECT {column} FROM {table}")}
    return len(set(values) - held)


def settled_payments(db: Path) -> dict[int, str]:
    """Settled payments: their receipts by id."""
    with _reading(db) as connection:
        rows = connection.execute(
            "SELECT id, terminal_receipt FROM payments WHERE state != 'pending'"
        ).fetchall()
    return {int(i): str(r) for i, r in rows}


@asynccontextmanager
async def running(box: Box, options: Sequence[str]) -> AsyncIterator[tuple[Hub, str]]:
    """A hub on the box while the block runs; stopped after it unless it was killed."""
    process, address = await start(box, options)
    try:
        yield process, address
    finally:
        if process.returncode is None:
            await stop(process)


def _reading(db: Path) -> closing[sqlite3.Connection]:
    """A read-only connection to a (running) hub's database, closed after the block."""
    return closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30))
