"""The sync over TLS as well as HMAC: the back office serves its gRPC port with the
certificate and key it is given, the hub dials it trusting one CA (issue 19)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from backoffice.load import write_hub_log
from backoffice.server import start_server
from backoffice.store import acked, add_branch, open_store
from hub.devices.authority import BranchAuthority
from hub.sync import Sender
from hub.sync.cli import push as push_file
from hub.sync.sender import channel, push, sync_stub
from okno.cli import app
from tests.backoffice.hand import BRANCH, history

HOSTS = ["127.0.0.1", "localhost"]


@dataclass
class Office:
    engine: Engine
    target: str
    secret: str
    ca: bytes
    folder: Path


def credentials(folder: Path, name: str) -> tuple[bytes, bytes, bytes]:
    """(key PEM, certificate PEM, CA PEM) of a server certificate for loopback."""
    authority = BranchAuthority.load_or_create(folder / name, name)
    key, cert = authority.server_credentials(HOSTS)
    return key, cert, authority.ca_pem


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    found = open_store(f"sqlite:///{tmp_path}/office.db")
    yield found
    found.dispose()


@pytest.fixture
async def office(engine: Engine, tmp_path: Path) -> AsyncIterator[Office]:
    key, cert, ca = credentials(tmp_path, "region")
    server, port = await start_server(engine, "127.0.0.1:0", (key, cert))
    try:
        yield Office(engine, f"127.0.0.1:{port}", add_branch(engine, BRANCH), ca, tmp_path)
    finally:
        await server.stop(0)


async def test_a_hub_syncs_a_batch_over_tls(office: Office) -> None:
    events = history()

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        return [(s, p) for s, p in events if s > after][:limit]

    sender = Sender(
        source, branch_id=BRANCH, target=office.target, secret=office.secret, ca=office.ca
    )
    await asyncio.wait_for(sender.run(until_seq=len(events)), 30)
    assert sender.acked == acked(office.engine, BRANCH) == len(events)


async def test_a_client_without_tls_or_trusting_another_ca_pushes_nothing(
    office: Office,
) -> None:
    events = history()
    _, _, stranger_ca = credentials(office.folder, "elsewhere")
    for ca in (None, stranger_ca):
        async with channel(office.target, ca) as opened:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await push(sync_stub(opened), BRANCH, office.secret, events)
        assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    assert acked(office.engine, BRANCH) == 0


async def test_okno_hub_sync_push_sends_a_file_over_tls(office: Office) -> None:
    events = history()
    hub_db = office.folder / "hub.db"
    write_hub_log(hub_db, events)
    secret_file, ca_file = office.folder / "branch.secret", office.folder / "ca.pem"
    secret_file.write_text(office.secret)
    secret_file.chmod(0o600)
    ca_file.write_bytes(office.ca)
    held = await asyncio.to_thread(
        push_file, hub_db, office.target, BRANCH, secret_file, 2000, ca_file
    )
    assert held == acked(office.engine, BRANCH) == len(events)


def test_the_back_office_wants_both_tls_files_and_a_private_key(tmp_path: Path) -> None:
    key, cert, _ = credentials(tmp_path, "region")
    cert_file, key_file = tmp_path / "office.pem", tmp_path / "office.key"
    cert_file.write_bytes(cert)
    key_file.write_bytes(key)
    key_file.chmod(0o644)
    db = ["--db", f"sqlite:///{tmp_path}/office.db", "--listen", "127.0.0.1:0"]
    runner = CliRunner()
    alone = runner.invoke(app, ["backoffice", *db, "--tls-cert", str(cert_file)])
    assert alone.exit_code == 2 and "--tls-cert and --tls-key go together" in alone.stderr
    exposed = runner.invoke(
        app, ["backoffice", *db, "--tls-cert", str(cert_file), "--tls-key", str(key_file)]
    )
    assert exposed.exit_code == 2 and f"chmod 600 {key_file}" in exposed.stderr
    key_file.chmod(0o600)
    swapped = runner.invoke(
        app, ["backoffice", *db, "--tls-cert", str(key_file), "--tls-key", str(key_file)]
    )
    assert swapped.exit_code == 2 and "holds no PEM certificate" in swapped.stderr
