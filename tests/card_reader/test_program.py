"""``okno card-reader`` against a real hub: enrolled, configured, reporting, and leaking nothing."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from card_reader.agent import CardAgent, MemorySink
from card_reader.bench import measure_card
from card_reader.driver import CardReader, State
from card_reader.pcscd import Pcscd
from card_reader.profiles.uec import TAG_BIRTH_DATE
from card_reader.program import KIND, CardReaderSetup, run_card_reader
from card_reader.sim import SAMPLE_HOLDER, SAMPLE_PAN, EmvApplet, SimulatedCard, UecApplet, UecState
from okno.provision import enroll_devices
from okno.runtime.hubtls import fingerprint
from okno.snils import snils_hash
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.card_reader.conftest import READER_URL, WAIT_S, AsyncKeypad, DyingReader, wait_reader
from tests.hub.conftest import Served
from tests.polling import eventually

DEVICE = f"{KIND}-BENCH-0000"
KEY = bytes(range(100, 132))
PIN = "25807314"


@asynccontextmanager
async def card_reader_program(
    served: Served,
    tmp_path: Path,
    reader: str,
    sink: MemorySink,
    keypad: AsyncKeypad | None = None,
    *,
    driver: CardReader | None = None,
) -> AsyncIterator[CardAgent]:
    (state,) = await enroll_devices(
        served.address, served.socket, 1, tmp_path / "readers", kind=KIND
    )
    await devices_pb2_grpc.ProvisioningStub(served.local).ConfigureDevice(
        devices_pb2.ConfigureDeviceRequest(device_id=DEVICE, settings={"snils_hash_key": KEY.hex()})
    )
    agents: list[CardAgent] = []
    started = asyncio.Event()

    def on_agent(agent: CardAgent) -> None:
        agents.append(agent)
        started.set()

    stop = asyncio.Event()
    setup = CardReaderSetup(state, "BENCH-0000", reader, heartbeat_s=0.05)
    running = asyncio.create_task(
        run_card_reader(setup, stop, sink=sink, keypad=keypad, on_agent=on_agent, reader=driver)
    )
    try:
        await asyncio.wait_for(started.wait(), WAIT_S)
        yield agents[0]
    finally:
        stop.set()
        await asyncio.wait_for(running, WAIT_S)


async def device(served: Served) -> devices_pb2.DeviceInfo:
    listed = await devices_pb2_grpc.ProvisioningStub(served.channel).ListDevices(
        devices_pb2.ListDevicesRequest()
    )
    (found,) = [d for d in listed.devices if d.id == DEVICE]
    return found


async def swipe(agent: CardAgent, sink: MemorySink, card: SimulatedCard) -> None:
    """Insert a card, wait for its visitor, take it out, wait until the reader is empty."""
    published = len(sink.published)
    await asyncio.to_thread(card.insert)
    await agent.until(lambda: len(sink.published) > published, WAIT_S)
    await asyncio.to_thread(card.remove)
    await agent.until(lambda: agent.state is State.EMPTY and sink.current is None, WAIT_S)
    await asyncio.to_thread(wait_reader, False)


def stored(root: Path) -> dict[str, bytes]:
    """Every file the hub and the reader keep (the hub's database and WAL, keys, settings)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def test_a_missing_reader_shows_as_the_devices_error_on_the_hub(
    served: Served, tmp_path: Path, pcscd: Pcscd
) -> None:
    async with card_reader_program(served, tmp_path, "pcsc://Kiosk%20Reader", MemorySink()):

        async def reported() -> bool:
            return (await device(served)).error == "no card reader 'Kiosk Reader'"

        await eventually(reported, WAIT_S)
        assert (await device(served)).presence == devices_pb2.PRESENCE_ERROR


async def test_after_an_odd_card_the_next_is_read_and_the_fleet_view_is_right(
    served: Served, tmp_path: Path, pcscd: Pcscd
) -> None:
    sink = MemorySink()
    odd = UecState(raw_objects={TAG_BIRTH_DATE: bytes.fromhex("D0D1D2D3D4D5D6D7")})
    keypad = AsyncKeypad("1234", "1234")
    async with card_reader_program(served, tmp_path, READER_URL, sink, keypad) as agent:
        await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        odd_card = SimulatedCard(UecApplet(odd))
        await asyncio.to_thread(odd_card.insert)
        try:
            await agent.until(lambda: agent.state is State.FAILED, WAIT_S)
            assert agent.error == "malformed_data" and sink.published == []
        finally:
            await asyncio.to_thread(odd_card.remove)
        await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        await asyncio.to_thread(wait_reader, False)
        await swipe(agent, sink, SimulatedCard(UecApplet(UecState())))
        listed = await device(served)
    assert [v.name for v in sink.published] == [SAMPLE_HOLDER.full_name]
    assert (listed.error, listed.presence) == ("", devices_pb2.PRESENCE_ONLINE)


async def test_a_reader_whose_watch_died_shows_an_error_in_the_fleet_view(
    served: Served, tmp_path: Path
) -> None:
    async with card_reader_program(
        served, tmp_path, READER_URL, MemorySink(), driver=DyingReader(READER_URL)
    ) as agent:
        await agent.until(lambda: agent.state is State.STOPPED, WAIT_S)

        async def reported() -> bool:
            return (await device(served)).error.startswith("the card reader stopped")

        await eventually(reported, WAIT_S)
        assert (await device(served)).presence == devices_pb2.PRESENCE_ERROR


async def test_no_pin_snils_or_card_number_in_logs_or_the_hubs_data(
    served: Served, tmp_path: Path, pcscd: Pcscd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sink = MemorySink()
    keypad = AsyncKeypad("11111111", PIN)
    async with card_reader_program(served, tmp_path, f"{READER_URL}?spy=1", sink, keypad) as agent:
        await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        await swipe(agent, sink, SimulatedCard(UecApplet(UecState(pin=PIN))))
        await swipe(agent, sink, SimulatedCard(EmvApplet(SAMPLE_PAN)))
        listed = await device(served)
    uec, bank = sink.published
    assert uec.name == SAMPLE_HOLDER.full_name and uec.pin_verified
    assert uec.snils_hash == snils_hash(KEY, SAMPLE_HOLDER.snils)
    assert bank.name == "MARIA IVANOVA" and bank.snils_hash == ""
    # Everything the PIN was typed into was wiped once the card answered.
    assert keypad.sync.handed == [bytearray(8), bytearray(8)]

    snils, oms = SAMPLE_HOLDER.snils, SAMPLE_HOLDER.oms_policy
    secrets = {
        "PIN": [PIN.encode(), bytes.fromhex(f"28{PIN}FFFFFF")],
        "SNILS": [snils.encode(), b"112-233-445 95", bytes.fromhex(f"0{snils}")],
        "OMS policy": [oms.encode(), bytes.fromhex(oms)],
        "card number": [SAMPLE_PAN.encode(), bytes.fromhex(SAMPLE_PAN)],
    }
    stores = {
        "log": caplog.text.encode(),
        "what was published": repr(sink.published).encode(),
        "the hub's device record": str(listed).encode(),
    }
    files = await asyncio.to_thread(stored, tmp_path)
    assert any(name.startswith("hub.db") for name in files)
    stores |= files
    for what, forms in secrets.items():
        for where, data in stores.items():
            for form in forms:
                assert form not in data, f"{what} found in {where}"
    assert "visitor identified profile=uec" in caplog.text


async def test_the_benchmark_identifies_within_the_target(pcscd: Pcscd) -> None:
    figures = {f.key: f for f in await measure_card(cards=2)}
    assert figures["cards"].value == 2
    assert figures["insert_to_identity_max"].met
    assert figures["apdus_per_card"].value == 7
    assert 0 < figures["apdu_round_trip_mean"].value < 50


async def test_a_new_reader_logs_its_code_and_the_hubs_fingerprint_and_joins(
    served: Served, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="card_reader.program")
    setup = CardReaderSetup(
        tmp_path / "reader", "R-1", READER_URL, hub=served.address, interfaces=[]
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_card_reader(setup, stop, reader=DyingReader(READER_URL)))
    try:

        async def asked() -> bool:
            return "pairing code" in caplog.text

        await eventually(asked, WAIT_S)
        code = re.search(r"pairing code ([\w-]+)", caplog.text)
        assert code is not None
        assert f"hub CA fingerprint {fingerprint(served.ca_pem)}" in caplog.text
        await devices_pb2_grpc.ProvisioningStub(served.local).ApproveDevice(
            devices_pb2.ApproveDeviceRequest(pairing_code=code.group(1), name="Считыватель")
        )

        async def joined() -> bool:
            listed = await devices_pb2_grpc.ProvisioningStub(served.local).ListDevices(
                devices_pb2.ListDevicesRequest()
            )
            return any(
                d.id == f"{KIND}-R-1"
                and d.presence in (devices_pb2.PRESENCE_ONLINE, devices_pb2.PRESENCE_ERROR)
                for d in listed.devices
            )

        await eventually(joined, WAIT_S)
    finally:
        stop.set()
        await asyncio.wait_for(running, WAIT_S)
    assert (tmp_path / "reader" / "device.pem").exists()
