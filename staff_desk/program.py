"""``okno desk``: the desk unit's device program, from pairing code to presses.

A desk unit has no screen: an unenrolled unit logs its pairing code (at WARNING, so it
stands out on the console the technician looks at) and its light stays dark, because
which pins drive the light is itself a setting the hub sends after enrollment. An
enrolled unit goes straight to its session; its desk and wiring come with the hub's
welcome and whenever the technician changes them (``okno provision config``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import grpc
from gpiozero.pins.mock import MockFactory

from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.program import membership
from okno.runtime.session import HubSession
from staff_desk.agent import CHANNEL_OPTIONS, DeskAgent
from staff_desk.driver import DeskUnit, pin_factory
from staff_desk.errors import DeskError
from staff_desk.presses import EdgeSink
from staff_desk.rating_agent import run_rating_box
from staff_desk.settings import Wiring
from staff_desk.sim import Habits, Pins, SimulatedOperator

log = logging.getLogger(__name__)
KIND = "staff_desk"


@dataclass(frozen=True)
class DeskSetup:
    """Who the unit is and where its hub is; ``hub`` empty finds the hub by zeroconf.

    The desk is the hub's ``desk`` setting (``okno provision config UNIT desk=desk-05``);
    ``pin_factory`` is gpiozero's (a ``MockFactory`` in tests and the demo), None for
    the one ``GPIOZERO_PIN_FACTORY`` names or gpiozero finds.
    """

    state: Path
    serial: str
    model: str = "okno desk unit"
    hub: str = ""
    interfaces: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    heartbeat_s: float = 3.0
    pin_factory: object | None = None


async def run_desk(
    setup: DeskSetup,
    stop: asyncio.Event,
    *,
    on_agent: Callable[[DeskAgent], None] | None = None,
) -> None:
    """Enroll if needed, then call visitors on button presses until ``stop``.

    ``on_agent`` is handed the agent once it exists (the demo's simulated operator and
    the benchmark watch it).
    """
    factory = pin_factory(setup.pin_factory)

    def show_code(code: str) -> None:
        log.warning(
            "pairing code %s: the technician approves it with okno provision approve %s",
            code,
            code,
        )

    key, member = await membership(
        Description(KIND, setup.model, setup.serial),
        setup.state,
        hub=setup.hub,
        interfaces=setup.interfaces,
        show_code=show_code,
    )

    def open_unit(wiring: Wiring, on_edge: EdgeSink) -> DeskUnit:
        return DeskUnit(wiring, on_edge, pin_factory=factory)

    agent: DeskAgent | None = None

    def configure(config: dict[str, str]) -> None:
        assert agent is not None
        agent.configure(config)

    session = HubSession(
        member.session_address,
        member.credentials(key),
        heartbeat_s=setup.heartbeat_s,
        on_config=configure,
    )
    channel = grpc.aio.secure_channel(
        member.session_address, member.credentials(key), options=CHANNEL_OPTIONS
    )
    async with channel:
        agent = DeskAgent(channel, session.connected, open_unit, session.report)
        if on_agent is not None:
            on_agent(agent)
        acting = asyncio.create_task(agent.run(stop))
        rating = asyncio.create_task(_rating_box(agent, channel, stop, factory, session.report))
        try:
            await session.run(stop)
        finally:
            stop.set()
            await asyncio.gather(acting, rating)
    if session.refused:
        raise EnrollmentRefused(session.refused)


async def _rating_box(
    agent: DeskAgent,
    channel: grpc.aio.Channel,
    stop: asyncio.Event,
    factory: object,
    report: Callable[[str, str], None],
) -> None:
    """The visitors' rating box, when the first settings name its pins (rating_pins).

    Its pins and desk are taken once: a change of either applies when the unit restarts.
    """
    if not await _until(agent, stop, agent.configured.is_set) or agent.settings is None:
        return
    pins = agent.settings.rating_pins
    if not pins or not await _until(agent, stop, lambda: agent.desk_id is not None):
        return
    desk_id = agent.desk_id
    assert desk_id is not None
    try:
        await run_rating_box(channel, desk_id, stop, pins=pins, pin_factory=factory)
    except DeskError as error:
        log.error("rating box not started desk=%s reason=%s", desk_id, error)
        report(f"rating box: {error}", "")


async def _until(agent: DeskAgent, stop: asyncio.Event, check: Callable[[], bool]) -> bool:
    """Wait until ``check()`` holds for the agent; False if the unit stops first."""
    while not check():
        if stop.is_set():
            return False
        agent.changed.clear()
        changed = asyncio.create_task(agent.changed.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({changed, stopping}, return_when=asyncio.FIRST_COMPLETED)
        changed.cancel()
        stopping.cancel()
    return True


async def run_simulated_desk(
    setup: DeskSetup, stop: asyncio.Event, habits: Habits | None = None
) -> None:
    """:func:`run_desk` on mock pins, with a simulated operator pressing them (``okno demo``)."""
    created = MockFactory() if setup.pin_factory is None else None
    factory = setup.pin_factory if created is None else created
    operators: list[asyncio.Task[None]] = []

    def on_agent(agent: DeskAgent) -> None:
        operators.append(asyncio.create_task(_operate(agent, factory, stop, habits)))

    try:
        await run_desk(replace(setup, pin_factory=factory), stop, on_agent=on_agent)
    finally:
        stop.set()
        await asyncio.gather(*operators)
        if created is not None:
            created.close()


async def _operate(
    agent: DeskAgent, factory: MockFactory, stop: asyncio.Event, habits: Habits | None
) -> None:
    """Once the unit has its wiring, a person works at it until ``stop``."""
    if not await _until(agent, stop, agent.configured.is_set) or agent.settings is None:
        return
    operator = SimulatedOperator(
        Pins(factory, agent.settings.wiring), lambda: agent.light, habits=habits
    )
    log.info("a simulated operator works at desk=%s", agent.settings.desk)
    await operator.run(stop)
