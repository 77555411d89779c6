"""What every simulated person in the hall shares: the branch, the time, the hub, the stop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from hub.domain.branch import Branch
from hub.traffic import Visitors
from okno.demo.clock import SimClock
from okno.demo.rpc import Stubs


@dataclass(frozen=True, slots=True)
class World:
    branch: Branch
    clock: SimClock
    hub: Stubs
    stop: asyncio.Event
    visitors: Visitors = field(default_factory=Visitors)
    # The device id of the kiosk's ticket printer; "" prints nothing.
    printer_id: str = ""
