"""The hub as its API sees it: commands that answer only once durable, and the feed.

Everything runs on one asyncio loop: the engine is changed only there, between awaits,
so commands are serialised without locks; the database has its own single thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from hub.applications import Applications
from hub.booking import Bookings
from hub.catalogue import Catalogue, load_catalogue
from hub.committer import GroupCommitter
from hub.config import LoadedConfig, load_branch
from hub.desk_cards import DeskCards
from hub.devices.authority import BranchAuthority
from hub.devices.fleet import Fleet
from hub.devices.registry import CommandRecord, Device, DeviceCommand, Registry
from hub.domain.appointments import AppointmentBook
from hub.domain.appointments.timetable import RECENT_MS
from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.domain.model import Event, EventKind, Outcome, Snapshot, Ticket, WaitEstimate
from hub.domain.numbering import branch_day
from hub.errors import BadDigits, HubError, StoreUnavailable, UnknownTicket
from hub.feed import FeedBroker
from hub.journal import CONFIG_RELOADED, Journal
from hub.notify.notifier import Notifier
from hub.payments import Payments
from hub.ratings import Ratings
from hub.staff import Staff
from hub.staff import store as staff_store
from hub.store.database import forget_old_pages, open_database
from hub.store.repository import Repository
from hub.store.sealed import CODES_KEY, sealer
from hub.store.secrets import SNILS_KEY, file_key
from hub.store.typed import erase_typed
from hub.tickets import Tickets

log = logging.getLogger(__name__)
# Devices that read identity cards get the hub's SNILS key in their settings (over mutual
# TLS only), so that a card matches a booking made with the same SNILS typed.
READS_CARDS = ("kiosk", "card_reader")
# A ticket's daily number as typed on a phone: А017 is "17" or "017"; no day reaches 10^6.
MAX_TICKET_DIGITS = 6

Clock = Callable[[], int]
T = TypeVar("T")
DAY_CHECK_S = 30.0
# A subscriber further behind than this gets a snapshot instead of the events it missed.
MAX_REPLAY = 50_000


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


# Settings of a branch that the running hub cannot take: its certificates and the back
# office's records carry the branch's id, and [web] names the pages' TLS certificate and
# files, read when the pages start.
NEEDS_RESTART = ("id", "web")


@dataclass(frozen=True, slots=True)
class Reloaded:
    """A reload's outcome: the sections of the file that changed, by what became of them."""

    digest: str
    changed: bool
    applied: tuple[str, ...] = ()
    needs_restart: tuple[str, ...] = ()


# Called after a reload with the branch before and after and the seq of the reload's event:
# what the hub runs besides the queue (the notifier) takes its part of the new file.
Reloader = Callable[[Branch, Branch, int], Awaitable[None]]


class Hub:
    def __init__(
        self,
        config_path: Path,
        db_path: Path,
        *,
        clock: Clock = wall_clock_ms,
        device_clock: Clock | None = None,
        feed_memory: int = 20_000,
        pki_dir: Path | None = None,
    ) -> None:
        """``pki_dir`` keeps the branch CA and the keys that hash personal data; by default
        beside the database ("okno-pki").

        ``device_clock`` times heartbeats, pairing codes and certificates (the queue's
        ``clock`` by default): a demo whose queue runs fast keeps devices on real time.
        """
        self.config_path = config_path
        self.db_path = db_path
        self.clock = clock
        self.loaded: LoadedConfig = load_branch(config_path)
        self.catalogue: Catalogue = self._load_catalogue(self.loaded.branch)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="okno-store")
        database = open_database(db_path)
        pki_dir = pki_dir or db_path.parent / f"{db_path.stem}-pki"
        self._repository = Repository(
            database, sealer(file_key(pki_dir, database.engine, CODES_KEY))
        )
        authority = BranchAuthority.load_or_create(pki_dir, self.loaded.branch.id)
        # Keys that hash personal data are kept here, beside the CA, never in the database
        # that holds the hashes.
        self.pki_dir = pki_dir
        # Where `okno backup` keeps the archives by default; /metrics tells their age.
        self.backups_dir = db_path.parent / f"{db_path.stem}-backups"
        # Hashes SNILS typed for a booking the way card readers hash the card's (they get
        # it in their settings), so that the visitor can check in by card.
        self.snils_key = file_key(pki_dir, self._repository.engine, SNILS_KEY)
        self.engine = self._load_engine(self.loaded)
        self.appointments = self._load_appointments(self.loaded)
        self.fleet = Fleet(
            Registry(self._repository.devices()),
            authority,
            _FleetInThread(self._repository, self._executor),
            device_clock or clock,
            {kind: {"snils_hash_key": self.snils_key.hex()} for kind in READS_CARDS},
        )
        self.broker = FeedBroker(memory=feed_memory)
        self._committer = GroupCommitter(
            self._append,
            self.broker.publish,
            self._reload_after_failure,
            self.engine.seq,
            self._executor,
        )
        self._broken = False
        # Typed text and card names are erased on the days before this one (a branch date);
        # "" until the first look at the clock erases all that is due.
        self._typed_erased_before = ""
        self.journal = Journal(self)
        self.tickets = Tickets(self)
        self.payments = Payments(self)
        self.bookings = Bookings(self)
        self.staff = Staff(
            self,
            staff_store.token_key(self.pki_dir),
            staff_store.live_sessions(self._repository, clock()),
        )
        # Set by hub.notify.start_notifier when the branch sends notifications.
        self.notifier: Notifier | None = None
        self.reloaders: list[Reloader] = []
        self.ratings = Ratings(self)
        self.applications = Applications(self)
        # The visitor whose card was read at a desk, for that desk's operator (memory only).
        self.desk_cards = DeskCards()

    def _append(self, events: Sequence[Event]) -> None:
        # Looked up at each write, so a test can stand a failing repository in.
        self._repository.append(events)

    def _load_catalogue(self, branch: Branch) -> Catalogue:
        catalogue = load_catalogue(self.config_path, branch)
        log.info(
            "catalogue loaded version=%s entries=%d forms=%d",
            catalogue.version,
            len(catalogue.entries),
            len(catalogue.forms),
        )
        return catalogue

    def _load_engine(self, loaded: LoadedConfig) -> QueueEngine:
        now = self.clock()
        saved = self._repository.load(branch_day(now, loaded.branch.timezone))
        engine = QueueEngine(
            loaded.branch,
            now,
            seq=saved.seq,
            tickets=saved.tickets,
            desks=saved.desks,
            requests=saved.requests,
            day=saved.day,
        )
        log.info(
            "hub state loaded seq=%d day=%s tickets=%d", saved.seq, engine.day, len(saved.tickets)
        )
        return engine

    def _load_appointments(self, loaded: LoadedConfig) -> AppointmentBook:
        keep_ms = (loaded.branch.appointments.keep_contacts_days + 1) * 86_400_000
        saved = self._repository.load_appointments(self.clock() - max(RECENT_MS, keep_ms))
        log.info("appointments loaded in_memory=%d", len(saved.appointments))
        return AppointmentBook(loaded.branch, saved.appointments, next_id=saved.next_id)

    async def start(self) -> None:
        self._committer.start()
        await self._look_at_the_clock()
        self._night_watch = asyncio.get_running_loop().create_task(self._end_days(), name="day-end")

    async def _end_days(self) -> None:
        """End each day at its midnight even when nobody presses anything."""
        while True:
            await asyncio.sleep(DAY_CHECK_S)
            try:
                await self._look_at_the_clock()
            except HubError as error:
                log.warning("day end not saved, will retry reason=%s", error)

    async def _look_at_the_clock(self) -> None:
        """End a past day; mark no-shows and erase personal data whose time has come."""
        await self.run(lambda engine, now: engine.roll_day(now))
        swept = await self.run(self.appointments.sweep)
        contacts = any(e.kind is EventKind.APPOINTMENT_CONTACT_ERASED for e in swept.events)
        await self._erase_typed(contacts_erased=contacts)
        await self.applications.erase_due()

    async def _erase_typed(self, *, contacts_erased: bool) -> None:
        """Erase what people typed and the names cards gave on days whose contacts are
        erased; after any erasure, empty the WAL, which would keep the erased bytes."""
        keep = self.loaded.branch.appointments.keep_contacts_days
        today = date.fromisoformat(branch_day(self.clock(), self.loaded.branch.timezone))
        before = (today - timedelta(days=keep)).isoformat()
        typed = 0
        if before > self._typed_erased_before:
            since = self._typed_erased_before
            typed = await self.read_store(lambda r: erase_typed(r.engine, since, before))
            self._typed_erased_before = before
        if typed or contacts_erased:
            await self.read_store(lambda r: forget_old_pages(r.engine))
            log.info("personal data erased typed=%d contacts=%s", typed, contacts_erased)

    async def stop(self) -> None:
        self._night_watch.cancel()
        self.broker.close_all()
        await self._committer.stop()
        self._executor.shutdown(wait=True)
        self._repository.close()

    @property
    def committed_seq(self) -> int:
        return self._committer.committed_seq

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome:
        """Apply a command and return once what it changed is committed.

        A replayed request waits too: its first answer may still be on its way to disk.
        """
        if self._broken:
            raise StoreUnavailable(
                "the hub's database failed and could not be reopened: restart the hub"
            )
        try:
            outcome = command(self.engine, self.clock())
        except Exception:
            # A refused command may follow the day's roll: its events are still owed.
            rolled = self.engine.take_undelivered()
            if rolled:
                await self._committer.commit(rolled)
            raise
        if outcome.events:
            await self._committer.commit(outcome.events)
        else:
            await self._committer.wait_for(self.engine.seq)
        return outcome

    def _reload_after_failure(self) -> None:
        # Commands behind the failed write were applied on top of it: start again from
        # what the database holds, and make every feed subscriber resubscribe.
        try:
            self.engine = self._load_engine(self.loaded)
            self.appointments = self._load_appointments(self.loaded)
        except Exception:
            log.exception("reload after a failed commit failed; refusing commands")
            self._broken = True
        self.broker.close_all()

    async def ticket(self, ticket_id: str) -> Ticket:
        try:
            return await self._once_committed(self.engine.ticket(ticket_id))
        except UnknownTicket:
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(self._executor, self._repository.ticket, ticket_id)
            if found is None:
                raise
            return found

    async def estimate(self, service_id: str) -> WaitEstimate:
        return await self._once_committed(self.engine.estimate(service_id))

    async def ticket_estimate(self, ticket_id: str) -> WaitEstimate:
        """The wait of one of today's tickets now, as every surface tells it."""
        return await self._once_committed(self.engine.ticket_estimate(ticket_id, self.clock()))

    async def ticket_waits(self, digits: str) -> list[tuple[Ticket, WaitEstimate]]:
        """Today's waiting or called tickets whose number has these digits, with their waits."""
        if not (digits.isascii() and digits.isdigit() and len(digits) <= MAX_TICKET_DIGITS):
            raise BadDigits(
                f"a ticket's number is typed as its digits, 1 to {MAX_TICKET_DIGITS} of them "
                f'(А017 as "17" or "017"), not "{digits}": read them from the ticket'
            )
        waits = self.engine.ticket_waits(int(digits), self.clock())
        return await self._once_committed(waits)

    async def snapshot(self) -> Snapshot:
        """The queue as of one sequence, answered once that sequence is committed."""
        return await self._once_committed(self.engine.snapshot(self.clock()))

    async def once_committed(self, value: T) -> T:
        """A value read from memory, answered once what it shows is committed."""
        return await self._once_committed(value)

    async def read_store(self, read: Callable[[Repository], T]) -> T:
        """Run a read of the database on its thread (for what memory no longer holds)."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, read, self._repository)
        except SQLAlchemyError as err:
            log.exception("database read failed")
            raise StoreUnavailable(
                "the hub could not read its database: try again; if it goes on, the hub's "
                "disk needs a technician"
            ) from err

    async def _once_committed(self, value: T) -> T:
        """Hold an answer read from memory until what it shows is on disk.

        A read never shows a change that could still fail to save; if the save fails,
        the read fails with it (StoreUnavailable) instead of showing a phantom.
        """
        await self._committer.wait_for(self.engine.seq)
        return value

    async def reload_config(self) -> Reloaded:
        """Re-read the configuration file; a bad one raises ConfigError and changes nothing.

        What the running hub cannot take (NEEDS_RESTART) keeps its old value until a
        restart, and the answer says so. The journal keeps who reloaded and to what digest,
        a refused file and an unchanged one too.
        """
        try:
            reloaded = await self._reload_config()
        except StoreUnavailable:
            raise
        except HubError as error:
            await self.journal.record(CONFIG_RELOADED, "", error.code)
            raise
        await self.journal.record(
            CONFIG_RELOADED, reloaded.digest, "changed" if reloaded.changed else "unchanged"
        )
        return reloaded

    async def _reload_config(self) -> Reloaded:
        loaded = load_branch(self.config_path)
        # Read and checked before anything changes: a broken catalogue keeps the old one.
        catalogue = self._load_catalogue(loaded.branch)
        if loaded.digest == self.loaded.digest:
            if catalogue.version == self.catalogue.version:
                return Reloaded(loaded.digest, changed=False)
            self.catalogue = catalogue
            return Reloaded(loaded.digest, True, ("catalogue",))
        old = self.loaded.branch
        changed = [
            k for k in type(old).model_fields if getattr(old, k) != getattr(loaded.branch, k)
        ]
        waiting = tuple(k for k in changed if k in NEEDS_RESTART)
        kept = {k: getattr(old, k) for k in waiting}
        branch = loaded.branch.model_copy(update=kept)

        def reconfigure(engine: QueueEngine, now: int) -> Outcome:
            self.appointments.check_fits(branch)
            outcome = engine.reconfigure(branch, now, loaded.digest)
            self.appointments.reconfigure(branch)
            return outcome

        outcome = await self.run(reconfigure)
        self.loaded = LoadedConfig(branch, loaded.digest)
        if catalogue.version != self.catalogue.version and "catalogue" not in changed:
            changed.append("catalogue")
        self.catalogue = catalogue
        for reloader in self.reloaders:
            await reloader(old, branch, outcome.events[-1].seq)
        applied = tuple(k for k in changed if k not in NEEDS_RESTART)
        log.info(
            "configuration reloaded digest=%s applied=%s needs_restart=%s",
            loaded.digest,
            ",".join(applied) or "-",
            ",".join(waiting) or "-",
        )
        return Reloaded(loaded.digest, True, applied, waiting)

    async def follow(self, after_seq: int) -> AsyncIterator[Snapshot | Event]:
        """The hall feed: a snapshot if needed, then each committed event once, in order."""
        subscription = self.broker.subscribe()
        try:
            last = after_seq
            backlog = await self._backlog(after_seq)
            if backlog is None:
                snapshot = await self.snapshot()
                last = snapshot.seq
                yield snapshot
            else:
                for event in backlog:
                    last = event.seq
                    yield event
            while True:
                batch = await subscription.next_batch()
                if batch is None:
                    return
                for event in batch:
                    if event.seq > last:
                        last = event.seq
                        yield event
        finally:
            self.broker.unsubscribe(subscription)

    async def _backlog(self, after_seq: int) -> list[Event] | None:
        committed = self._committer.committed_seq
        if after_seq <= 0 or after_seq > committed or committed - after_seq > MAX_REPLAY:
            return None
        if after_seq == committed:
            return []
        recent = self.broker.recent_after(after_seq)
        if recent is not None:
            return recent
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._repository.events_after, after_seq, committed - after_seq
        )


class _FleetInThread:
    """The fleet's store on the hub's one database thread, next to the queue's writes."""

    def __init__(self, repository: Repository, executor: ThreadPoolExecutor) -> None:
        self._repository = repository
        self._executor = executor

    async def save_device(self, device: Device) -> None:
        await self._run(lambda: self._repository.save_device(device))

    async def forget_devices(self, device_ids: list[str]) -> None:
        await self._run(lambda: self._repository.forget_devices(device_ids))

    async def add_command(
        self, command: DeviceCommand, device_id: str, now_ms: int, key: str = ""
    ) -> tuple[int, bool]:
        return await self._run(
            lambda: self._repository.add_command(command, device_id, now_ms, key)
        )

    async def command(self, command_id: int) -> CommandRecord | None:
        return await self._run(lambda: self._repository.command(command_id))

    async def open_commands(self, device_id: str) -> list[DeviceCommand]:
        return await self._run(lambda: self._repository.open_commands(device_id))

    async def ack_command(self, device_id: str, command_id: int, outcome: str, now_ms: int) -> None:
        await self._run(
            lambda: self._repository.ack_command(device_id, command_id, outcome, now_ms)
        )

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)
        except SQLAlchemyError as err:
            log.exception("fleet store failed")
            raise StoreUnavailable(
                "the hub could not save the device change, so it was not made: try again; "
                "if it goes on, the hub's disk needs a technician"
            ) from err
