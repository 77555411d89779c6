"""Applications as the desk, the information system, kiosks and web pages use them.

The rules are :mod:`hub.domain.applications`; this layer numbers applications, keeps
their changes in the branch's one log through ``Hub.run`` (a change is acknowledged only
once committed), applies each change of the information system once, and answers
look-ups only to whoever holds both the number and the phone. Changes of one application
are serialised here, in the event loop, so two of them never both pass the rules against
the same old status; changes of different applications share the group commit.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy import Engine

from hub.config import LoadedConfig
from hub.devices.pairing import AttemptLimit
from hub.domain import applications as rules
from hub.domain.applications import Application, ApplicationStatus, Change, Contact
from hub.domain.appointments import contacts
from hub.domain.engine import QueueEngine
from hub.domain.model import EventKind, Outcome, Ticket, TicketState
from hub.domain.numbering import branch_day
from hub.errors import (
    HubError,
    InvalidRequest,
    NoConsent,
    NotDocumentService,
    NoticeNeedsContact,
    UnknownApplication,
    UnknownService,
)
from hub.store import applications as store
from hub.store.database import forget_old_pages
from hub.store.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
DAY_MS = 86_400_000
MAX_LIST = 1000
MAX_BY_CARD = 20
# A ticket is served (or being served) when its application is taken.
_SERVED = frozenset({TicketState.SERVING, TicketState.DONE})


class ApplicationsHost(Protocol):
    """What applications need of the hub (:class:`hub.service.Hub`)."""

    clock: Callable[[], int]
    snils_key: bytes

    loaded: LoadedConfig

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...

    async def ticket(self, ticket_id: str) -> Ticket: ...


def look_up_guesses() -> AttemptLimit:
    """Wrong number-and-phone pairs allowed: 10 per caller and 300 on the hub in 15 min,
    as for booking codes: a guesser needs both halves, a visitor who mistypes never meets it."""
    return AttemptLimit(
        tries=10,
        hub_tries=300,
        what="application numbers or phones",
        advice="check the number on the receipt and the phone you gave at the desk",
    )


@dataclass(frozen=True, slots=True)
class Accepting:
    """What the desk sends when it records an application."""

    ticket_id: str
    service_id: str = ""
    phone: str = ""
    email: str = ""
    notify_sms: bool = False
    notify_email: bool = False
    consent: bool = False
    snils: str = ""
    request_id: str = ""


class Applications:
    def __init__(self, hub: ApplicationsHost, attempts: AttemptLimit | None = None) -> None:
        self._hub = hub
        self._attempts = attempts or look_up_guesses()
        # Applications being changed now: number -> its lock (dropped when nobody waits).
        self._locks: dict[str, asyncio.Lock] = {}
        self._lock_users: dict[str, int] = {}
        self._numbering = asyncio.Lock()
        self._last_place: dict[str, int] = {}

    async def accept(self, asked: Accepting, *, operator: str) -> Application:
        """Record the application of a visitor served under ``asked.ticket_id``."""
        if asked.request_id:
            found = await self._read(lambda e: store.by_request(e, asked.request_id))
            if found is not None:
                if found.ticket_id != asked.ticket_id:
                    raise InvalidRequest(
                        f"request_id {asked.request_id!r} was used for another application: "
                        "use a new id for a new application"
                    )
                return found
        ticket = await self._hub.ticket(asked.ticket_id)
        if ticket.state not in _SERVED:
            raise InvalidRequest(
                f"ticket {ticket.number} is {ticket.state.value}: an application is taken from "
                "a visitor being served or just served"
            )
        branch = self._hub.loaded.branch
        service_id = asked.service_id or ticket.service_id
        service = branch.service(service_id)
        if service is None:
            raise UnknownService(f'no service "{service_id}" in this branch')
        if service.processing_days is None:
            raise NotDocumentService(
                f'"{service.name_ru}" produces no documents (it has no processing_days): '
                "no application is taken for it"
            )
        contact = self._contact(asked)
        async with self._numbering:
            today = self._today()
            prefix = rules.number(today, 0).partition("-")[0] + "-"
            if prefix not in self._last_place:
                self._last_place = {prefix: await self._read(lambda e: store.last_place(e, prefix))}
            place = self._last_place[prefix] + 1
            planned = rules.working_days_after(
                today,
                service.processing_days,
                branch.closed_dates,
                branch.applications.working_dates,
            )
            app = Application(
                number=rules.number(today, place),
                service_id=service.id,
                authority=service.authority,
                status=ApplicationStatus.ACCEPTED,
                planned_ready=planned.isoformat(),
                accepted_at_ms=0,
                changed_at_ms=0,
                changed_by=f"operator:{operator}",
                ticket_id=ticket.id,
                contact=contact,
                request_id=asked.request_id,
            )
            outcome = await self._hub.run(
                lambda engine, at: engine.application(
                    EventKind.APPLICATION_ACCEPTED,
                    replace(app, accepted_at_ms=at, changed_at_ms=at),
                    at,
                )
            )
            self._last_place[prefix] = place
        accepted = outcome.events[-1].application
        assert accepted is not None
        log.info(
            "application accepted number=%s service=%s operator=%s contact=%s",
            accepted.number,
            service.id,
            operator,
            "yes" if contact.phone or contact.email else "no",
        )
        return accepted

    async def change(self, typed_number: str, change: Change) -> tuple[Application, bool]:
        """Apply ``change``: (the application now, whether this call changed it).

        A change id seen before answers the application as it is and changes nothing; a
        resend racing its first copy waits for it under the change id's lock.
        """
        number = self._number(typed_number)
        try:
            once = self._lock(f"change:{change.change_id}") if change.change_id else nullcontext()
            async with once, self._lock(number):
                # One trip to the database thread for both: it is what a burst waits on.
                applied_to, found = await self._read(
                    lambda e: (
                        store.change_applied(e, change.change_id) if change.change_id else None,
                        store.get(e, number),
                    )
                )
                if applied_to is not None:
                    self._same_application(change.change_id, applied_to, number)
                    log.info(
                        "application change repeated number=%s change=%s",
                        number,
                        change.change_id,
                    )
                    return self._found(number, found), False
                app = self._found(number, found)
                new = rules.apply(app, change, now_ms=self._hub.clock(), today=self._today())
                outcome = await self._hub.run(
                    lambda engine, at: engine.application(
                        EventKind.APPLICATION_CHANGED,
                        replace(new, changed_at_ms=at),
                        at,
                        detail=rules.before(app),
                    )
                )
        except HubError as refused:
            log.info(
                "application change refused number=%s by=%s code=%s",
                number,
                change.by,
                refused.code,
            )
            raise
        event = outcome.events[-1]
        assert event.application is not None
        log.info(
            "application changed number=%s status=%s by=%s seq=%d",
            number,
            event.application.status.value,
            change.by,
            event.seq,
        )
        return event.application, True

    @staticmethod
    def _same_application(change_id: str, applied_to: str, number: str) -> None:
        if applied_to != number:
            raise InvalidRequest(
                f"change id {change_id!r} was applied to another application: give each "
                "change its own id"
            )

    async def get(self, typed_number: str) -> Application:
        number = self._number(typed_number)
        return self._found(number, await self._read(lambda e: store.get(e, number)))

    @staticmethod
    def _found(number: str, found: Application | None) -> Application:
        if found is None:
            raise UnknownApplication(
                f"no application {number} at this branch: check the number on the receipt"
            )
        return found

    async def look_up(self, typed_number: str, typed_phone: str, *, caller: str) -> Application:
        """A visitor's look-up: the application only to whoever gives its number and phone.

        Either half wrong gets the same answer, and counts against the caller, so that
        neither can be found out by trying.
        """
        self._attempts.check(caller, self._hub.clock())
        phone = contacts.phone(typed_phone)
        number = rules.normalise_number(typed_number)
        found = await self._read(lambda e: store.get(e, number)) if number and phone else None
        if (
            found is None
            or not found.contact.phone
            or not hmac.compare_digest(found.contact.phone, phone)
        ):
            self._attempts.failed(caller, self._hub.clock())
            log.info("application look-up refused caller=%s", caller)
            raise UnknownApplication(
                "no application with this number and phone: check the number on the receipt "
                "and give the phone you left at the desk"
            )
        return found

    async def by_card(self, snils_hash: str) -> list[Application]:
        """The applications of a card's holder, newest first (the card is the proof)."""
        if len(snils_hash) != contacts.SNILS_HASH_LENGTH:
            raise InvalidRequest("give the card's SNILS hash as the card reader reports it")
        return await self._read(lambda e: store.by_card(e, snils_hash, MAX_BY_CARD))

    async def listing(self, status: ApplicationStatus, limit: int = 100) -> list[Application]:
        if not 0 <= limit <= MAX_LIST:
            raise InvalidRequest(f"ask for at most {MAX_LIST} applications at a time")
        return await self._read(lambda e: store.in_status(e, status, limit or 100))

    def collect_by(self, app: Application) -> str:
        return rules.collect_by(app, self._hub.loaded.branch.applications.collect_within_days)

    async def erase_due(self) -> int:
        """Erase contacts of applications ended long enough ago, or kept the longest time."""
        rules_now = self._hub.loaded.branch.applications
        now = self._hub.clock()
        erased = await self._read(
            lambda e: store.erase_contacts(
                e,
                ended_before_ms=now - rules_now.keep_contacts_days * DAY_MS,
                accepted_before_ms=now - rules_now.longest_keep_days * DAY_MS,
            )
        )
        if erased:
            await self._read(forget_old_pages)
            log.info("application contacts erased count=%d", erased)
        return erased

    def _contact(self, asked: Accepting) -> Contact:
        given = asked.phone.strip() or asked.email.strip() or asked.snils.strip()
        if not asked.consent:
            if given or asked.notify_sms or asked.notify_email:
                raise NoConsent(
                    "the applicant has not agreed to keep a contact: ask for the consent, "
                    "or record the application without phone, e-mail and SNILS"
                )
            return Contact()
        phone = contacts.phone(asked.phone)
        email = contacts.email(asked.email)
        if asked.notify_sms and not phone:
            raise NoticeNeedsContact("SMS notices need a phone: give it, or leave SMS off")
        if asked.notify_email and not email:
            raise NoticeNeedsContact("e-mail notices need an address: give it, or leave e-mail off")
        return Contact(
            phone=phone,
            email=email,
            notify_sms=asked.notify_sms,
            notify_email=asked.notify_email,
            snils_hash=contacts.hash_snils(self._hub.snils_key, asked.snils),
        )

    def _today(self) -> date:
        branch = self._hub.loaded.branch
        return date.fromisoformat(branch_day(self._hub.clock(), branch.timezone))

    @staticmethod
    def _number(typed: str) -> str:
        number = rules.normalise_number(typed)
        if not number:
            raise UnknownApplication(
                f"{typed[:20]!r} is not an application number: it is written like 261207-017"
            )
        return number

    @asynccontextmanager
    async def _lock(self, number: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(number, asyncio.Lock())
        self._lock_users[number] = self._lock_users.get(number, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[number] -= 1
            if not self._lock_users[number]:
                del self._lock_users[number], self._locks[number]

    async def _read(self, read: Callable[[Engine], T]) -> T:
        return await self._hub.read_store(lambda repository: read(repository.engine))
