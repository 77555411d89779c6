"""``okno card-reader`` and ``okno card-reader sim``: the reader's device program, a virtual card.

The device program enrolls like every device (its pairing code and the hub CA's
fingerprint, for the technician to compare, are logged at WARNING),
holds its session, reports a missing pcscd or reader as its error, and publishes each
visitor through an :class:`~card_reader.agent.IdentitySink`. A kiosk that runs the agent
in its own process passes its sink and its on-screen keypad; run alone, the reader stands
at a desk: it asks for PINs only on a PIN pad reader and sends each visitor to the hub for
its ``desk`` setting (:class:`~card_reader.desk.DeskSink`, docs/card_reader.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from card_reader.agent import CardAgent, IdentitySink, OnScreenKeypad
from card_reader.applets import APPLICATION_NOT_FOUND
from card_reader.desk import DeskSink
from card_reader.driver import CardReader
from card_reader.pcscd import running_pcscd
from card_reader.sim import VPCD_PORT, SimulatedCard, UecState, simulated_card
from okno.runtime.channels import mutual_tls
from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.program import membership
from okno.runtime.session import HubSession

log = logging.getLogger(__name__)
KIND = "card_reader"


@dataclass(frozen=True)
class CardReaderSetup:
    """Who the reader is, which PC/SC reader it drives and where its hub is ("" finds it)."""

    state: Path
    serial: str
    reader: str = "pcsc://"
    model: str = "okno card reader"
    hub: str = ""
    interfaces: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    heartbeat_s: float = 3.0
    apdu_timeout_s: float = 3.0


async def run_card_reader(
    setup: CardReaderSetup,
    stop: asyncio.Event,
    *,
    sink: IdentitySink | None = None,
    keypad: OnScreenKeypad | None = None,
    on_agent: Callable[[CardAgent], None] | None = None,
    reader: CardReader | None = None,
) -> None:
    """Enroll if needed, then read cards and publish visitors until ``stop``.

    ``reader``: the driver to run, when not the one ``setup`` describes.
    """

    def show_code(code: str) -> None:
        log.warning(
            "pairing code %s: the technician approves it with okno provision approve %s",
            code,
            code,
        )

    def show_authority(fingerprint: str) -> None:
        log.warning(
            "hub CA fingerprint %s: the technician compares it with okno provision list",
            fingerprint,
        )

    key, member = await membership(
        Description(KIND, setup.model, setup.serial),
        setup.state,
        hub=setup.hub,
        interfaces=setup.interfaces,
        show_code=show_code,
        show_authority=show_authority,
    )
    agent: CardAgent | None = None
    credentials = member.credentials(key)
    async with mutual_tls(member.session_address, credentials)() as channel:
        desk = DeskSink(channel)

        def configure(config: dict[str, str]) -> None:
            desk.configure(config)
            if agent is not None:
                agent.configure(config)

        session = HubSession(
            member.session_address,
            credentials,
            heartbeat_s=setup.heartbeat_s,
            on_config=configure,
        )
        if reader is None:
            reader = CardReader(setup.reader, apdu_timeout_s=setup.apdu_timeout_s)
        agent = CardAgent(reader, sink or desk, session.report, keypad=keypad)
        if on_agent is not None:
            on_agent(agent)
        reading = asyncio.create_task(agent.run(stop))
        try:
            await session.run(stop)
        finally:
            stop.set()
            await reading
    if session.refused:
        raise EnrollmentRefused(session.refused)


@dataclass(frozen=True)
class SimCardOptions:
    """What ``okno card-reader sim`` inserts: ``kind`` uec, emv or blank; the UEC's PIN state."""

    kind: str = "uec"
    port: int = VPCD_PORT
    pin: str = "1234"
    tries_left: int = 3
    secure_messaging: bool = False
    mute_after: int | None = None
    remove_after: int | None = None
    start_pcscd: bool = True
    absent_sw: int = APPLICATION_NOT_FOUND
    hides_tries: bool = False


def make_card(options: SimCardOptions) -> SimulatedCard:
    uec = UecState(
        pin=options.pin,
        tries_left=options.tries_left,
        needs_secure_messaging=options.secure_messaging,
        hides_tries=options.hides_tries,
    )
    return simulated_card(
        options.kind,
        port=options.port,
        mute_after=options.mute_after,
        remove_after=options.remove_after,
        uec=uec,
        absent_sw=options.absent_sw,
    )


async def run_simulated_card(
    options: SimCardOptions, stop: asyncio.Event, say: Callable[[str], None] = print
) -> None:
    """Keep a virtual card inserted until ``stop`` (starting pcscd first if none runs)."""
    card = make_card(options)
    with running_pcscd(start=options.start_pcscd) as daemon:
        if daemon.started:
            say("pcscd started (it stops with this command)")
        await asyncio.to_thread(card.insert)
        say(f"{options.kind} card inserted in the virtual reader on port {options.port}")
        gone = asyncio.create_task(asyncio.to_thread(card.gone.wait))
        stopping = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({gone, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if gone in done and not stop.is_set():
                say("the reader dropped the card")
        finally:
            stopping.cancel()
            await asyncio.to_thread(card.remove)
            card.gone.set()
            await gone
        say("card removed")
