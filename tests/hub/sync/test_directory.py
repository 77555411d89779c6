"""The back office names what the hubs configure: a real hub (examples/branch.toml) syncing
to a real back office over gRPC, on PostgreSQL and SQLite, read through the dashboard, an
export and ``okno backoffice report``."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import httpx
import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from backoffice import schema
from backoffice.directory import MAX_BYTES
from backoffice.pgcluster import free_port
from backoffice.server import start_server
from backoffice.store import acked, add_branch, open_store, unauthenticated_refusals
from backoffice.web import create_app
from hub.sync import start_sync
from hub.sync.directory import short_name
from hub.sync.sender import Sender
from hub.sync.signing import sign_directory
from okno.cli import app
from protos.okno.v1 import sync_pb2, sync_pb2_grpc
from tests.backoffice.web.signed import manager
from tests.hub.conftest import Served
from tests.polling import eventually

pytestmark = pytest.mark.timeout(120)
DAY = "2026-11-23"  # the day of the hub's clock in these tests (MONDAY_10_00)
PERIOD = {"from": DAY, "to": DAY}
PASSPORT_RU = "Паспорт гражданина РФ"


@dataclass
class Synced:
    served: Served
    engine: Engine
    sender: Sender
    url: str
    target: str
    secret: str

    async def caught_up(self) -> None:
        """Wait until the back office holds every event and the directory now configured."""
        branch = self.served.hub.loaded.branch.id

        configured = {s.id: s.name_ru for s in self.served.hub.loaded.branch.services}

        async def done() -> bool:
            held = _names(self.engine)
            return acked(self.engine, branch) == self.served.hub.committed_seq and all(
                held.get(service) == name for service, name in configured.items()
            )

        self.sender.kick()
        await eventually(done, 30.0)

    def client(self) -> httpx.AsyncClient:
        dashboard = create_app(self.engine, hosts=["bo"], clock=self.served.clock)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=dashboard),
            base_url="http://bo",
            cookies=manager(self.engine),
        )


@pytest.fixture
async def synced(served: Served, store_url: str) -> AsyncIterator[Synced]:
    """The example branch's hub, with a served visitor, synced to a back office."""
    engine = open_store(store_url)
    secret = add_branch(engine, served.hub.loaded.branch.id)
    server, port = await start_server(engine, f"127.0.0.1:{free_port()}")
    target = f"127.0.0.1:{port}"
    sender = await start_sync(served.hub, target, secret)
    hub = served.hub
    try:
        await hub.run(lambda e, now: e.open_desk("desk-01", now, operator_id="ivanova-a"))
        for _ in range(2):
            await hub.run(lambda e, now: e.issue("passport", now))
        await hub.run(lambda e, now: e.call_next("desk-01", now))
        await hub.run(lambda e, now: e.start("desk-01", now))
        served.clock.advance(12)
        await hub.run(lambda e, now: e.finish("desk-01", now))
        await hub.run(lambda e, now: e.call_next("desk-01", now))
        result = Synced(served, engine, sender, store_url, target, secret)
        await result.caught_up()
        yield result
    finally:
        await sender.stop()
        await server.stop(0)
        engine.dispose()


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_pages_exports_and_okno_report_name_what_the_hub_configures(synced: Synced) -> None:
    async with synced.client() as client:
        report = await client.get("/reports/by_service", params=PERIOD)
        overview = await client.get("/", params=PERIOD)
        now = await client.get("/live")
        export = await client.get("/export/desks_operators.csv", params=PERIOD)
        english = await client.get("/reports/by_service", params={**PERIOD, "lang": "en"})
    text = plain(report.text)
    assert PASSPORT_RU in text
    assert ">passport<" not in report.text and " passport " not in text
    assert "Russian internal passport" in plain(english.text)
    assert "МФЦ района Хамовники" in plain(overview.text)
    assert ">khamovniki<" not in overview.text
    live = plain(now.text)
    assert "Окно 1" in live and "Иванова А." in live and PASSPORT_RU in live
    assert "desk-01" not in live and "ivanova-a" not in live
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["МФЦ района Хамовники", "Окно 1", "Иванова А."]
    printed = CliRunner().invoke(
        app,
        ["backoffice", "report", "by_service", "--db", synced.url, "--from", DAY, "--to", DAY],
        env={"COLUMNS": "200"},
    )
    assert printed.exit_code == 0, printed.output
    assert PASSPORT_RU in printed.output and "passport " not in printed.output


async def test_a_service_renamed_by_a_reload_shows_its_new_name(synced: Synced) -> None:
    config = synced.served.config
    config.write_text(
        config.read_text().replace(f'name_ru = "{PASSPORT_RU}"', 'name_ru = "Паспорт РФ"')
    )
    assert (await synced.served.hub.reload_config()).changed
    await synced.caught_up()
    async with synced.client() as client:
        page = plain((await client.get("/reports/by_service", params=PERIOD)).text)
    assert "Паспорт РФ" in page and PASSPORT_RU not in page


async def test_ids_nobody_named_are_shown_as_they_are(synced: Synced) -> None:
    with synced.engine.begin() as connection:
        connection.execute(schema.directory_names.delete())
    async with synced.client() as client:
        page = await client.get("/reports/by_service", params=PERIOD)
    assert ">passport<" in page.text


async def _push(target: str, request: sync_pb2.PushDirectoryRequest) -> grpc.aio.AioRpcError:
    async with grpc.aio.insecure_channel(target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await sync_pb2_grpc.SyncStub(channel).PushDirectory(request, timeout=10)
    return refused.value


def _refusals(engine: Engine) -> list[tuple[str, str]]:
    table = schema.refusals
    with engine.connect() as connection:
        found = connection.execute(select(table.c.code, table.c.reason).order_by(table.c.id))
        return [(str(code), str(reason)) for code, reason in found]


def _names(engine: Engine) -> dict[str, str]:
    table = schema.directory_names
    with engine.connect() as connection:
        found = connection.execute(select(table.c.entry_id, table.c.name_ru))
        return {str(entry): str(name) for entry, name in found}


async def test_a_forged_or_bad_directory_is_refused_recorded_and_changes_nothing(
    synced: Synced,
) -> None:
    branch = synced.served.hub.loaded.branch.id
    forged = json.dumps({"name": "Чужой МФЦ", "services": [], "desks": []})
    before = _names(synced.engine)
    wrong_secret = sign_directory("00" * 32, branch, forged)
    refused = await _push(
        synced.target,
        sync_pb2.PushDirectoryRequest(branch_id=branch, directory=forged, signature=wrong_secret),
    )
    assert refused.code() is grpc.StatusCode.UNAUTHENTICATED
    assert "signature does not match" in (refused.details() or "")

    def signed(directory: str) -> sync_pb2.PushDirectoryRequest:
        signature = sign_directory(synced.secret, branch, directory)
        return sync_pb2.PushDirectoryRequest(
            branch_id=branch, directory=directory, signature=signature
        )

    huge = json.dumps({"name": "x" * MAX_BYTES, "services": [], "desks": []})
    duplicate = {"id": "passport", "name_ru": "А", "name_en": "A"}
    for bad, reason in (
        ("{not json", "not JSON"),
        (huge, "bytes, more than"),
        (json.dumps({"name": "М", "services": [{"id": "Пас"}], "desks": []}), "services.0"),
        (json.dumps({"name": "М", "services": [duplicate] * 2, "desks": []}), "twice"),
    ):
        refused = await _push(synced.target, signed(bad))
        assert refused.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert reason in (refused.details() or "")
    assert [code for code, _ in _refusals(synced.engine)] == ["malformed"] * 4
    assert unauthenticated_refusals(synced.engine) == {"bad_signature": 1}
    assert _names(synced.engine) == before
    assert before["passport"] == PASSPORT_RU


def test_an_operator_leaves_the_hub_as_the_short_staff_name_a_report_needs() -> None:
    assert short_name("Анна Иванова") == "Иванова А."
    assert short_name("Анна Сергеевна  Иванова") == "Иванова А. С."
    assert short_name("Иванова") == "Иванова"


async def test_a_refused_directory_is_recorded_and_the_events_go_on(synced: Synced) -> None:
    config = synced.served.config
    too_long = "Окно " + "х" * 300
    config.write_text(
        config.read_text().replace('id = "desk-02"\n', f'id = "desk-02"\nname = "{too_long}"\n')
    )
    hub = synced.served.hub
    assert (await hub.reload_config()).changed

    async def refused() -> bool:
        return any(code == "malformed" for code, _ in _refusals(synced.engine))

    synced.sender.kick()
    await eventually(refused, 30.0)
    [(_, reason)] = _refusals(synced.engine)
    assert "desks.1.name" in reason
    await hub.run(lambda e, now: e.issue("passport", now))
    branch = hub.loaded.branch.id

    async def caught_up() -> bool:
        return acked(synced.engine, branch) == hub.committed_seq

    synced.sender.kick()
    await eventually(caught_up, 30.0)
    assert _names(synced.engine)["desk-02"] == "Окно 2"
    assert len(_refusals(synced.engine)) == 1  # not resent while the names stay the same
