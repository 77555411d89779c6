"""The journal over real gRPC: every sign-in, PIN, device change and reload, with who."""

from __future__ import annotations

import signal
from pathlib import Path

import grpc
import pytest
from typer.testing import CliRunner

from hub.bench.process import start_hub
from hub.domain.model import EventKind, JournalEntry
from hub.staff.limits import JOURNALED_REFUSALS
from okno.cli import app
from okno.runtime.identity import DeviceKey
from okno.signin import set_pin_locally, signed_in_channel
from protos.okno.v1 import admin_pb2, devices_pb2, devices_pb2_grpc, staff_pb2, staff_pb2_grpc
from tests.hub.conftest import ADMINISTRATOR, EXAMPLE, PIN, Served, SteppedClock
from tests.hub.devices import DEVICE, enrolled
from tests.hub.web.conftest import Site, serve_site
from tests.hub.web.test_pages import csrf
from tests.polling import eventually

WRONG = "111222"
OTHER_PIN = "735190"


async def journal(served: Served | Site) -> list[JournalEntry]:
    """The entries as the hub's database holds them (what a restart, or a crash, keeps)."""
    events = await served.hub.read_store(lambda r: r.events_after(0, 10_000))
    return [e.entry for e in events if e.kind is EventKind.JOURNAL and e.entry is not None]


async def test_sign_ins_and_pins_are_journaled_with_who(served: Served) -> None:
    staff = staff_pb2_grpc.StaffStub(served.local)
    await staff.SetPin(staff_pb2.SetPinRequest(operator_id="ivanova-a", pin=PIN))
    with pytest.raises(grpc.aio.AioRpcError):
        await signed_in_channel(served.address, served.ca_pem, "ivanova-a", WRONG)
    with pytest.raises(grpc.aio.AioRpcError):
        await signed_in_channel(served.address, served.ca_pem, "nobody-such", WRONG)
    channel = await signed_in_channel(served.address, served.ca_pem, "ivanova-a", PIN)
    await channel.close()
    admin = staff_pb2_grpc.StaffStub(served.channel)
    await admin.SetPin(staff_pb2.SetPinRequest(operator_id="ivanova-a", pin=OTHER_PIN))

    entries = await journal(served)
    assert entries == [
        # The fixture: the administrator's PIN set on the hub's machine, then their sign-in.
        JournalEntry("pin_set", "local", ADMINISTRATOR, "ok", "local"),
        JournalEntry("sign_in", f"staff:{ADMINISTRATOR}", ADMINISTRATOR, "ok", "network"),
        JournalEntry("pin_set", "local", "ivanova-a", "ok", "local"),
        JournalEntry("sign_in", "anonymous", "ivanova-a", "wrong_pin", "network"),
        # An id the branch does not have is not kept: it may be anything typed.
        JournalEntry("sign_in", "anonymous", "", "unknown_operator", "network"),
        JournalEntry("sign_in", "staff:ivanova-a", "ivanova-a", "ok", "network"),
        JournalEntry("pin_set", f"staff:{ADMINISTRATOR}", "ivanova-a", "ok", "network"),
    ]
    payloads = await served.hub.read_store(lambda r: r.events_after(0, 10_000))
    assert not {PIN, WRONG, OTHER_PIN, "nobody-such"} & {
        word for e in payloads for word in str(e).replace("'", " ").split()
    }


async def test_devices_and_reloads_are_journaled_with_who(served: Served, tmp_path: Path) -> None:
    await enrolled(served, DeviceKey.load_or_create(tmp_path / "display"))
    technician = await served.staff_channel("zakharov-r")
    provisioning = devices_pb2_grpc.ProvisioningStub(technician)
    await provisioning.ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=DEVICE, settings={"volume": "0.5"})
    )
    await provisioning.RevokeDevice(devices_pb2.RevokeDeviceRequest(device_id=DEVICE))
    await technician.close()
    await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
    await served.hub.reload_config()  # as SIGHUP on the hub's machine does
    served.config.write_text("not = [toml", encoding="utf-8")
    with pytest.raises(grpc.aio.AioRpcError):
        await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())

    digest = served.hub.loaded.digest
    assert (await journal(served))[2:] == [
        JournalEntry("device_approved", "local", DEVICE, "ok", "local"),
        JournalEntry("pin_set", "local", "zakharov-r", "ok", "local"),
        JournalEntry("sign_in", "staff:zakharov-r", "zakharov-r", "ok", "network"),
        JournalEntry("device_settings_changed", "staff:zakharov-r", DEVICE, "volume", "network"),
        JournalEntry("device_revoked", "staff:zakharov-r", DEVICE, "ok", "network"),
        JournalEntry("config_reloaded", f"staff:{ADMINISTRATOR}", digest, "unchanged", "network"),
        JournalEntry("config_reloaded", "local", digest, "unchanged", "hub"),
        JournalEntry("config_reloaded", f"staff:{ADMINISTRATOR}", "", "config_error", "network"),
    ]


async def test_okno_hub_journal_prints_it_from_the_database_file(served: Served) -> None:
    result = CliRunner().invoke(app, ["hub", "journal", "--hub-db", str(served.db)])
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[2:] for line in result.stdout.splitlines()] == [
        ["pin_set", "local", ADMINISTRATOR, "ok", "local"],
        ["sign_in", f"staff:{ADMINISTRATOR}", ADMINISTRATOR, "ok", "network"],
    ]
    assert result.stdout.splitlines()[0].split("\t")[1] == "2026-11-23T07:00:00Z"
    other_day = CliRunner().invoke(
        app, ["hub", "journal", "--hub-db", str(served.db), "--day", "2026-11-24"]
    )
    assert other_day.stdout == ""
    missing = CliRunner().invoke(app, ["hub", "journal", "--hub-db", str(served.db) + ".none"])
    assert missing.exit_code != 0
    assert "no hub database at" in missing.stderr


async def test_an_address_that_keeps_guessing_fills_the_journal_no_further(
    served: Served,
) -> None:
    stranger = staff_pb2_grpc.StaffStub(served.stranger)
    for n in range(JOURNALED_REFUSALS + 10):
        with pytest.raises(grpc.aio.AioRpcError):
            await stranger.SignIn(staff_pb2.SignInRequest(operator_id=f"guess-{n}", pin=WRONG))
    refused = [e for e in await journal(served) if e.action == "sign_in" and e.outcome != "ok"]
    assert len(refused) == JOURNALED_REFUSALS
    assert {(e.actor, e.subject, e.outcome) for e in refused} == {
        ("anonymous", "", "unknown_operator")
    }


async def test_sign_ins_on_the_web_pages_are_journaled_at_the_web_door(tmp_path: Path) -> None:
    async with serve_site(tmp_path / "okno.db", SteppedClock()) as site:
        await site.hub.staff.set_pin("ivanova-a", PIN, by="local")
        async with site.client() as browser:
            token = await csrf(browser)
            for pin in (WRONG, PIN):
                form = {"csrf": token, "operator": "ivanova-a", "pin": pin}
                await browser.post("/operator/sign-in", data=form)
        assert await journal(site) == [
            JournalEntry("pin_set", "local", "ivanova-a", "ok", "hub"),
            JournalEntry("sign_in", "anonymous", "ivanova-a", "wrong_pin", "web"),
            JournalEntry("sign_in", "staff:ivanova-a", "ivanova-a", "ok", "web"),
        ]


@pytest.mark.slow
# A hub process on the wall clock: .ci/run repeats it at night and across midnight.
@pytest.mark.clock
async def test_what_was_answered_is_in_the_journal_after_a_sigkill(tmp_path: Path) -> None:
    """The hub process killed at once after its answers: every answered change is kept."""
    db = tmp_path / "hub.db"
    process, port = await start_hub(EXAMPLE, db, "--device-listen", "127.0.0.1:0")
    try:
        socket = tmp_path / "hub-run" / "admin.sock"

        async def listening() -> bool:
            return socket.exists()

        await eventually(listening, 10)
        ca_pem = (tmp_path / "hub-pki" / "ca.pem").read_bytes()
        await set_pin_locally(socket, "ivanova-a", PIN)
        with pytest.raises(grpc.aio.AioRpcError):
            await signed_in_channel(f"127.0.0.1:{port}", ca_pem, "ivanova-a", WRONG)
        await (await signed_in_channel(f"127.0.0.1:{port}", ca_pem, "ivanova-a", PIN)).close()
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    result = CliRunner().invoke(app, ["hub", "journal", "--hub-db", str(db)])
    assert [line.split("\t")[2:] for line in result.stdout.splitlines()] == [
        ["pin_set", "local", "ivanova-a", "ok", "local"],
        ["sign_in", "anonymous", "ivanova-a", "wrong_pin", "network"],
        ["sign_in", "staff:ivanova-a", "ivanova-a", "ok", "network"],
    ]
