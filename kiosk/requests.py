"""What the flow asks of the hub, carried to its end on the agent's loop.

Each request (a ticket, a check-in, slots, a booking, a fee at the terminal) is one task;
its answer, refusal or silence goes to the listener, never raised, and the slip or
ticket it printed is then followed until the printer says it printed (or gave up).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from kiosk.booking import OFFERED_AFTER_TAKEN, slip_lines
from kiosk.catalogue import Catalogue
from kiosk.core import CardVisitor
from kiosk.errors import HubUnreachable, KioskError, Refusal
from kiosk.hub_client import KioskHub
from kiosk.listener import KioskListener
from kiosk.payment import Charge, Paid, PaidState, Payer
from kiosk.states import PrintState
from kiosk.ticket import Issued
from okno.errors import OknoError
from payment_terminal.agent import RECEIPT_TITLE
from payment_terminal.agent import receipt as receipt_lines

log = logging.getLogger(__name__)
T = TypeVar("T")

FOLLOW_EVERY_S = 0.25
FOLLOW_FOR_S = 30.0

NO_PRINT = (0, PrintState.NONE, "")
NO_TERMINAL = Paid(
    PaidState.UNAVAILABLE,
    0,
    "Терминал оплаты не подключён",
    "No payment terminal is connected",
    (),
)


@dataclass(slots=True)
class Branch:
    """What the agent last read of the branch: requests name services and tell times by it."""

    catalogue: Catalogue | None = None
    day: str = ""


class RequestRunner:
    """The flow's requests on one hub link, their answers to the listener."""

    def __init__(
        self, hub: KioskHub, listener: KioskListener, branch: Branch, payer: Payer | None
    ) -> None:
        """``payer``: the card terminal's agent (none: fees are paid at the desk)."""
        self.hub = hub
        self.listener = listener
        self.branch = branch
        self.payer = payer

    async def issue(
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
        await self._ticket(
            request_id,
            self.hub.issue(
                request_id,
                service_id,
                printer_id,
                visitor,
                payment_id,
                priority=priority,
                large=large,
            ),
        )

    async def check_in(self, request_id: str, code: str, printer_id: str) -> None:
        zone = self._zone()
        await self._ticket(
            request_id, self.hub.check_in(request_id, code, printer_id, zone, self.branch.day)
        )

    async def check_in_by_card(self, request_id: str, snils_hash: str, printer_id: str) -> None:
        zone = self._zone()
        await self._ticket(
            request_id,
            self.hub.check_in_by_card(request_id, snils_hash, printer_id, zone, self.branch.day),
        )

    async def _ticket(self, request_id: str, asking: Awaitable[Issued]) -> None:
        """Hand a ticket's answer to the screen (and follow its print job)."""
        result = await self._asked(request_id, asking)
        if result is not None:
            await self._answered(result)

    def _zone(self) -> str:
        """The branch's time zone, for the times a refusal tells."""
        return self.branch.catalogue.timezone if self.branch.catalogue else ""

    async def list_slots(self, request_id: str, service_id: str) -> None:
        listing = await self._asked(request_id, self.hub.slots(service_id))
        if listing is not None:
            self.listener.slots_listed(request_id, listing)

    async def book(  # noqa: PLR0917 (the booking's facts)
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
        service = self.branch.catalogue.service(service_id) if self.branch.catalogue else None
        branch = self.branch.catalogue.branch_name if self.branch.catalogue else ""
        lines = slip_lines(booked, service.name_ru if service else service_id, branch)
        job = await self._slip(printer_id, f"{request_id}-slip", "Запись на приём", lines)
        self.listener.booked(replace(booked, job_id=job[0], print_state=job[1], print_error=job[2]))
        if job[1] is PrintState.SENDING:
            await self._follow_print(job[0])

    async def look_up(self, request_id: str, number: str, phone: str) -> None:
        found = await self._asked(request_id, self.hub.look_up(number, phone))
        if found is not None:
            self.listener.applications_found(request_id, (found,))

    async def look_up_by_card(self, request_id: str, snils_hash: str) -> None:
        found = await self._asked(request_id, self.hub.by_card(snils_hash))
        if found is not None:
            self.listener.applications_found(request_id, found)

    async def print_checklist(
        self, request_id: str, service_id: str, printer_id: str, language: str
    ) -> None:
        """A service's checklist on the kiosk's printer, followed like a ticket."""
        job = await self._asked(
            request_id, self.hub.print_checklist(request_id, service_id, printer_id, language)
        )
        if job is None:
            return
        self.listener.checklist_printed(request_id, *job)
        if job[1] is PrintState.SENDING:
            await self._follow_print(job[0])

    async def send_link(self, request_id: str, service_id: str, phone: str, language: str) -> None:
        hint = await self._asked(request_id, self.hub.send_link(service_id, phone, language))
        if hint is not None:
            self.listener.link_sent(request_id, hint)

    async def pay(self, request_id: str, charge: Charge, printer_id: str) -> None:
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
        if not printer_id:
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
