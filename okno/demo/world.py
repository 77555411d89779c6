"""What every simulated person in the hall shares: the branch, the time, the hub, the stop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import grpc

from hub.domain.branch import Branch
from hub.traffic import Visitors
from okno.demo.clock import SimClock
from okno.demo.rpc import Stubs

if TYPE_CHECKING:
    from okno.demo.cashier import Cashier
    from okno.demo.checklists import Checklists


@dataclass(frozen=True, slots=True)
class World:
    branch: Branch
    clock: SimClock
    # The hub as the kiosk calls it (an enrolled kiosk), and as each desk's unit does.
    kiosk: Stubs
    desks: Mapping[str, Stubs]
    # An operator's signed-in channel (okno.demo.members.Members.sign_in).
    sign_in: Callable[[str], Awaitable[grpc.aio.Channel]]
    stop: asyncio.Event
    visitors: Visitors = field(default_factory=Visitors)
    # The device id of the kiosk's ticket printer; "" prints nothing.
    printer_id: str = ""
    # The kiosk's card terminal, for visitors who pay a fee; None: nobody pays.
    cashier: Cashier | None = None
    # The kiosk's "what to bring" checklists; None: no visitor looks one up.
    checklists: Checklists | None = None
    # Numbers of applications recorded at the desks, for the centre's information system.
    filed: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
