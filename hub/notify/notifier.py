"""The notifier: follows the hub's committed events, fills the outbox, sends from it.

Runs in the hub's process and loop. Three kinds of task: one follows the event log from
its cursor and queues the messages the events call for (``planner``: bookings, tickets,
applications); one per channel
sends what is due, retrying with backoff (``delivery.py``); one erases watch contacts
whose time is over. Every database step runs on the hub's database thread
(``Hub.read_store``).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import Engine

from hub.domain.applications import normalise_number
from hub.domain.appointments import contacts
from hub.domain.appointments.calendar import SlotCalendar
from hub.domain.model import Event, Snapshot, TicketState
from hub.errors import HubError, InvalidRequest, NotificationsOff, Refused
from hub.notify import applicants, outbox, watches
from hub.notify.backoff import Backoff
from hub.notify.delivery import MAX_ATTEMPTS, Delivery
from hub.notify.host import NotifierHost, on_store
from hub.notify.messages import Kind
from hub.notify.outgoing import Sender
from hub.notify.planner import Plan, Planned, Planner
from hub.notify.signing import Signer
from hub.store import applications as applications_store
from hub.store.database import forget_old_pages
from hub.store.secrets import NOTIFY_KEY, file_key

log = logging.getLogger(__name__)
T = TypeVar("T")
CURSOR_EVERY_S = 5.0
# A link asked for at the kiosk is of use while the visitor is still about: not a day later.
LINK_EXPIRES_MS = 3_600_000
# Events planned in one transaction at most.
PLAN_AT_ONCE = 500
ERASE_EVERY_S = 60.0


@dataclass(frozen=True, slots=True)
class WatchView:
    ticket_id: str
    phone_hint: str
    email_hint: str
    new: bool


class Notifier:
    def __init__(
        self,
        hub: NotifierHost,
        senders: Sequence[Sender],
        *,
        backoff: Backoff | None = None,
        tick_s: float = 1.0,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._hub = hub
        self._signer = Signer()
        self._delivery = Delivery(
            hub,
            senders,
            self._signer,
            backoff=backoff or Backoff(),
            tick_s=tick_s,
            max_attempts=max_attempts,
        )
        self.senders = self._delivery.senders
        self._tick_s = tick_s
        self.planner = Planner(hub.loaded.branch)
        self._cursor = 0
        self._saved_cursor = 0
        # What the feed gave and the planner has yet to take, and how far the feed gave.
        self._pending: list[Snapshot | Event] = []
        self._arrived = asyncio.Event()
        self._followed = 0
        self._watched: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def channels(self) -> list[str]:
        return list(self.senders)

    @property
    def planned_seq(self) -> int:
        """The last event of the log whose messages are in the outbox."""
        return self._cursor

    async def start(self, since_seq: int | None = None) -> None:
        """Follow the log from where the outbox stopped; from ``since_seq`` when given.

        A new outbox starts from now: the history before it is not announced. Nor is
        what happened while notifications were off: one turned on by a reload starts
        from the reload, so a booking made a moment after it still gets its message.
        """
        # Hashes the addresses that opted out: kept beside the CA, never in the database.
        pki_dir = self._hub.pki_dir
        self._signer.key = await self._store(lambda e: file_key(pki_dir, e, NOTIFY_KEY))
        saved = await self._store(outbox.cursor)
        if saved is None or since_seq is not None:
            saved = self._hub.committed_seq if since_seq is None else since_seq
            await self._store(lambda e: outbox.move_cursor(e, saved))
        self._cursor = self._saved_cursor = self._followed = saved
        self._pending = []
        self._watched = await self._store(lambda e: watches.watched(e, self._hub.engine.day))
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._follow(), name="notify-follow"),
            loop.create_task(self._plan_loop(), name="notify-plan"),
        ]
        self._tasks += [
            loop.create_task(self._delivery.send_loop(s), name=f"notify-{s.channel}")
            for s in self.senders.values()
        ]
        self._tasks.append(loop.create_task(self._housekeeping(), name="notify-housekeeping"))
        log.info(
            "notifier started channels=%s cursor=%d watched=%d",
            ",".join(self.senders) or "-",
            self._cursor,
            len(self._watched),
        )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for sender in self.senders.values():
            await sender.close()
        if self._cursor != self._saved_cursor:
            cursor = self._cursor
            await self._store(lambda e: outbox.move_cursor(e, cursor))

    def kick(self) -> None:
        """Look at the outbox now rather than at the next tick."""
        self._delivery.kicked.set()

    async def watch(self, ticket_id: str, phone: str, email: str, lang: str) -> WatchView:
        """Send a ticket's "turn near" and "called" to this contact (the first one given)."""
        phone = contacts.phone(phone) if "sms" in self.senders else ""
        email = contacts.email(email) if "email" in self.senders else ""
        if not (phone or email):
            raise InvalidRequest("give a phone number or an e-mail address to be notified at")
        ticket = await self._hub.ticket(ticket_id)
        if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
            raise Refused(f"ticket {ticket.number} is not waiting any more: nothing to notify")
        erase_at = self._erase_at(date.fromisoformat(ticket.day))
        now = self._hub.clock()
        found, new = await self._store(
            lambda e: watches.add_watch(
                e, ticket_id, phone=phone, email=email, lang=lang, now_ms=now, erase_at_ms=erase_at
            )
        )
        if new:
            self._watched.add(ticket_id)
            log.info("ticket watched ticket=%s", ticket.number)
            await self._plan(Plan(), await self._hub.snapshot(), seq=None)
        shown_phone, shown_email = found.phone, found.email
        if found.appointment_id:
            shown_phone, shown_email = await self._store(
                lambda e: outbox.booking_contact(e, found.appointment_id)
            )
        return WatchView(
            ticket_id,
            contacts.phone_hint(shown_phone),
            contacts.email_hint(shown_email) if shown_email else "",
            new,
        )

    async def send_link(self, phone: str, service_id: str, lang: str, url: str) -> str:
        """Queue one SMS with ``url`` (a service's page) to ``phone``; its hint.

        The phone is kept as a ticket watch's is (watches.add_watch, under a "link:" id of
        its own) and erased with those contacts; opt-outs apply as to any message.
        """
        if "sms" not in self.senders:
            raise NotificationsOff(
                "SMS is not set up at this branch ([notifications] sms_url): nothing can be sent"
            )
        phone = contacts.phone(phone)
        if not phone:
            raise InvalidRequest("give the phone number to send the link to")
        now = self._hub.clock()
        link_id = f"link:{secrets.token_hex(12)}"
        erase_at = self._erase_at(date.fromisoformat(self._hub.engine.day))
        await self._store(
            lambda e: watches.add_watch(
                e, link_id, phone=phone, email="", lang=lang, now_ms=now, erase_at_ms=erase_at
            )
        )
        planned = Planned(
            link_id,
            Kind.LINK,
            now,
            now + LINK_EXPIRES_MS,
            {"service": service_id, "url": url},
            ticket_id=link_id,
        )
        await self._store(lambda e: outbox.enqueue(e, [planned], [], now, 0))
        self.kick()
        return contacts.phone_hint(phone)

    async def watching(self, ticket_id: str) -> bool:
        found = await self._store(lambda e: watches.watch(e, ticket_id))
        return found is not None and not found.stopped

    async def reply_status(self, phone: str, typed_number: str) -> bool:
        """Answer an SMS asking an application's status, by SMS to the application's phone.

        Only when it came from that phone: anyone else gets no answer at all, so that
        neither a number nor a phone can be found out by texting, and a flood of texts
        makes the hub send nothing. True when an answer was queued.
        """
        number = normalise_number(typed_number)
        if not number or "sms" not in self.senders:
            return False
        found = await self._store(lambda e: applications_store.get(e, number))
        kept = found.contact.phone if found is not None else ""
        if found is None or not kept or not hmac.compare_digest(kept, phone):
            log.info("status reply refused: no application with this number and phone")
            return False
        now = self._hub.clock()
        planned = self.planner.reply(found, now)
        new, _ = await self._store(lambda e: outbox.enqueue(e, [planned], [], now, 0))
        log.info("status reply number=%s queued=%d", number, new)
        if new:
            self.kick()
        return bool(new)

    async def stop_by_token(self, token: str) -> bool:
        """Opt out the contact a link names; False for a link that is not the hub's."""
        stopped = self._signer.stopped_by(token)
        if stopped is None:
            return False
        whom, subject = stopped
        watch_id = 0
        if whom == "n":
            application = normalise_number(subject)
            addresses = await self._store(lambda e: applicants.addresses(e, application))
        elif whom == "a":
            addresses = await self._store(lambda e: outbox.booking_contact(e, int(subject)))
        else:
            found = await self._store(lambda e: watches.watch_by_id(e, int(subject)))
            if found is None:
                return False
            watch_id = found.id
            addresses = (found.phone, found.email)
            if found.appointment_id:
                addresses = await self._store(
                    lambda e: outbox.booking_contact(e, found.appointment_id)
                )
        await self._opt_out([a for a in addresses if a], watch_id)
        return True

    async def stop_address(self, address: str) -> None:
        """Opt out a phone number or e-mail address (an SMS reply "СТОП")."""
        await self._opt_out([address], 0)

    async def _opt_out(self, addresses: list[str], watch_id: int) -> None:
        keys = [self._signer.address_key(a) for a in addresses]
        now = self._hub.clock()
        await self._store(lambda e: outbox.opt_out(e, keys, now, watch_id=watch_id))
        log.info("opted out addresses=%d watch=%d", len(keys), watch_id)
        self.kick()

    async def _follow(self) -> None:
        """Take the committed events as the feed gives them, for the planner to take."""
        while True:
            try:
                async for item in self._hub.follow(self._followed):
                    self._followed = item.seq
                    self._pending.append(item)
                    self._arrived.set()
            except HubError as error:
                log.warning("notifier lost the event feed, resuming reason=%s", error)
            await asyncio.sleep(self._tick_s)

    async def _plan_loop(self) -> None:
        """Plan what has arrived, all of it in one transaction with the cursor.

        A burst of events (the information system's changes) then costs one commit per
        batch, not one per event; planning again after a failure plans the same keys.
        """
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            taken, self._pending = self._pending[:PLAN_AT_ONCE], self._pending[PLAN_AT_ONCE:]
            if self._pending:
                self._arrived.set()
            try:
                await self._on_events(taken)
            except Exception:
                log.exception("notifier failed on events; again from seq=%d", self._cursor)
                self._pending[:0] = taken
                await asyncio.sleep(self._tick_s)
                self._arrived.set()

    async def _on_events(self, items: list[Snapshot | Event]) -> None:
        plan = Plan()
        last = 0
        tickets = False
        for item in items:
            last = item.seq
            if isinstance(item, Snapshot):
                continue
            found = self.planner.on_event(item)
            plan.messages += found.messages
            plan.watches += found.watches
            tickets = tickets or item.ticket is not None
        snapshot = await self._hub.snapshot() if self._watched and tickets else None
        if plan or snapshot is not None:
            await self._plan(plan, snapshot, seq=last)
        self._cursor = max(self._cursor, last)

    async def _plan(self, plan: Plan, snapshot: Snapshot | None, *, seq: int | None) -> None:
        messages = list(plan.messages)
        if snapshot is not None:
            active = {t.id for t in snapshot.tickets}
            self._watched &= active
            messages += self.planner.turn_near(snapshot, self._watched)
        if not messages and not plan.watches:
            return
        now = self._hub.clock()
        erase_after = (self._hub.loaded.branch.appointments.keep_contacts_days + 1) * 86_400_000
        new, watching = await self._store(
            lambda e: outbox.enqueue(e, messages, plan.watches, now, erase_after, seq=seq)
        )
        if seq is not None:
            self._saved_cursor = max(self._saved_cursor, seq)
        self._watched.update(watching)
        if new:
            self.kick()

    async def _housekeeping(self) -> None:
        last_erase = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(min(CURSOR_EVERY_S, self._tick_s * 5))
            try:
                if self._cursor != self._saved_cursor:
                    await self._save_cursor(self._cursor)
                if loop.time() - last_erase >= min(ERASE_EVERY_S, self._tick_s * 10):
                    last_erase = loop.time()
                    await self.erase_due()
            except HubError as error:
                log.warning("notifier housekeeping failed, will retry reason=%s", error)

    async def _save_cursor(self, cursor: int) -> None:
        await self._store(lambda e: outbox.move_cursor(e, cursor))
        self._saved_cursor = cursor

    async def erase_due(self) -> int:
        now = self._hub.clock()
        erased = await self._store(lambda e: watches.erase_watches(e, now))
        if erased:
            # Or the WAL would keep the erased contacts as long as the hub runs.
            await self._store(forget_old_pages)
            log.info("watch contacts erased count=%d", erased)
        return erased

    async def states(self) -> dict[str, int]:
        return await self._store(outbox.states)

    def _erase_at(self, day: date) -> int:
        keep = self._hub.loaded.branch.appointments.keep_contacts_days
        return SlotCalendar(self._hub.loaded.branch).day_start_ms(day + timedelta(days=keep + 1))

    async def _store(self, work: Callable[[Engine], T]) -> T:
        return await on_store(self._hub, work)
