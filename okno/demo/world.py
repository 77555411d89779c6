"""What every simulated person in the hall shares: the branch, the time, the hub, the stop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hub.domain.branch import Branch
from hub.traffic import Visitors
from okno.demo.clock import SimClock
from okno.demo.rpc import Stubs

if TYPE_CHECKING:
    from okno.demo.cashier import Cashier


@dataclass(frozen=True, slots=True)
class World:
    branch: Branch
    clock: SimClock
    hub: Stubs
    stop: asyncio.Event
    visitors: Visitors = field(default_factory=Visitors)
    # The device id of the kiosk's ticket printer; "" prints nothing.
    printer_id: str = ""
    # The kiosk's card terminal, for visitors who pay a fee; None: nobody pays.
    cashier: Cashier | None = None
