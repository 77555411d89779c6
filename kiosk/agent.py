"""The kiosk's asyncio side, in its own thread: membership, session, the queue, requests.

- **Membership**: an unenrolled kiosk shows its pairing code on the screen, with the
  fingerprint of the hub's CA beside it, and waits for the technician
  (okno.runtime.program.membership); then mutual TLS to the hub, as a kiosk.
- **Settings** arrive in the session (printer, language, PIN hash...): checked here, in
  the session's thread, so a bad one is refused back to the technician at once.
- **Following the hub**: the catalogue (reloaded when the branch configuration's digest
  changes; each service's page asked with the version held, so an unchanged one costs
  a short answer) and every service's wait every ``poll_s``; a failed read means the hub is
  unreachable, which the screen says at once. The same read is the link's heartbeat.
- **Requests** come from the GUI thread (the flow's :class:`~kiosk.core.Requests`) and
  run as tasks on this loop (requests.py); their answers go back through the listener
  (bridge.py). A ticket's print job is then followed until the printer says it printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from card_reader.agent import CardAgent, MemorySink
from card_reader.driver import CardReader
from kiosk.card import ScreenKeypad
from kiosk.catalogue import Catalogue
from kiosk.core import CardVisitor
from kiosk.errors import KioskError, Refusal
from kiosk.hub_client import KioskHub
from kiosk.listener import KioskListener
from kiosk.payment import Charge, PaidState, Payer
from kiosk.requests import Branch, RequestRunner
from kiosk.settings import KioskSettings
from okno.aio import until_stopped
from okno.errors import OknoError
from okno.runtime.channels import HubLink, hub_link
from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.loop_thread import LoopThread
from okno.runtime.session import HubSession, backoff_s
from payment_terminal.agent import PaymentAgent

log = logging.getLogger(__name__)

KIND = "kiosk"
# The card terminal in the kiosk is a device of its own: the hub binds each payment to
# the terminal's certificate, and a kiosk's may not begin one.
TERMINAL_KIND = "payment_terminal"
RETRY_CAP_S = 1.5
DIGEST_EVERY_S = 30.0
# A terminal that does not answer is asked again this often (card payment offered then).
TERMINAL_RETRY_S = 30.0


class AgentOptions(Protocol):
    """How the kiosk was started, as far as the agent reads it.

    ``kiosk.program.KioskOptions`` has these fields; a protocol here lets the agent take
    them without importing the program that starts it.
    """

    @property
    def state(self) -> Path: ...

    @property
    def hub(self) -> str: ...

    @property
    def interfaces(self) -> tuple[str, ...]: ...

    @property
    def serial(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def poll_s(self) -> float: ...

    @property
    def deadline_s(self) -> float: ...

    @property
    def terminal(self) -> str: ...

    @property
    def terminal_id(self) -> str: ...

    @property
    def card_reader(self) -> str: ...


class KioskAgent(LoopThread):
    """The flow's :class:`~kiosk.core.Requests`, and everything else that waits on the hub."""

    def __init__(
        self,
        options: AgentOptions,
        listener: KioskListener,
        settings: KioskSettings,
        *,
        payer: Payer | None = None,
    ) -> None:
        """``payer``: the card terminal's agent (none: fees are paid at the desk)."""
        super().__init__("okno-kiosk-io")
        self.options = options
        self.payer = payer
        # The card in the kiosk's own reader (--card-reader): its visitor, its PIN keypad.
        self.sink = MemorySink()
        self.keypad = ScreenKeypad(listener)
        self.card: CardAgent | None = None
        self.listener = listener
        self.base = settings
        self.settings = settings
        self.branch = Branch()
        self.runner: RequestRunner | None = None
        self.session: HubSession | None = None
        self._reload = False
        self._rng = random.Random()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- from the GUI thread ---------------------------------------------------------------

    def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
        payment_id: int = 0,
        *,
        priority: str = "",
        large: bool = False,
    ) -> None:
        self._submit(
            request_id,
            lambda run: run.issue(
                request_id,
                service_id,
                printer_id,
                visitor,
                payment_id,
                priority=priority,
                large=large,
            ),
        )

    def check_in(self, request_id: str, code: str, printer_id: str) -> None:
        self._submit(request_id, lambda run: run.check_in(request_id, code, printer_id))

    def check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None:
        self._submit(
            request_id, lambda run: run.check_in_by_card(request_id, snils_hash, printer_id)
        )

    def list_slots(self, request_id: str, service_id: str) -> None:
        self._submit(request_id, lambda run: run.list_slots(request_id, service_id))

    def book(
        self,
        request_id: str,
        service_id: str,
        slot_start_ms: int,
        *,
        phone: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
    ) -> None:
        self._submit(
            request_id,
            lambda run: run.book(request_id, service_id, slot_start_ms, phone, printer_id, visitor),
        )

    def pay(self, request_id: str, charge: Charge, printer_id: str) -> None:
        self._submit(request_id, lambda run: run.pay(request_id, charge, printer_id))

    def look_up(self, request_id: str, number: str, phone: str) -> None:
        self._submit(request_id, lambda run: run.look_up(request_id, number, phone))

    def look_up_by_card(self, request_id: str, snils_hash: str) -> None:
        self._submit(request_id, lambda run: run.look_up_by_card(request_id, snils_hash))

    def print_checklist(
        self, request_id: str, service_id: str, printer_id: str, language: str
    ) -> None:
        self._submit(
            request_id,
            lambda run: run.print_checklist(request_id, service_id, printer_id, language),
        )

    def send_link(self, request_id: str, service_id: str, phone: str, language: str) -> None:
        self._submit(request_id, lambda run: run.send_link(request_id, service_id, phone, language))

    def card_pin(self, pin: bytearray | None) -> None:
        """The card's PIN typed on the screen, to the reader waiting on the loop."""
        loop = self.loop
        try:
            if loop is None:
                raise RuntimeError("no loop")
            loop.call_soon_threadsafe(self.keypad.answer, pin)
        except RuntimeError:  # the loop ended: nobody waits for it
            if pin is not None:
                pin[:] = bytes(len(pin))

    def _submit(
        self, request_id: str, ask: Callable[[RequestRunner], Coroutine[Any, Any, None]]
    ) -> None:
        loop, runner = self.loop, self.runner
        if loop is None or runner is None:
            self.listener.unreachable(request_id)
            return
        work = ask(runner)
        try:
            loop.call_soon_threadsafe(self._spawn, work)
        except RuntimeError:  # the loop ended meanwhile
            work.close()
            self.listener.unreachable(request_id)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the loop --------------------------------------------------------------------------

    def failed(self, reason: str) -> None:
        self.listener.stopped(reason)

    async def run(self, stop: asyncio.Event) -> None:
        options = self.options
        joined = await until_stopped(
            hub_link(
                Description(KIND, options.model, options.serial),
                options.state,
                hub=options.hub,
                interfaces=list(options.interfaces),
                show_code=self.listener.show_code,
                show_authority=self.listener.show_authority,
            ),
            stop,
        )
        if joined is None:
            return
        terminal = terminal_channel = None
        tasks = []
        if self.payer is None and options.terminal:
            terminal_link = await until_stopped(self._terminal_link(), stop)
            if terminal_link is None:
                return
            terminal_channel = terminal_link.connect()
            self.payer = terminal = PaymentAgent.zvt(
                terminal_channel, f"{TERMINAL_KIND}-{self._terminal_serial}", options.terminal
            )
            # Its own session, so the fleet view shows the terminal as present.
            tasks.append(HubSession(terminal_link.address, terminal_link.credentials).run(stop))
        channel = joined.connect()
        deadline = self.options.deadline_s
        # A tap is retried (same request id) for two deadlines before it is given up.
        hub = KioskHub(channel, deadline_s=deadline, issue_within_s=2 * deadline)
        tasks.append(self._follow(hub, stop))
        if self.payer is not None:
            tasks.append(self._watch_terminal(self.payer, stop))
        self.runner = RequestRunner(hub, self.listener, self.branch, self.payer)
        self.session = HubSession(joined.address, joined.credentials, on_config=self._configure)
        tasks.append(self._hold(self.session, stop))
        if options.card_reader:
            url = "pcsc://" if options.card_reader == "auto" else options.card_reader
            reader = CardReader(url)
            self.card = CardAgent(reader, self.sink, self.session.report, keypad=self.keypad)
            try:
                self.card.configure({"snils_hash_key": self.settings.snils_hash_key})
            except OknoError as error:  # cards are still read, their SNILS left out
                log.error("card reader without its SNILS key: %s", error)
            tasks.append(self.card.run(stop))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            if terminal is not None:
                await terminal.close()
            if terminal_channel is not None:
                await terminal_channel.close()
            await channel.close()

    @property
    def _terminal_serial(self) -> str:
        return self.options.terminal_id or f"{self.options.serial}-terminal"

    def _terminal_link(self) -> Coroutine[Any, Any, HubLink]:
        """The kiosk's card terminal's membership, kept in ``state/terminal``: a terminal
        new to the hub shows its own pairing code on the kiosk's screen after the kiosk's."""
        options = self.options
        return hub_link(
            Description(TERMINAL_KIND, options.model, self._terminal_serial),
            options.state / "terminal",
            hub=options.hub,
            interfaces=list(options.interfaces),
            show_code=self.listener.show_code,
            show_authority=self.listener.show_authority,
        )

    async def _watch_terminal(self, payer: Payer, stop: asyncio.Event) -> None:
        """Register at the terminal, settling what a crash left open, and tell the screen
        whether card payment can be offered; a terminal that does not answer is asked
        again every ``TERMINAL_RETRY_S``."""
        told: bool | None = None
        while not stop.is_set():
            if not payer.ready:
                await self._recover(payer)
            if payer.ready != told:
                told = payer.ready
                log.info("payment terminal %s", "ready" if told else "not answering: pay at desk")
            self.listener.terminal_state(payer.ready)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TERMINAL_RETRY_S)

    async def _recover(self, payer: Payer) -> None:
        try:
            resolved = await payer.recover()
        except OknoError as error:
            log.warning("payments not recovered yet (the first payment will): %s", error)
            return
        left = sum(1 for r in resolved if r.state is PaidState.UNKNOWN)
        log.info("payments recovered=%d unresolved=%d", len(resolved), left)

    async def _hold(self, session: HubSession, stop: asyncio.Event) -> None:
        await session.run(stop)
        if session.refused:
            stop.set()
            raise EnrollmentRefused(f"the hub refused this kiosk: {session.refused}")

    def _configure(self, config: dict[str, str]) -> None:
        """The hub's settings on top of the command line's; ValueError refuses them."""
        settings = self.base.updated(config)
        if self.card is not None:
            try:
                self.card.configure({"snils_hash_key": settings.snils_hash_key})
            except OknoError as error:
                raise ValueError(str(error)) from error
        self.settings = settings
        self._reload = True
        self.listener.settings_changed(settings)
        log.info("settings applied keys=%s", ",".join(sorted(config)) or "-")

    async def _follow(self, hub: KioskHub, stop: asyncio.Event) -> None:
        """The catalogue and the waits, read again and again: also the link's heartbeat."""
        branch = self.branch
        attempt = 0
        next_digest = 0.0
        while not stop.is_set():
            try:
                if branch.catalogue is None or self._reload:
                    self._reload = False
                    held = branch.catalogue.guide if branch.catalogue else None
                    fresh = await hub.catalogue(self.settings)
                    branch.catalogue = await with_guide(
                        hub, replace(fresh, guide=held) if held else fresh
                    )
                    self.listener.catalogue_loaded(branch.catalogue)
                    next_digest = time.monotonic() + DIGEST_EVERY_S
                waits, hub_ms, branch.day = await hub.waits()
                self.listener.waits_read(waits, hub_ms)
                if self.settings.printer:
                    # Before anyone taps: a kiosk whose printer is empty says so first.
                    self.listener.printer_state(*await hub.printer(self.settings.printer))
                if time.monotonic() >= next_digest:
                    next_digest = time.monotonic() + DIGEST_EVERY_S
                    if await hub.digest() != branch.catalogue.digest:
                        log.info("the branch configuration changed: catalogue reloaded")
                        self._reload = True
                    elif (read := await with_guide(hub, branch.catalogue)) is not branch.catalogue:
                        branch.catalogue = read
                        self.listener.catalogue_loaded(read)
                attempt, pause = 0, self.options.poll_s
            except KioskError as error:
                if attempt == 0:
                    log.warning("hub unreachable: %s", error)
                self.listener.link_changed(False)
                pause = backoff_s(attempt, self._rng, cap_s=RETRY_CAP_S)
                attempt += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)


async def with_guide(hub: KioskHub, catalogue: Catalogue) -> Catalogue:
    """The catalogue with the hub's guide to each service if it changed from the one held.

    A hub that refuses it (one without the service catalogue) leaves the guide held: the
    kiosk still issues tickets, only without "what to bring"."""
    try:
        guide = await hub.guide(catalogue.guide.version)
    except Refusal as refusal:
        log.warning("service catalogue not read reason=%s", refusal.reason)
        return catalogue
    if guide is None:
        return catalogue
    log.info("service catalogue read version=%s entries=%d", guide.version, len(guide.entries))
    return replace(catalogue, guide=guide)
