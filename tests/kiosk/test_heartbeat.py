"""A device busy reporting still heartbeats (okno/runtime/session.py).

Found by ``okno kiosk bench``: a printer acknowledging a ticket every second sent no
heartbeat at all (each report restarted the interval), so after 10 s the hub took it for
offline and refused the kiosk's next print ("printer offline") while it was printing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession
from tests.hub.conftest import Served
from tests.hub.devices import device_port, enrolled


async def test_reports_more_often_than_the_interval_do_not_silence_heartbeats(
    served: Served, tmp_path: Path
) -> None:
    credentials = await enrolled(served, DeviceKey.load_or_create(tmp_path / "device"))
    async with device_port(served) as address:
        session = HubSession(address, credentials, heartbeat_s=0.2)
        stop = asyncio.Event()
        running = asyncio.create_task(session.run(stop))
        await asyncio.wait_for(session.connected.wait(), 5)
        session.round_trips_ms.clear()
        for _ in range(50):  # a report every 20 ms for a second: five intervals
            session.report("")
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(running, 5)
    assert len(session.round_trips_ms) >= 3
