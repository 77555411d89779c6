"""Restoring a hub on a new box from an archive, then catching up from the back office.

Order matters: the archive is checked whole in a staging folder beside the target; the
events the branch synced after the backup are fetched from the back office and written
into the staged database, through the same repository the hub writes with; only then
are the files moved where the hub will look for them. A refusal or a failure at any
step leaves the target as it was.

The back office holds every event the branch synced, but not what never leaves a hub
readable: a booking's contact, and its code other than sealed with the hub's key
(hub/store/sealed.py). A booking made after the backup comes back with its seat and its
code, without its contact. Only a log written before codes were sealed leaves a booking
with a code nobody can type (``#`` and its id), counted in
``Restored.bookings_without_code``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterable, Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pyrage
from sqlalchemy import Engine, select

from hub.backup.catalogue import landing
from hub.backup.errors import ArchiveRefused, BackupSettings, TargetOccupied
from hub.backup.layout import CATALOGUE, CONFIG, DATABASE, PKI, SECRET, STAGING, HubFiles
from hub.backup.manifest import Manifest
from hub.backup.unpack import unpack
from hub.config import load_branch
from hub.domain.model import Appointment, Event, EventKind, JournalEntry
from hub.errors import ConfigError
from hub.journal import HUB_MACHINE, HUB_RESTORED
from hub.store import codec, schema
from hub.store.database import open_database
from hub.store.repository import Repository
from hub.store.sealed import CODES_KEY, sealer, unseal
from hub.store.secrets import file_key
from okno.files import sync_folder, write_private

log = logging.getLogger(__name__)
# What a booking holds that the log leaves out (hub/store/codec.py _PRIVATE).
_CONTACT = ("phone", "email", "name", "snils_hash")
_PRIVATE = ("code", "request_id", "check_in_request_id", *_CONTACT)


class Page(Protocol):
    """Events the back office gave back, in order, and what it has acknowledged."""

    @property
    def events(self) -> Sequence[tuple[int, str]]: ...

    @property
    def acked_seq(self) -> int: ...


class CatchUp(AsyncIterable[Page], Protocol):
    """The branch's events after a seq, page by page; once iterated, what the back office
    acknowledged, the seqs it could not give, and what the lost hub never sent."""

    @property
    def acked_seq(self) -> int | None: ...

    @property
    def missing(self) -> int: ...

    @property
    def unsent(self) -> int: ...


# (branch secret, branch id, after seq) -> the catch-up from the back office.
Fetch = Callable[[str, str, int], CatchUp]


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: Manifest
    ca_fingerprint: str
    # Events written after the backup's: fetched from the back office.
    caught_up: int
    # Seqs the back office acknowledged but could not give (events it refused as poison).
    missing: int
    # Events the lost hub committed but never sent, as its last push told (a lower bound).
    unsent: int
    acked_seq: int
    # The restored hub's last seq: its journal entry of the restore.
    seq: int
    bookings_without_code: int
    # The catalogue the restored configuration names, when the archive (taken before
    # backups carried the catalogue) holds none: the hub does not start without it.
    catalogue_not_restored: str = ""


async def restore(
    archive: Path,
    identity: pyrage.x25519.Identity,
    target: HubFiles,
    now_ms: int,
    *,
    fetch: Fetch | None = None,
    replace_existing: bool = False,
    branch_id: str = "",
) -> Restored:
    """Restore ``archive`` to ``target``; with ``fetch``, catch up from the back office."""
    _check_free(_targets(target), replace_existing)
    target.db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.db.parent, prefix=STAGING))
    try:
        unpacked = await asyncio.to_thread(unpack, archive, identity, staging)
        described = unpacked.manifest
        if branch_id and described.branch_id != branch_id:
            raise ArchiveRefused(
                f"{archive} is a backup of branch {described.branch_id!r}, not {branch_id!r}"
            )
        catalogue = _catalogue_targets(target, described)
        _check_free(list(catalogue), replace_existing)
        secret = unpacked.root / SECRET
        if fetch is not None and not secret.is_file():
            raise BackupSettings(
                f"{archive} holds no back office secret, so the restore cannot fetch what the "
                "branch synced: restore without --backoffice, or from a backup taken with "
                "--backoffice-secret-file"
            )
        caught = await _catch_up(
            unpacked.root / DATABASE,
            described,
            archive.name,
            now_ms,
            None if fetch is None else (fetch, secret.read_text().strip()),
        )
        _put_in_place(unpacked.root, target, catalogue, now_ms)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    left_out = "" if catalogue else _named_catalogue(target.config)
    restored = Restored(described, unpacked.ca_fingerprint, *caught, left_out)
    if left_out:
        log.warning("backup holds no catalogue config=%s catalogue=%s", target.config, left_out)
    log.info(
        "hub restored branch=%s backup_seq=%d caught_up=%d missing=%d seq=%d",
        described.branch_id,
        described.last_seq,
        restored.caught_up,
        restored.missing,
        restored.seq,
    )
    return restored


async def _catch_up(
    db: Path,
    described: Manifest,
    label: str,
    now_ms: int,
    source: tuple[Fetch, str] | None,
) -> tuple[int, int, int, int, int, int]:
    """Replay into ``db`` what the back office holds after the backup, then journal the
    restore under a seq past everything the back office acknowledged, so that no seq it
    holds is ever used again. Restored's figures: (caught up, missing, unsent, acked, seq,
    bookings without code)."""
    database = open_database(db)
    codes_key = file_key(db.parent / PKI, database.engine, CODES_KEY)
    repository = Repository(database, sealer(codes_key))
    try:
        kept = await asyncio.to_thread(_booking_privates, repository.engine, codes_key)
        caught, acked, missing, unsent = 0, described.last_seq, 0, 0
        if source is not None:
            fetch, secret = source
            catch_up = fetch(secret, described.branch_id, described.last_seq)
            async for page in catch_up:
                events = [_with_privates(p, kept) for _, p in page.events]
                await asyncio.to_thread(_payments_back, repository.engine, events)
                await asyncio.to_thread(repository.append, events)
                caught += len(events)
            acked = max(acked, catch_up.acked_seq or 0)
            missing, unsent = catch_up.missing, catch_up.unsent
        last_seq, last_day = await asyncio.to_thread(_last_event, repository.engine)
        seq = max(last_seq, acked) + 1
        entry = JournalEntry(
            HUB_RESTORED,
            "local",
            label,
            f"backup_seq={described.last_seq} caught_up={caught} acked={acked} "
            f"missing={missing} unsent={unsent}",
            HUB_MACHINE,
        )
        day = last_day or described.last_day
        journal = Event(seq=seq, at_ms=now_ms, day=day, kind=EventKind.JOURNAL, entry=entry)
        await asyncio.to_thread(repository.append, [journal])
    finally:
        database.close()
    return caught, missing, unsent, acked, seq, len(kept.placeholders)


class _Privates(dict[int, dict[str, Any]]):
    """Each booking's private fields by id; ``placeholders``: ids given an untypable code."""

    def __init__(self, rows: dict[int, dict[str, Any]], codes_key: bytes) -> None:
        super().__init__(rows)
        self.codes_key = codes_key
        self.placeholders: set[int] = set()


def _booking_privates(engine: Engine, codes_key: bytes) -> _Privates:
    table = schema.appointments
    columns = [table.c.id, *(table.c[name] for name in _PRIVATE)]
    with engine.connect() as connection:
        rows = connection.execute(select(*columns)).mappings()
        return _Privates({int(r["id"]): {n: r[n] for n in _PRIVATE} for r in rows}, codes_key)


def _with_privates(payload: str, kept: _Privates) -> Event:
    """The event with its booking's private fields as the restored database holds them.

    A replayed booking would otherwise overwrite its code and contact with the log's
    blanks. One made after the backup gets its code back from the log, sealed with the
    hub's key (hub/store/sealed.py); failing that (a log written before codes were
    sealed), a code no visitor can type, unique as the database wants it.
    """
    event = codec.event_from_json(payload)
    booking = event.appointment
    if booking is None:
        return event
    if booking.id not in kept:
        sealed = json.loads(payload)["appointment"].get("sealed_code", "")
        try:
            code = unseal(kept.codes_key, booking.id, sealed) if sealed else ""
        except ValueError:
            log.warning("sealed booking code does not open appointment=%d", booking.id)
            code = ""
        kept[booking.id] = {**dict.fromkeys(_PRIVATE, ""), "code": code or f"#{booking.id:x}"}
        if not code:
            kept.placeholders.add(booking.id)
    if event.kind is EventKind.APPOINTMENT_CONTACT_ERASED:
        kept[booking.id].update(dict.fromkeys(_CONTACT, ""))
    restored: Appointment = replace(booking, **kept[booking.id])
    return replace(event, appointment=restored)


def _payments_back(engine: Engine, events: Sequence[Event]) -> None:
    """Give a payment settled after the backup its row again, before its event updates it.

    The row was written at Begin, which leaves no event; without it the payment would be
    missing and its id given to the next payment. The log holds all of it but the
    idempotency key (a terminal's retry of that Begin then makes a new payment) and the
    times, taken from the settling event.
    """
    settled = {e.payment.id: (e.at_ms, e.payment) for e in events if e.payment is not None}
    if not settled:
        return
    table = schema.payments
    with engine.begin() as connection:
        held = set(connection.execute(select(table.c.id).where(table.c.id.in_(settled))).scalars())
        rows = [
            {
                **asdict(payment),
                "state": payment.state.value,
                "idempotency_key": f"restored:{payment_id}",
                "created_at_ms": at_ms,
                "settled_at_ms": at_ms,
            }
            for payment_id, (at_ms, payment) in settled.items()
            if payment_id not in held
        ]
        if rows:
            connection.execute(table.insert(), rows)


def _last_event(engine: Engine) -> tuple[int, str]:
    events = schema.events
    with engine.connect() as connection:
        row = connection.execute(
            select(events.c.seq, events.c.day).order_by(events.c.seq.desc()).limit(1)
        ).first()
    return (int(row.seq), str(row.day)) if row else (0, "")


def _targets(target: HubFiles) -> list[Path]:
    secret = [target.backoffice_secret] if target.backoffice_secret else []
    return [target.db, target.pki, target.config, *secret]


def _check_free(paths: list[Path], replace_existing: bool) -> None:
    occupied = [p for p in paths if p.exists()]
    if occupied and not replace_existing:
        raise TargetOccupied(
            f"{', '.join(map(str, occupied))} already exist: restore to a new box or an empty "
            "folder, or give --replace to move them aside (nothing is deleted)"
        )


def _catalogue_targets(target: HubFiles, described: Manifest) -> dict[Path, str]:
    """Where each catalogue member of the archive goes, by its name in the archive.

    Beside the restored configuration, as the configuration names them; a path that would
    also be one of the hub's own files is refused before anything is written.
    """
    places = {
        landing(target.config, name): name
        for name in described.members
        if name.startswith(CATALOGUE)
    }
    own = {*_targets(target), *_companions(target.db)}
    clash = sorted(p for p in places if p in own or p.is_relative_to(target.pki))
    if clash:
        raise BackupSettings(
            f"the backup's catalogue would be written to {', '.join(map(str, clash))}, where "
            "the restored hub keeps its own files: give --config a folder apart from --db"
        )
    return places


def _named_catalogue(config: Path) -> str:
    """The catalogue file ``config`` names and the box lacks, "" for none; a configuration
    this okno refuses names none here: the hub's start says what is wrong with it."""
    try:
        named = load_branch(config).branch.catalogue.file
    except ConfigError:
        return ""
    path = config.parent / named
    return str(path) if named and not path.is_file() else ""


def _put_in_place(root: Path, target: HubFiles, catalogue: dict[Path, str], now_ms: int) -> None:
    """Move what was there aside (never deleted), then the restored files in."""
    stamp = datetime.fromtimestamp(now_ms / 1000, UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in [*_targets(target), *_companions(target.db), *catalogue]:
        if path.exists():
            path.rename(path.with_name(f"{path.name}.before-restore-{stamp}"))
    sync_folder(root / PKI)
    os.replace(root / DATABASE, target.db)
    os.replace(root / PKI.rstrip("/"), target.pki)
    sync_folder(target.db.parent)
    target.config.parent.mkdir(parents=True, exist_ok=True)
    write_private(target.config, (root / CONFIG).read_bytes())
    for path, name in catalogue.items():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, (root / name).read_bytes())
    if target.backoffice_secret is not None and (root / SECRET).is_file():
        write_private(target.backoffice_secret, (root / SECRET).read_bytes())


def _companions(db: Path) -> list[Path]:
    return [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
