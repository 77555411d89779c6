"""The notifier: follows the hub's committed events, fills the outbox, sends from it.

Runs in the hub's process and loop. Three kinds of task: one follows the event log from
its cursor and queues the messages the events call for (``planner``); one per channel
sends what is due, retrying with backoff; one erases watch contacts whose time is over.
Every database step runs on the hub's database thread (``Hub.read_store``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Engine

from hub.booking import Bookings
from hub.config import LoadedConfig
from hub.domain.appointments import contacts
from hub.domain.appointments.calendar import SlotCalendar
from hub.domain.engine import QueueEngine
from hub.domain.model import Event, Snapshot, Ticket, TicketState
from hub.errors import HubError, InvalidRequest, Refused
from hub.notify import outbox
from hub.notify.errors import DeliveryFailed, MessageRefused
from hub.notify.messages import ApplicationStatus, Kind, render
from hub.notify.outgoing import Outgoing, Sender
from hub.notify.planner import Plan, Planner
from hub.ratings import Ratings
from hub.store.repository import Repository
from hub.store.secrets import secret

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 20
MAX_ATTEMPTS = 25
CURSOR_EVERY_S = 5.0
ERASE_EVERY_S = 60.0


class NotifierHost(Protocol):
    """What the notifier needs of the hub (:class:`hub.service.Hub`)."""

    loaded: LoadedConfig
    engine: QueueEngine
    clock: Callable[[], int]
    bookings: Bookings
    ratings: Ratings

    @property
    def committed_seq(self) -> int: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...

    async def ticket(self, ticket_id: str) -> Ticket: ...

    async def snapshot(self) -> Snapshot: ...

    def follow(self, after_seq: int) -> AsyncIterator[Snapshot | Event]: ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds before retry n (1, 2...): first_s, times factor each time, at most longest_s.

    A jitter of a fifth either way keeps many messages from retrying in one burst.
    """

    first_s: float = 5.0
    factor: float = 3.0
    longest_s: float = 600.0

    def after(self, attempts: int) -> float:
        base = min(self.longest_s, self.first_s * self.factor ** max(0, attempts - 1))
        return base * random.uniform(0.8, 1.2)


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
        self.senders = {s.channel: s for s in senders}
        self._backoff = backoff or Backoff()
        self._tick_s = tick_s
        self._max_attempts = max_attempts
        self.planner = Planner(hub.loaded.branch)
        self._key = b""
        self._cursor = 0
        self._saved_cursor = 0
        self._watched: set[str] = set()
        self._kick = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def channels(self) -> list[str]:
        return list(self.senders)

    async def start(self, since_seq: int | None = None) -> None:
        """Follow the log from where the outbox stopped; from ``since_seq`` when given.

        A new outbox starts from now: the history before it is not announced. Nor is
        what happened while notifications were off: one turned on by a reload starts
        from the reload, so a booking made a moment after it still gets its message.
        """
        self._key = await self._store(lambda e: secret(e, "notify"))
        saved = await self._store(outbox.cursor)
        if saved is None or since_seq is not None:
            saved = self._hub.committed_seq if since_seq is None else since_seq
            await self._store(lambda e: outbox.move_cursor(e, saved))
        self._cursor = self._saved_cursor = saved
        self._watched = await self._store(lambda e: outbox.watched(e, self._hub.engine.day))
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._follow(), name="notify-follow")]
        self._tasks += [
            loop.create_task(self._send_loop(s), name=f"notify-{s.channel}")
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
        self._kick.set()

    # -- what visitors and staff ask ------------------------------------------------

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
            lambda e: outbox.add_watch(
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

    async def watching(self, ticket_id: str) -> bool:
        found = await self._store(lambda e: outbox.watch(e, ticket_id))
        return found is not None and not found.stopped

    async def set_status(self, ref: str, status: ApplicationStatus, *, operator: str) -> int:
        """Tell the visitor of a booking (code) or ticket (id) their application's status.

        Returns the messages queued: 0 when no contact is held any more (or it was said).
        """
        now = self._hub.clock()
        if "/" in ref:
            ticket = await self._hub.ticket(ref.strip())
            planned = self.planner.status(status, now, ticket.service_id, ticket_id=ticket.id)
        else:
            booking = await self._hub.bookings.get(ref, caller=f"operator:{operator}")
            planned = self.planner.status(
                status, now, booking.service_id, appointment_id=booking.id
            )
        new, _ = await self._store(lambda e: outbox.enqueue(e, [planned], [], now, 0))
        log.info("application status=%s operator=%s messages=%d", status.value, operator, new)
        self.kick()
        return new

    def stop_token(self, appointment_id: int = 0, watch_id: int = 0) -> str:
        """The token of an opt-out link: whom it stops, signed with the hub's key."""
        subject = f"a{appointment_id}" if appointment_id else f"w{watch_id}"
        return f"{subject}-{self._mac(f'stop:{subject}')}"

    async def stop_by_token(self, token: str) -> bool:
        """Opt out the contact a link names; False for a link that is not the hub's."""
        subject, _, mac = token.partition("-")
        if len(subject) < 2 or subject[0] not in "aw" or not subject[1:].isdigit():
            return False
        if not hmac.compare_digest(mac, self._mac(f"stop:{subject}")):
            return False
        number = int(subject[1:])
        watch_id = 0
        if subject[0] == "a":
            addresses = await self._store(lambda e: outbox.booking_contact(e, number))
        else:
            found = await self._store(lambda e: outbox.watch_by_id(e, number))
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
        keys = [outbox.address_key(self._key, a) for a in addresses]
        now = self._hub.clock()
        await self._store(lambda e: outbox.opt_out(e, keys, now, watch_id=watch_id))
        log.info("opted out addresses=%d watch=%d", len(keys), watch_id)
        self.kick()

    # -- following the events -------------------------------------------------------

    async def _follow(self) -> None:
        while True:
            try:
                async for item in self._hub.follow(self._cursor):
                    if isinstance(item, Snapshot):
                        self._cursor = item.seq
                        continue
                    await self._on_event(item)
            except HubError as error:
                log.warning("notifier lost the event feed, resuming reason=%s", error)
            except Exception:
                log.exception("notifier failed on an event; resuming from seq=%d", self._cursor)
            await asyncio.sleep(self._tick_s)

    async def _on_event(self, event: Event) -> None:
        plan = self.planner.on_event(event)
        snapshot = None
        if self._watched and event.ticket is not None:
            snapshot = await self._hub.snapshot()
        if plan or snapshot is not None:
            await self._plan(plan, snapshot, seq=event.seq)
        self._cursor = max(self._cursor, event.seq)

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

    # -- sending ---------------------------------------------------------------------

    async def _send_loop(self, sender: Sender) -> None:
        while True:
            try:
                sent = await self.send_due(sender.channel)
            except HubError as error:
                log.warning("outbox not read, will retry reason=%s", error)
                sent = 0
            except Exception:
                log.exception("sending failed unexpectedly; going on channel=%s", sender.channel)
                sent = 0
            if not sent:
                self._kick.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), self._tick_s)

    async def send_due(self, channel: str) -> int:
        """One pass over the channel's due messages; how many were looked at."""
        sender = self.senders[channel]
        now = self._hub.clock()
        rows = await self._store(lambda e: outbox.due(e, channel, now, BATCH))
        for row in rows:
            await self._send(sender, row)
        return len(rows)

    async def _send(self, sender: Sender, row: outbox.Row) -> None:
        now = self._hub.clock()
        if now > row.expires_at_ms:
            await self._finish(row, outbox.EXPIRED, "too late to be of use")
            return
        found = await self._store(lambda e: outbox.contact(e, row, self._key))
        address = found.phone if row.channel == "sms" else found.email
        if found.obsolete:
            await self._finish(row, outbox.DROPPED, found.obsolete)
            return
        if address and found.stops(address):
            await self._finish(row, outbox.STOPPED, "the visitor opted out")
            return
        if not address:
            await self._finish(row, outbox.DROPPED, "no contact kept")
            return
        attempts = await self._store(lambda e: outbox.claim(e, row.id, now))
        if attempts > self._max_attempts:
            await self._finish(row, outbox.FAILED, f"gave up after {attempts - 1} attempts")
            return
        rate_url = await self._rate_url(row)
        if row.kind is Kind.RATE and not rate_url:
            await self._finish(row, outbox.DROPPED, "no public_url to link the rating page")
            return
        message = self._compose(row, address, found.code, rate_url)
        try:
            provider_id = await sender.send(message)
        except MessageRefused as error:
            log.warning("message refused id=%d kind=%s reason=%s", row.id, row.kind.value, error)
            await self._finish(row, outbox.FAILED, str(error))
            return
        except Exception as error:
            if not isinstance(error, DeliveryFailed):
                # Not the sender's own word: retried like a failure, and logged in full.
                log.exception("sender failed unexpectedly id=%d", row.id)
            wait_s = self._backoff.after(attempts)
            log.info(
                "message not delivered id=%d attempt=%d retry_in_s=%.1f reason=%s",
                row.id,
                attempts,
                wait_s,
                error,
            )
            await self._finish(
                row, outbox.PENDING, str(error), next_try_ms=now + int(wait_s * 1000)
            )
            return
        await self._finish(row, outbox.SENT, "", provider_id=provider_id)
        log.info(
            "message sent id=%d kind=%s channel=%s attempt=%d",
            row.id,
            row.kind.value,
            row.channel,
            attempts,
        )

    async def _rate_url(self, row: outbox.Row) -> str:
        """The rating page of the ticket an invitation is about ("" for other messages)."""
        base = self.public_url()
        if row.kind is not Kind.RATE or not base:
            return ""
        return f"{base}/rate/{await self._hub.ratings.token(str(row.params['ticket']))}"

    def _compose(self, row: outbox.Row, address: str, code: str, rate_url: str = "") -> Outgoing:
        branch = self._hub.loaded.branch
        base = self.public_url()
        stop_url = ""
        if base:
            token = self.stop_token(row.appointment_id, row.watch_id)
            stop_url = f"{base}/stop/{token}"
        text = render(
            row.kind,
            row.params,
            branch=branch,
            lang=row.lang,
            code=code,
            stop_url=stop_url,
            rate_url=rate_url,
        )
        domain = branch.notifications.mail_from.rpartition("@")[2].strip(">") or "okno-hub.local"
        # Stable for every attempt, unique to this database: the hub's key signs the row.
        key = self._mac(f"message:{row.key}:{row.id}")
        return Outgoing(
            to=address,
            subject=text.subject,
            text=text.body,
            key=f"okno-{branch.id}-{key}",
            message_id=f"<okno.{branch.id}.{row.id}.{key[:12]}@{domain}>",
            stop_url=stop_url,
        )

    def public_url(self) -> str:
        """Where links in messages point: [notifications] public_url, or the ticket page's."""
        branch = self._hub.loaded.branch
        if branch.notifications.public_url:
            return branch.notifications.public_url.rstrip("/")
        if branch.ticket_page_url:
            parts = urlsplit(branch.ticket_page_url)
            return f"{parts.scheme}://{parts.netloc}"
        return ""

    async def _finish(
        self,
        row: outbox.Row,
        state: str,
        outcome: str,
        *,
        provider_id: str = "",
        next_try_ms: int = 0,
    ) -> None:
        now = self._hub.clock()
        await self._store(
            lambda e: outbox.finish(
                e,
                row.id,
                state,
                now,
                outcome=outcome,
                provider_id=provider_id,
                next_try_ms=next_try_ms,
            )
        )
        if state not in (outbox.SENT, outbox.PENDING):
            log.info("message ended id=%d kind=%s state=%s", row.id, row.kind.value, state)

    # -- housekeeping ---------------------------------------------------------------

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
        erased = await self._store(lambda e: outbox.erase_watches(e, now))
        if erased:
            log.info("watch contacts erased count=%d", erased)
        return erased

    async def states(self) -> dict[str, int]:
        return await self._store(outbox.states)

    # -- helpers ----------------------------------------------------------------------

    def _erase_at(self, day: date) -> int:
        keep = self._hub.loaded.branch.appointments.keep_contacts_days
        return SlotCalendar(self._hub.loaded.branch).day_start_ms(day + timedelta(days=keep + 1))

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:20]

    async def _store(self, work: Callable[[Engine], T]) -> T:
        return await self._hub.read_store(lambda repository: work(repository.engine))
