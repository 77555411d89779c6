"""``okno display`` end to end: a real hub, the Qt board offscreen, the feed in its thread.

The hub runs on the test's event loop; the display's asyncio side runs in its own thread
and reaches the GUI thread through queued signals, which these tests deliver by
processing Qt events while they wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hall_display.errors import DisplayError
from hall_display.program import KIND, DisplayApp, DisplayOptions, run_display
from hall_display.voice import Voice
from okno.provision import enroll_devices
from okno.runtime.hubtls import fingerprint
from protos.okno.v1 import devices_pb2, devices_pb2_grpc, queue_pb2
from tests.hub.conftest import Served

WAIT_S = 10.0


async def until(app: QApplication, check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    """Deliver Qt's queued signals and give the hub its turn until ``check`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        app.processEvents()
        await asyncio.sleep(0.01)


async def stopped(display: DisplayApp) -> None:
    """Stop the display; its thread is joined off the loop, which the hub still needs."""
    await asyncio.to_thread(display.io.stop)
    display.stop()


def latest(display: DisplayApp) -> list[str]:
    return [str(row[0]) for row in display.view.latest.rows]


async def open_and_call(served: Served, desk: str = "desk-01") -> queue_pb2.TicketResponse:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk))
    await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    return await served.queue.CallNext(queue_pb2.DeskRequest(desk_id=desk))


async def test_an_enrolled_display_shows_and_speaks_a_call(
    qapp: QApplication, served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    (state,) = await enroll_devices(
        served.address, served.socket, 1, tmp_path / "displays", kind=KIND
    )
    options = DisplayOptions(
        state=state,
        hub=served.address,
        interfaces=(),
        size=(1920, 1080),
        screenshots=tmp_path / "screens",
        voice_speed=0,
    )
    display = DisplayApp(options, voice=fake_voice)
    display.start()
    try:
        await until(qapp, lambda: display.view.value("link") == "live")
        called = await open_and_call(served)
        await until(qapp, lambda: latest(display) == [called.ticket.number])
        assert display.view.value("announcing")
        announcer = display.io.announcer
        assert announcer is not None
        await until(qapp, lambda: any(s.sequence == called.sequence for s in announcer.log))
        assert display.screenshot() == tmp_path / "screens" / "display.png"
    finally:
        await stopped(display)
    assert display.failure is None
    assert (tmp_path / "screens" / "display.png").stat().st_size > 10_000


async def test_a_new_display_shows_its_code_joins_over_mutual_tls_and_takes_its_settings(
    qapp: QApplication, served: Served, fake_voice: Voice, tmp_path: Path
) -> None:
    options = DisplayOptions(
        state=tmp_path / "display",
        hub=served.address,
        interfaces=(),
        serial="D-7",
        size=(1080, 1920),
        voice_speed=0,
    )
    display = DisplayApp(options, voice=fake_voice)
    # The technician, on the hub's machine.
    provisioning = devices_pb2_grpc.ProvisioningStub(served.local)
    display.start()
    try:
        await until(qapp, lambda: display.view.value("pairingCode") != "")
        assert display.view.value("pairingAuthority") == fingerprint(served.ca_pem)
        code = str(display.view.value("pairingCode"))
        await provisioning.ApproveDevice(
            devices_pb2.ApproveDeviceRequest(pairing_code=code, name="Табло в зале", zone="hall")
        )
        await provisioning.ConfigureDevice(
            devices_pb2.ConfigureDeviceRequest(
                device_id="hall_display-D-7",
                settings={"language": "en", "ticker": "Welcome", "voice": "ru+en"},
            )
        )
        await until(qapp, lambda: display.view.value("link") == "live", 15)
        await until(qapp, lambda: display.view.value("ticker") == "Welcome")
        assert display.view.value("pairingCode") == ""
        assert display.view.value("portrait")
        labels = display.view.value("labels")
        assert isinstance(labels, dict) and labels["ticket"] == "Ticket"
        called = await open_and_call(served)
        await until(qapp, lambda: latest(display) == [called.ticket.number])
        announcer = display.io.announcer
        assert announcer is not None
        await until(qapp, lambda: any(s.sequence == called.sequence for s in announcer.log))
        said = next(s for s in announcer.log if s.sequence == called.sequence)
        assert "Ticket" in said.text and "Талон" in said.text
    finally:
        await stopped(display)
    assert display.failure is None
    assert (tmp_path / "display" / "device.pem").exists()


def test_a_bad_option_is_refused_before_anything_starts() -> None:
    with pytest.raises(DisplayError, match="role=desk needs desk"):
        run_display(DisplayOptions(role="desk"))
