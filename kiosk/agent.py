"""The kiosk's asyncio side, in its own thread: membership, session, the queue, requests.

- **Membership**: an unenrolled kiosk shows its pairing code on the screen and waits for
  the technician (okno.runtime.program.membership); then mutual TLS to the hub.
- **Settings** arrive in the session (printer, language, PIN hash...): checked here, in
  the session's thread, so a bad one is refused back to the technician at once.
- **Following the hub**: the catalogue (reloaded when the branch configuration's digest
  changes) and every service's wait every ``poll_s``; a failed read means the hub is
  unreachable, which the screen says at once. The same read is the link's heartbeat.
- **Requests** come from the GUI thread (the flow's :class:`~kiosk.flow.Requests`) and
  run as tasks on this loop; their answers go back through the listener (bridge.py).
  A ticket's print job is then followed until the printer says it printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Awaitable, Coroutine, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from card_reader.agent import CardAgent, MemorySink
from card_reader.driver import CardReader
from kiosk.booking import OFFERED_AFTER_TAKEN, Booked, SlotList, slip_lines
from kiosk.card import ScreenKeypad
from kiosk.catalogue import Catalogue, Wait
from kiosk.core import CardVisitor
from kiosk.errors import HubUnreachable, KioskError, Refusal
from kiosk.flow import Issued
from kiosk.hub_client import KioskHub
from kiosk.payment import Charge, Paid, PaidState, Payer
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState
from okno.aio import until_stopped
from okno.errors import OknoError
from okno.runtime.channels import hub_link
from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.session import HubSession, backoff_s
from payment_terminal.agent import RECEIPT_TITLE, PaymentAgent
from payment_terminal.agent import receipt as receipt_lines

log = logging.getLogger(__name__)
T = TypeVar("T")

KIND = "kiosk"
STOP_S = 10.0
RETRY_CAP_S = 1.5
DIGEST_EVERY_S = 30.0
FOLLOW_EVERY_S = 0.25
FOLLOW_FOR_S = 30.0
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
    def insecure(self) -> str: ...

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


class KioskListener(Protocol):
    """Where the agent's results go: the bridge to the GUI thread (or a test)."""

    def catalogue_loaded(self, catalogue: Catalogue) -> None: ...

    def waits_read(self, waits: dict[str, Wait], hub_ms: int) -> None: ...

    def link_changed(self, up: bool) -> None: ...

    def issued(self, result: Issued) -> None: ...

    def refused(self, request_id: str, reason: str, detail: dict[str, str]) -> None: ...

    def unreachable(self, request_id: str) -> None: ...

    def print_update(self, job_id: int, state: PrintState, error: str) -> None: ...

    def printer_state(self, health: Printer, error: str) -> None: ...

    def terminal_state(self, ready: bool) -> None: ...

    def settings_changed(self, settings: KioskSettings) -> None: ...

    def show_code(self, code: str) -> None: ...

    def stopped(self, reason: str) -> None: ...

    def slots_listed(self, request_id: str, listing: SlotList) -> None: ...

    def booked(self, result: Booked) -> None: ...

    def payment_prompt(self, request_id: str, text: str) -> None: ...

    def paid(self, request_id: str, result: Paid, receipt: tuple[int, PrintState, str]) -> None: ...

    def card_pin_asked(self, tries_left: int, last_wrong: bool) -> None: ...

    def card_pin_closed(self) -> None: ...


NO_PRINT = (0, PrintState.NONE, "")
NO_TERMINAL = Paid(
    PaidState.UNAVAILABLE,
    0,
    "Терминал оплаты не подключён",
    "No payment terminal is connected",
    (),
)


class KioskAgent:
    """The flow's :class:`~kiosk.flow.Requests`, and everything else that waits on the hub."""

    def __init__(
        self,
        options: AgentOptions,
        listener: KioskListener,
        settings: KioskSettings,
        *,
        payer: Payer | None = None,
    ) -> None:
        """``payer``: the card terminal's agent (none: fees are paid at the desk)."""
        self.options = options
        self.payer = payer
        # The card in the kiosk's own reader (--card-reader): its visitor, its PIN keypad.
        self.sink = MemorySink()
        self.keypad = ScreenKeypad(listener)
        self.card: CardAgent | None = None
        self.listener = listener
        self.base = settings
        self.settings = settings
        self.failure: BaseException | None = None
        self.hub: KioskHub | None = None
        self.session: HubSession | None = None
        self.catalogue: Catalogue | None = None
        self.day = ""
        self._reload = False
        self._rng = random.Random()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._main, name="okno-kiosk-io", daemon=True)

    # -- from the GUI thread ---------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = STOP_S) -> None:
        """Ask the loop to stop, from any thread, and wait for it."""
        self._stopping.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("kiosk io did not stop within %.0f s", timeout_s)

    def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
        payment_id: int = 0,
    ) -> None:
        issuing = self._issue(request_id, service_id, printer_id, visitor, payment_id)
        self._submit(request_id, issuing)

    def check_in(self, request_id: str, code: str, printer_id: str) -> None:
        self._submit(request_id, self._check_in(request_id, code, printer_id))

    def check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None:
        self._submit(request_id, self._check_in_by_card(request_id, snils_hash, printer_id))

    def list_slots(self, request_id: str, service_id: str) -> None:
        self._submit(request_id, self._list_slots(request_id, service_id))

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
        work = self._book(request_id, service_id, slot_start_ms, phone, printer_id, visitor)
        self._submit(request_id, work)

    def pay(self, request_id: str, charge: Charge, printer_id: str) -> None:
        self._submit(request_id, self._pay(request_id, charge, printer_id))

    def card_pin(self, pin: bytearray | None) -> None:
        """The card's PIN typed on the screen, to the reader waiting on the loop."""
        loop = self._loop
        try:
            if loop is None:
                raise RuntimeError("no loop")
            loop.call_soon_threadsafe(self.keypad.answer, pin)
        except RuntimeError:  # the loop ended: nobody waits for it
            if pin is not None:
                pin[:] = bytes(len(pin))

    def _submit(self, request_id: str, work: Coroutine[Any, Any, None]) -> None:
        loop = self._loop
        if loop is None or self.hub is None or self._stopping.is_set():
            work.close()
            self.listener.unreachable(request_id)
            return
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

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except Exception as err:
            self.failure = err
            log.error("kiosk io stopped: %s", err)
            self.listener.stopped(str(err))

    async def _run(self) -> None:
        self._stop = stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if self._stopping.is_set():
            return
        options = self.options
        joined = await until_stopped(
            hub_link(
                Description(KIND, options.model, options.serial),
                options.state,
                hub=options.hub,
                interfaces=list(options.interfaces),
                insecure=options.insecure,
                show_code=self.listener.show_code,
            ),
            stop,
        )
        if joined is None:
            return
        connect, address, credentials = joined.connect, joined.address, joined.credentials
        channel = connect()
        deadline = self.options.deadline_s
        # A tap is retried (same request id) for two deadlines before it is given up.
        self.hub = KioskHub(channel, deadline_s=deadline, issue_within_s=2 * deadline)
        tasks = [self._follow(self.hub, stop)]
        terminal = None
        if self.payer is None and options.terminal:
            terminal_id = options.terminal_id or f"{options.serial}-terminal"
            self.payer = terminal = PaymentAgent.zvt(channel, terminal_id, options.terminal)
        if self.payer is not None:
            tasks.append(self._watch_terminal(self.payer, stop))
        if credentials is not None:
            self.session = HubSession(address, credentials, on_config=self._configure)
            tasks.append(self._hold(self.session, stop))
        if options.card_reader:
            url = "pcsc://" if options.card_reader == "auto" else options.card_reader
            reader = CardReader(url)
            if self.session is not None:
                self.card = CardAgent(reader, self.sink, self.session.report, keypad=self.keypad)
            else:
                self.card = CardAgent(reader, self.sink, keypad=self.keypad)
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
            await channel.close()

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
        attempt = 0
        next_digest = 0.0
        while not stop.is_set():
            try:
                if self.catalogue is None or self._reload:
                    self._reload = False
                    self.catalogue = await hub.catalogue(self.settings)
                    self.listener.catalogue_loaded(self.catalogue)
                    next_digest = time.monotonic() + DIGEST_EVERY_S
                waits, hub_ms, self.day = await hub.waits()
                self.listener.waits_read(waits, hub_ms)
                if self.settings.printer:
                    # Before anyone taps: a kiosk whose printer is empty says so first.
                    self.listener.printer_state(*await hub.printer(self.settings.printer))
                if time.monotonic() >= next_digest:
                    next_digest = time.monotonic() + DIGEST_EVERY_S
                    if await hub.digest() != self.catalogue.digest:
                        log.info("the branch configuration changed: catalogue reloaded")
                        self._reload = True
                attempt, pause = 0, self.options.poll_s
            except KioskError as error:
                if attempt == 0:
                    log.warning("hub unreachable: %s", error)
                self.listener.link_changed(False)
                pause = backoff_s(attempt, self._rng, cap_s=RETRY_CAP_S)
                attempt += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)

    async def _issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
        payment_id: int = 0,
    ) -> None:
        hub = self.hub
        assert hub is not None
        await self._ticket(
            request_id, hub.issue(request_id, service_id, printer_id, visitor, payment_id)
        )

    async def _check_in(self, request_id: str, code: str, printer_id: str) -> None:
        hub = self.hub
        assert hub is not None
        await self._ticket(
            request_id, hub.check_in(request_id, code, printer_id, self._zone(), self.day)
        )

    async def _check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None:
        hub = self.hub
        assert hub is not None
        zone = self._zone()
        await self._ticket(
            request_id, hub.check_in_by_card(request_id, snils_hash, printer_id, zone, self.day)
        )

    async def _ticket(self, request_id: str, asking: Awaitable[Issued]) -> None:
        """Hand a ticket's answer to the screen (and follow its print job)."""
        result = await self._asked(request_id, asking)
        if result is not None:
            await self._answered(result)

    def _zone(self) -> str:
        """The branch's time zone, for the times a refusal tells."""
        return self.catalogue.timezone if self.catalogue else ""

    async def _list_slots(self, request_id: str, service_id: str) -> None:
        hub = self.hub
        assert hub is not None
        listing = await self._asked(request_id, hub.slots(service_id))
        if listing is not None:
            self.listener.slots_listed(request_id, listing)

    async def _book(  # noqa: PLR0917 (the booking's facts)
        self,
        request_id: str,
        service_id: str,
        slot_start_ms: int,
        phone: str,
        printer_id: str,
        visitor: CardVisitor | None,
    ) -> None:
        """The booking, its slip printed; a slot taken meanwhile: the next free ones."""
        hub = self.hub
        assert hub is not None
        snils_hash = visitor.snils_hash if visitor is not None else ""
        try:
            booked = await hub.book(request_id, service_id, slot_start_ms, phone, snils_hash)
        except Refusal as refusal:
            if refusal.reason != "slot_full":
                self.listener.refused(request_id, refusal.reason, refusal.detail)
                return
            log.info("slot taken meanwhile: the next free ones offered")
            offers = await self._asked(
                request_id, hub.free_after(service_id, slot_start_ms, OFFERED_AFTER_TAKEN)
            )
            if offers is not None:
                self.listener.slots_listed(request_id, offers)
            return
        except HubUnreachable as error:
            log.warning("booking not done: %s", error)
            self.listener.unreachable(request_id)
            return
        log.info("booked service=%s day=%s time=%s", service_id, booked.day, booked.time)
        service = self.catalogue.service(service_id) if self.catalogue else None
        branch = self.catalogue.branch_name if self.catalogue else ""
        lines = slip_lines(booked, service.name_ru if service else service_id, branch)
        job = await self._slip(printer_id, f"{request_id}-slip", "Запись на приём", lines)
        self.listener.booked(replace(booked, job_id=job[0], print_state=job[1], print_error=job[2]))
        if job[1] is PrintState.SENDING:
            await self._follow_print(job[0])

    async def _pay(self, request_id: str, charge: Charge, printer_id: str) -> None:
        """The fee at the terminal; its prompts on screen as they come; the receipt printed."""
        payer = self.payer
        if payer is None:
            self.listener.paid(request_id, NO_TERMINAL, NO_PRINT)
            return
        log.info("payment started service=%s", charge.service_id)
        try:
            result = await payer.pay(
                charge, lambda text: self.listener.payment_prompt(request_id, text)
            )
        except OknoError as error:
            # Whether the terminal charged is not known: the screen says so, never "pay again".
            log.error("payment agent failed: %s", error)
            self.listener.unreachable(request_id)
            return
        finally:
            # The next visitor is offered card payment only if the terminal still answers.
            self.listener.terminal_state(payer.ready)
        receipt = NO_PRINT
        if result.state is PaidState.APPROVED:
            # What was paid for and the hub's payment number, then the terminal's own part.
            receipt = await self._slip(
                printer_id,
                f"receipt-{charge.idempotency_key}",
                RECEIPT_TITLE,
                receipt_lines(charge, result),
            )
        self.listener.paid(request_id, result, receipt)
        if receipt[1] is PrintState.SENDING:
            await self._follow_print(receipt[0])

    async def _slip(
        self, printer_id: str, request_id: str, title: str, lines: Sequence[str]
    ) -> tuple[int, PrintState, str]:
        """A slip on the kiosk's printer (NO_PRINT without one), followed like a ticket."""
        if not printer_id or self.hub is None:
            return NO_PRINT
        try:
            return await self.hub.print_slip(printer_id, request_id, title, lines)
        except Refusal as refusal:
            log.warning("slip not printed: %s", refusal.message)
            return 0, PrintState.FAILED, refusal.message
        except HubUnreachable as error:
            log.warning("slip not printed: %s", error)
            return 0, PrintState.FAILED, "printer offline"

    async def _asked(self, request_id: str, work: Awaitable[T]) -> T | None:
        """The hub's answer, or None once its refusal or silence went to the screen."""
        try:
            return await work
        except Refusal as refusal:
            self.listener.refused(request_id, refusal.reason, refusal.detail)
        except HubUnreachable as error:
            log.warning("request not done: %s", error)
            self.listener.unreachable(request_id)
        return None

    async def _answered(self, result: Issued) -> None:
        log.info(
            "ticket shown number=%s print=%s job=%d",
            result.number,
            result.print_state.value,
            result.job_id,
        )
        self.listener.issued(result)
        if result.print_state is PrintState.SENDING:
            await self._follow_print(result.job_id)

    async def _follow_print(self, job_id: int) -> None:
        """Until the printer printed the job (or gave up): the ticket screen says which."""
        hub = self.hub
        assert hub is not None
        deadline = time.monotonic() + FOLLOW_FOR_S
        while time.monotonic() < deadline:
            await asyncio.sleep(FOLLOW_EVERY_S)
            try:
                state, error = await hub.print_job(job_id)
            except KioskError:
                continue
            if state is not PrintState.SENDING:
                self.listener.print_update(job_id, state, error)
                return
