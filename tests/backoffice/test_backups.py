"""The back office keeps the branches' backup archives (issue 20): only whole archives, sent
and signed by their own branch, pruned as a hub prunes; anything else is refused, counted,
and leaves no file behind."""

from __future__ import annotations

import asyncio
import hashlib
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from sqlalchemy import Engine

from backoffice.backups import Retention, Vault
from backoffice.pgcluster import free_port
from backoffice.server import start_server
from backoffice.store import add_branch, open_store, unauthenticated_refusals
from hub.backup.errors import OffsiteRefused, OffsiteUnreachable
from hub.backup.offsite import CHUNK, Office, download, listed, upload
from hub.sync.signing import sign_backup, sign_get_backup
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.backoffice.hand import BRANCH
from tests.backoffice.refused import refusals
from tests.hub.sync.test_tls import credentials
from tests.polling import eventually

pytestmark = pytest.mark.timeout(120)
NAME = f"{BRANCH}-20261207-023000.okno-backup"
# Bytes an archive may have at the back office of these tests (--max-backup-bytes).
MOST = 3 * CHUNK


@dataclass(frozen=True, slots=True)
class Vaulted:
    engine: Engine
    target: str
    secret: str
    folder: Path

    @property
    def office(self) -> Office:
        return Office(self.target, self.secret, BRANCH)

    def files(self) -> list[str]:
        """Every file under the backups' folder, partial or not, relative to it."""
        return sorted(
            str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file()
        )


@pytest.fixture
async def vaulted(store_url: str, tmp_path: Path) -> AsyncIterator[Vaulted]:
    """A back office keeping backups, on a real PostgreSQL and on SQLite, BRANCH added."""
    engine = open_store(store_url)
    secret = add_branch(engine, BRANCH)
    folder = tmp_path / "office-backups"
    vault = Vault(engine, folder, max_bytes=MOST, retention=Retention(3, 2))
    server, port = await start_server(engine, "127.0.0.1:0", vault=vault)
    try:
        yield Vaulted(engine, f"127.0.0.1:{port}", secret, folder)
    finally:
        await server.stop(0)
        engine.dispose()


def header(
    vaulted: Vaulted,
    data: bytes,
    *,
    name: str = NAME,
    size: int | None = None,
    sha256: str = "",
    secret: str = "",
    branch: str = BRANCH,
) -> sync_pb2.BackupChunk:
    """The header a hub sends for ``data``, with what a test changes in it."""
    size = len(data) if size is None else size
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    signature = sign_backup(secret or vaulted.secret, branch, name, size, sha256)
    told = sync_pb2.BackupHeader(
        branch_id=branch, name=name, size=size, sha256=sha256, signature=signature
    )
    return sync_pb2.BackupChunk(header=told)


def chunks(data: bytes) -> list[sync_pb2.BackupChunk]:
    return [sync_pb2.BackupChunk(data=data[i : i + CHUNK]) for i in range(0, len(data), CHUNK)]


async def put(vaulted: Vaulted, stream: Iterable[sync_pb2.BackupChunk]) -> grpc.aio.AioRpcError:
    """Send ``stream`` as PutBackup; the refusal it gets."""
    async with grpc.aio.insecure_channel(vaulted.target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await sync_pb2_grpc.SyncStub(channel).PutBackup(iter(list(stream)))
    return refused.value


def archive_file(tmp_path: Path, data: bytes, name: str = NAME) -> Path:
    path = tmp_path / "hub-backups" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


async def test_an_archive_sent_in_chunks_comes_back_byte_for_byte(
    vaulted: Vaulted, tmp_path: Path
) -> None:
    data = bytes(range(256)) * (CHUNK // 256 * 2) + b"tail"  # two chunks and a bit
    sent = await upload(vaulted.office, archive_file(tmp_path, data))
    assert (sent.size, sent.kept, sent.pruned) == (len(data), 1, 0)
    assert vaulted.files() == [f"{BRANCH}/{NAME}"]
    assert await listed(vaulted.office) == [(NAME, len(data))]
    fetched = await download(vaulted.office, tmp_path / "new-box")
    assert fetched == tmp_path / "new-box" / NAME
    assert fetched.read_bytes() == data
    assert [p.name for p in fetched.parent.iterdir()] == [NAME]


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        pytest.param({"size": 300}, grpc.StatusCode.DATA_LOSS, "backup_truncated", id="truncated"),
        pytest.param(
            {"size": 100}, grpc.StatusCode.RESOURCE_EXHAUSTED, "backup_too_large", id="longer"
        ),
        pytest.param(
            {"size": MOST + 1},
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "backup_too_large",
            id="above-the-cap",
        ),
        pytest.param(
            {"sha256": "0" * 64}, grpc.StatusCode.DATA_LOSS, "backup_damaged", id="damaged"
        ),
        pytest.param(
            {"name": "msk-01-20261207-023000.okno-backup"},
            grpc.StatusCode.INVALID_ARGUMENT,
            "bad_backup_name",
            id="another-branchs-name",
        ),
        pytest.param(
            {"name": f"../{NAME}"},
            grpc.StatusCode.INVALID_ARGUMENT,
            "bad_backup_name",
            id="a-path",
        ),
        pytest.param(
            {"name": f"{NAME}\n"},
            grpc.StatusCode.INVALID_ARGUMENT,
            "bad_backup_name",
            id="a-line-break",
        ),
        pytest.param(
            {"name": f"{BRANCH}-20261399-023000.okno-backup"},
            grpc.StatusCode.INVALID_ARGUMENT,
            "bad_backup_name",
            id="no-such-day",
        ),
    ],
)
async def test_an_archive_not_as_announced_is_refused_counted_and_not_kept(
    vaulted: Vaulted, sent: dict[str, object], status: grpc.StatusCode, code: str
) -> None:
    data = b"age" * 67  # 201 bytes
    refused = await put(vaulted, [header(vaulted, data, **sent), *chunks(data)])  # type: ignore[arg-type]
    assert refused.code() is status
    assert str(refused.details()).startswith(f"{code}: ")
    assert [r[3] for r in refusals(vaulted.engine)] == [code]
    assert vaulted.files() == []
    assert await listed(vaulted.office) == []


async def test_a_wrong_secret_or_another_branch_is_refused_unauthenticated(
    vaulted: Vaulted,
) -> None:
    add_branch(vaulted.engine, "msk-01")
    data = b"age" * 67
    wrong = await put(vaulted, [header(vaulted, data, secret="ab" * 32), *chunks(data)])
    name = "msk-01-20261207-023000.okno-backup"
    # BRANCH's own secret does not sign for another branch, under its name or its own.
    posing = await put(vaulted, [header(vaulted, data, branch="msk-01", name=name), *chunks(data)])
    unknown = await put(vaulted, [header(vaulted, data, branch="nowhere"), *chunks(data)])
    assert [r.code() for r in (wrong, posing, unknown)] == [grpc.StatusCode.UNAUTHENTICATED] * 3
    assert unauthenticated_refusals(vaulted.engine) == {"bad_signature": 2, "unknown_branch": 1}
    assert refusals(vaulted.engine) == []
    assert vaulted.files() == []


async def test_a_stream_that_is_not_a_header_then_bytes_is_refused(vaulted: Vaulted) -> None:
    data = b"age" * 67
    headless = await put(vaulted, chunks(data))
    twice = await put(vaulted, [header(vaulted, data), header(vaulted, data), *chunks(data)])
    assert [r.code() for r in (headless, twice)] == [grpc.StatusCode.INVALID_ARGUMENT] * 2
    assert [r[3] for r in refusals(vaulted.engine)] == ["malformed"]
    assert vaulted.files() == []


async def test_a_cut_upload_leaves_a_partial_never_listed_then_nothing(vaulted: Vaulted) -> None:
    data = bytes(2 * CHUNK)
    async with grpc.aio.insecure_channel(vaulted.target) as channel:
        call = sync_pb2_grpc.SyncStub(channel).PutBackup()
        await call.write(header(vaulted, data))
        await call.write(chunks(data)[0])

        async def receiving() -> bool:
            return vaulted.files() == [f"{BRANCH}/{NAME}.partial"]

        await eventually(receiving)
        assert await listed(vaulted.office) == []
        call.cancel()  # the hub's box dies mid-upload

    async def let_go() -> bool:
        return vaulted.files() == []

    await eventually(let_go)
    assert await listed(vaulted.office) == []
    # grpc ends the stream of a cut call as if the hub had stopped sending; the back office
    # sees it short (a refusal) unless the cancellation reached it first.
    assert [r[3] for r in refusals(vaulted.engine)] in ([], ["backup_truncated"])
    # The same archive sent again afterwards is taken: nothing of the cut one holds it up.
    async with grpc.aio.insecure_channel(vaulted.target) as channel:
        again = sync_pb2_grpc.SyncStub(channel).PutBackup(
            iter([header(vaulted, data), *chunks(data)])
        )
        assert (await again).size == len(data)
    assert vaulted.files() == [f"{BRANCH}/{NAME}"]


async def test_a_partial_left_by_a_crash_is_removed_when_the_back_office_starts(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "office-backups"
    (folder / BRANCH).mkdir(parents=True)
    (folder / BRANCH / f"{NAME}.partial").write_bytes(b"ag")
    (folder / BRANCH / NAME).write_bytes(b"age")
    Vault(engine, folder)
    assert sorted(p.name for p in (folder / BRANCH).iterdir()) == [NAME]


async def test_the_back_office_keeps_the_last_days_and_weeks_of_each_branch(
    vaulted: Vaulted, tmp_path: Path
) -> None:
    # Monday 23 November to Wednesday 2 December 2026, one a night; 3 days and 2 weeks kept.
    days = [f"202611{d}" for d in range(23, 31)] + ["20261201", "20261202"]
    for day in days:
        sent = await upload(vaulted.office, archive_file(tmp_path, day.encode(), name(day)))
    assert (sent.kept, sent.pruned) == (4, 0)
    kept = ["20261129", "20261130", "20261201", "20261202"]  # Sunday: the last of its week
    assert [n for n, _ in await listed(vaulted.office)] == [name(d) for d in kept]
    assert vaulted.files() == [f"{BRANCH}/{name(d)}" for d in kept]
    newest = await download(vaulted.office, tmp_path / "new-box")
    assert newest.read_bytes() == b"20261202"
    # An archive older than all that is kept (a hub's clock set back) goes at once.
    late = await upload(vaulted.office, archive_file(tmp_path, b"old", name("20260101")))
    assert (late.size, late.kept, late.pruned) == (3, 4, 1)
    assert [n for n, _ in await listed(vaulted.office)] == [name(d) for d in kept]


def name(day: str) -> str:
    return f"{BRANCH}-{day}-023000.okno-backup"


async def test_a_download_is_the_branchs_own_and_signed(vaulted: Vaulted, tmp_path: Path) -> None:
    await upload(vaulted.office, archive_file(tmp_path, b"age"))
    request = sync_pb2.GetBackupRequest(
        branch_id=BRANCH, name=NAME, signature=sign_get_backup("ab" * 32, BRANCH, NAME)
    )
    async with grpc.aio.insecure_channel(vaulted.target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            async for _ in sync_pb2_grpc.SyncStub(channel).GetBackup(request):
                pass
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert unauthenticated_refusals(vaulted.engine) == {"bad_signature": 1}


async def test_okno_backoffice_keeps_backups_in_the_folder_it_is_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/backoffice.db"
    engine = open_store(url)
    secret = add_branch(engine, BRANCH)
    engine.dispose()
    folder = tmp_path / "kept"
    target = f"127.0.0.1:{free_port()}"
    served = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "okno", "backoffice", "--db", url, "--listen", target),
        *("--backups", str(folder), "--max-backup-bytes", "100"),
    )
    office = Office(target, secret, BRANCH)
    try:

        async def answers() -> bool:
            try:
                return await listed(office) == []
            except OffsiteUnreachable:
                return False

        await eventually(answers, timeout_s=60)
        await upload(office, archive_file(tmp_path, b"age" * 33))
        with pytest.raises(OffsiteRefused, match=r"takes at most 100 \(--max-backup-bytes\)"):
            await upload(office, archive_file(tmp_path, b"age" * 34, name("20261208")))
    finally:
        served.terminate()
        await served.wait()
    assert [p.name for p in (folder / BRANCH).iterdir()] == [NAME]


async def test_archives_travel_over_tls_to_a_back_office_the_hub_trusts(
    engine: Engine, tmp_path: Path
) -> None:
    key, cert, ca = credentials(tmp_path, "region")
    _, _, stranger_ca = credentials(tmp_path, "elsewhere")
    secret = add_branch(engine, BRANCH)
    vault = Vault(engine, tmp_path / "office-backups")
    server, port = await start_server(engine, "127.0.0.1:0", (key, cert), vault)
    target = f"127.0.0.1:{port}"
    try:
        await upload(Office(target, secret, BRANCH, ca), archive_file(tmp_path, b"age" * 500))
        with pytest.raises(OffsiteUnreachable, match="--backoffice-ca signed its certificate"):
            await download(Office(target, secret, BRANCH, stranger_ca), tmp_path / "stranger")
        fetched = await download(Office(target, secret, BRANCH, ca), tmp_path / "new-box")
    finally:
        await server.stop(0)
    assert fetched.read_bytes() == b"age" * 500
    assert list((tmp_path / "stranger").iterdir()) == []
