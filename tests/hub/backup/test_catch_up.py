"""A hub lost after its backup, restored on a new box, catches up from a real back office
(PostgreSQL): what the branch did after the backup and synced is back, no number is
given twice, and the back office takes the restored hub's next events without a
conflict."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backoffice.server import start_server
from backoffice.store import acked, add_branch, open_store
from hub.backup.layout import HubFiles
from hub.backup.restore import restore
from hub.domain.model import Appointment, Channel
from hub.service import Hub
from hub.sync import start_sync
from hub.sync.errors import BackOfficeUnreachable
from hub.sync.fetch import Fetch
from hub.sync.sender import Sender
from tests.hub.backup.conftest import Region, backup_of, issue
from tests.hub.conftest import MINUTE, Served, SteppedClock, serve_hub
from tests.polling import eventually

pytestmark = pytest.mark.timeout(120)


async def book(hub: Hub, phone: str) -> Appointment:
    (slot,) = await hub.bookings.free_slots("passport", hub.clock() + 60 * MINUTE, limit=1)
    return await hub.bookings.book("passport", slot.slot.start_ms, Channel.ONLINE, phone=phone)


async def synced(sender: Sender, hub: Hub) -> None:
    async def holds_all() -> bool:
        return sender.acked == hub.committed_seq

    await eventually(holds_all, timeout_s=30)


@pytest.fixture
async def office(pg_url: str) -> AsyncIterator[tuple[str, str, object]]:
    engine = open_store(pg_url)
    secret = add_branch(engine, "khamovniki")
    server, port = await start_server(engine, "127.0.0.1:0")
    try:
        yield f"127.0.0.1:{port}", secret, engine
    finally:
        await server.stop(0)
        engine.dispose()


async def test_a_lost_hub_comes_back_with_all_it_synced_after_its_backup(
    config_file: Path,
    tmp_path: Path,
    region: Region,
    office: tuple[str, str, object],
) -> None:
    target, secret, engine = office
    secret_file = tmp_path / "backoffice.secret"
    secret_file.write_text(secret)
    secret_file.chmod(0o600)
    clock = SteppedClock()
    old_box = tmp_path / "old-box"
    async with contextlib.AsyncExitStack() as stack:
        served = await stack.enter_async_context(serve_hub(config_file, old_box / "okno.db", clock))
        sender = await start_sync(served.hub, target, secret)
        stack.push_async_callback(sender.stop)
        before = [await issue(served), await issue(served)]
        kept_booking = await book(served.hub, "89161234567")
        taken = backup_of(served, region, tmp_path / "backups", secret_file)
        clock.advance(5)
        after = [await issue(served), await issue(served)]
        late_booking = await book(served.hub, "89167654321")
        await served.hub.bookings.cancel(kept_booking.code, caller="test")
        await synced(sender, served.hub)
        lost_at_seq = served.hub.committed_seq
    shutil.rmtree(old_box)  # the box is lost

    box = tmp_path / "new-box"
    files = HubFiles(box / "okno.db", box / "branch.toml", box / "backoffice.secret")

    def fetch(secret: str, branch_id: str, after_seq: int) -> Fetch:
        return Fetch(target, secret, branch_id, after_seq)

    clock.advance(60)
    restored = await restore(taken.path, region.identity, files, clock(), fetch=fetch)

    assert restored.caught_up == lost_at_seq - taken.manifest.last_seq
    assert (restored.missing, restored.unsent, restored.bookings_without_code) == (0, 0, 0)
    assert restored.seq == lost_at_seq + 1
    async with serve_hub(files.config, files.db, clock) as again:
        numbers = await again.hub.read_store(
            lambda r: [t.number for t in r.load(again.hub.engine.day).tickets]
        )
        assert sorted(numbers) == sorted(before + after)
        late = await again.hub.bookings.get(late_booking.code, caller="test")
        assert (late.id, late.slot_ms, late.phone) == (late_booking.id, late_booking.slot_ms, "")
        kept = await again.hub.bookings.get(kept_booking.code, caller="test")
        assert (kept.state.value, kept.phone) == ("cancelled", "+79161234567")
        fresh = await issue(again)
        assert fresh not in before + after
        sender = await start_sync(again.hub, target, files_secret(files))
        try:
            await synced(sender, again.hub)
        finally:
            await sender.stop()
    assert acked(engine, "khamovniki") == again.hub.committed_seq  # type: ignore[arg-type]


def files_secret(files: HubFiles) -> str:
    assert files.backoffice_secret is not None
    return files.backoffice_secret.read_text().strip()


async def test_a_back_office_that_does_not_answer_leaves_the_new_box_empty(
    served: Served, region: Region, tmp_path: Path
) -> None:
    secret_file = tmp_path / "backoffice.secret"
    secret_file.write_text("ab" * 32)
    secret_file.chmod(0o600)
    taken = backup_of(served, region, tmp_path / "backups", secret_file)
    box = tmp_path / "box"
    files = HubFiles(box / "okno.db", box / "branch.toml")

    def fetch(secret: str, branch_id: str, after_seq: int) -> Fetch:
        return Fetch("127.0.0.1:9", secret, branch_id, after_seq, timeout_s=2)

    with pytest.raises(BackOfficeUnreachable, match=r"127\.0\.0\.1:9"):
        await asyncio.wait_for(
            restore(taken.path, region.identity, files, served.clock(), fetch=fetch), 30
        )
    assert not files.db.exists() and not files.config.exists()
    assert [p.name for p in box.iterdir()] == []
