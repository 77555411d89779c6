"""The back office's database: opening it, branches, and storing a batch exactly once.

A batch is all or nothing: its new events, the aggregates they add to and the branch's
acknowledged seq are written in one transaction, after the branch row is locked (so two
pushes of one branch take turns). Events at or below the acknowledged seq are duplicates
and skipped; anything else must continue it without a gap.

One event the back office cannot take (malformed, a time or an amount out of range) is
refused alone: recorded in ``refusals`` with its reason, in the same transaction, and
acknowledged with the rest, so that it never holds up the events after it.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from backoffice import schema, sealing
from backoffice.aggregate import Fold, Parsed, fold, parse
from backoffice.errors import BatchRefused, MalformedEvent, StoreUnavailable
from hub.sync.signing import sign
from okno.files import durable_sqlite, private_database
from okno.logtext import oneline

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_SQLITE_WRITER = threading.Lock()
# Refusals of a push that did not prove it came from a registered branch.
UNAUTHENTICATED = frozenset({"unknown_branch", "bad_signature"})


@dataclass(frozen=True, slots=True)
class Batch:
    branch_id: str
    events: Sequence[tuple[int, str]]  # (seq, payload JSON)
    signature: str
    # The hub's last committed seq as it says (PushBatchRequest.head_seq); 0: not told.
    head_seq: int = 0


def open_store(url: str, key_file: Path | None = None) -> Engine:
    """An engine on ``url`` (postgresql://... or sqlite:///path), migrated to the head, its
    branch secrets sealed with the key at ``key_file`` (backoffice/sealing.py says where it
    is when not given); secrets an older back office kept in plain text are sealed now."""
    path = sealing.key_file(url, key_file)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        if "postgresql" in url:
            engine = create_engine(url, pool_size=8)
        else:
            _private_sqlite_file(url)
            engine = create_engine(url)
            event.listen(engine, "connect", _sqlite_settings)
        # Many rows in one INSERT ... VALUES (...), (...) rather than one statement a row:
        # SQLAlchemy does so for INSERTs with RETURNING only, unless told.
        engine.dialect.use_insertmanyvalues_wo_returning = True
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except (SQLAlchemyError, OSError) as error:
        reason = getattr(error, "orig", None) or error
        raise StoreUnavailable(
            f"cannot open the back office database: {reason}; give --db a reachable "
            "postgresql://user@host/db or a writable sqlite:///path"
        ) from error
    _seal_plain_secrets(engine, sealing.bind(engine, path))
    return engine


def _seal_plain_secrets(engine: Engine, sealer: sealing.Sealer) -> None:
    """Seal the secrets a back office before sealing kept in plain text."""
    table = schema.branches
    with engine.begin() as connection:
        plain = connection.execute(
            select(table.c.id, table.c.secret).where(~table.c.secret.startswith(sealing.PREFIX))
        ).all()
        for branch_id, secret in plain:
            connection.execute(
                update(table)
                .where(table.c.id == branch_id)
                .values(secret=sealer.seal(branch_id, secret))
            )
    if plain:
        log.info("branch secrets sealed branches=%d key=%s", len(plain), sealer.path)


def check_secrets(engine: Engine) -> int:
    """Open every branch's secret, so that a wrong or missing key file stops the back office
    at start rather than refusing every push; how many branches are registered."""
    sealer = sealing.sealer_of(engine)
    with engine.connect() as connection:
        rows = connection.execute(select(schema.branches.c.id, schema.branches.c.secret)).all()
    for branch_id, secret in rows:
        sealer.open(branch_id, secret)
    return len(rows)


def _private_sqlite_file(url: str) -> None:
    """Every branch's events and sync secret are in the file: owner only, whatever the umask."""
    database = make_url(url).database
    if database and database != ":memory:":
        private_database(Path(database))


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    # WAL: the dashboard reads while a batch is written; FULL: a batch the back office
    # acknowledged survives a power cut, as the hub's commits do.
    durable_sqlite(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def add_branch(engine: Engine, branch_id: str, timezone: str = "Europe/Moscow") -> str:
    """Register a branch and return its new secret (a second call replaces the secret).

    The database keeps it sealed (backoffice/sealing.py): only the hub's copy is plain.
    """
    secret = secrets.token_hex(32)
    sealed = sealing.sealer_of(engine).seal(branch_id, secret)
    with engine.begin() as connection:
        known = connection.execute(
            select(schema.branches.c.id).where(schema.branches.c.id == branch_id)
        ).first()
        if known:
            connection.execute(
                update(schema.branches)
                .where(schema.branches.c.id == branch_id)
                .values(secret=sealed, timezone=timezone)
            )
        else:
            connection.execute(
                insert(schema.branches).values(
                    id=branch_id,
                    secret=sealed,
                    timezone=timezone,
                    created_at_ms=now_ms(),
                    acked_seq=0,
                )
            )
    log.info("branch registered branch=%s new=%s", branch_id, not known)
    return secret


def set_authority(engine: Engine, service_id: str, authority: str) -> None:
    """Say which authority provides a service (for the by_authority report); "" forgets."""
    table = schema.service_authorities
    with engine.begin() as connection:
        connection.execute(delete(table).where(table.c.service_id == service_id))
        if authority:
            connection.execute(insert(table).values(service_id=service_id, authority=authority))


def acked(engine: Engine, branch_id: str) -> int:
    with engine.connect() as connection:
        found = connection.execute(
            select(schema.branches.c.acked_seq).where(schema.branches.c.id == branch_id)
        ).scalar()
    return int(found or 0)


def store(engine: Engine, batch: Batch) -> tuple[int, int]:
    """Store the batch; returns (acknowledged seq, events newly stored).

    Raises BatchRefused (and records it in ``refusals``) when the batch is not stored.
    """
    try:
        with writing(engine):
            return _store(engine, batch)
    except BatchRefused as refusal:
        _record(engine, batch, refusal)
        raise


def _store(engine: Engine, batch: Batch) -> tuple[int, int]:
    events = sorted(batch.events)
    with engine.begin() as connection:
        row = locked_branch(connection, batch.branch_id)
        if row is None:
            raise BatchRefused("unknown_branch", f"branch {batch.branch_id!r} is not registered")
        _check_signature(sealing.sealer_of(engine).open(row.id, row.secret), batch)
        if batch.head_seq > 0:
            connection.execute(
                update(schema.branches)
                .where(schema.branches.c.id == batch.branch_id)
                .values(hub_head_seq=batch.head_seq)
            )
        for before, after in pairwise(events):
            if after[0] == before[0]:
                raise BatchRefused(
                    "repeated_seq",
                    f"the batch holds seq {after[0]} more than once: each event of the hub's "
                    "log is sent under its own seq",
                )
            if after[0] != before[0] + 1:
                raise BatchRefused("gap", f"the batch skips from seq {before[0]} to {after[0]}")
        _same_as_stored(connection, batch.branch_id, [e for e in events if e[0] <= row.acked_seq])
        fresh = [(seq, payload) for seq, payload in events if seq > row.acked_seq]
        if fresh and fresh[0][0] != row.acked_seq + 1:
            raise BatchRefused(
                "gap", f"expected seq {row.acked_seq + 1}, the batch starts at {fresh[0][0]}"
            )
        if not fresh:
            return int(row.acked_seq), 0
        parsed, folded, refused = fold_events(fresh, row.timezone)
        taken = {seq: payload for seq, payload in fresh if seq not in refused}
        rows = [
            (batch.branch_id, p.seq, p.at_ms, p.kind, p.day, taken[p.seq])
            for p in parsed
            if p.seq in taken
        ]
        if rows:
            _insert_raw(connection, rows)
            write_fold(connection, batch.branch_id, folded)
        for seq, reason in sorted(refused.items()):
            refusal = BatchRefused("malformed", reason)
            connection.execute(
                insert(schema.refusals).values(_refusal(batch.branch_id, refusal, [seq]))
            )
            _log_refusal(batch.branch_id, refusal)
        last = fresh[-1][0]
        connection.execute(
            update(schema.branches)
            .where(schema.branches.c.id == batch.branch_id)
            .values(acked_seq=last)
        )
    return last, len(rows)


def writing(engine: Engine) -> contextlib.AbstractContextManager[object]:
    """Held around every transaction that folds events: SQLite has no row locks, so its
    writers take turns in this process; PostgreSQL's lock the branch row instead."""
    return _SQLITE_WRITER if engine.dialect.name == "sqlite" else contextlib.nullcontext()


def locked_branch(connection: Connection, branch_id: str) -> Row[Any] | None:
    """The branch's row, locked until the transaction ends: whoever folds a branch's events
    (a push, a rebuild) holds it, so that they take turns and none folds an event twice."""
    table = schema.branches
    return connection.execute(
        select(table).where(table.c.id == branch_id).with_for_update()
    ).first()


def fold_events(
    events: Sequence[tuple[int, str]], timezone: str
) -> tuple[list[Parsed], Fold, dict[int, str]]:
    """The events that parse, their fold, and the reason of each left out, by seq: the one
    way events become aggregates, for a push and for a rebuild alike."""
    parsed: list[Parsed] = []
    refused: dict[int, str] = {}
    for seq, payload in events:
        try:
            parsed.append(parse(seq, payload))
        except MalformedEvent as error:
            refused[seq] = str(error)
    folded = fold(parsed, timezone)
    refused.update(folded.refused)
    return parsed, folded, refused


def check_signature_form(given: str, what: str = "batch") -> None:
    """A signature must be an HMAC-SHA256 as okno writes it: 64 lower-case hex digits."""
    if len(given) != 64 or not all(c in "0123456789abcdef" for c in given):
        raise BatchRefused(
            "bad_signature",
            f"the {what}'s signature is not 64 lower-case hex digits (HMAC-SHA256): the "
            "sender is not okno's; send batches with okno hub --backoffice or okno hub sync push",
        )


def _check_signature(secret: str, batch: Batch) -> None:
    check_signature(batch.signature, lambda: sign(secret, batch.branch_id, batch.events))


def check_signature(given: str, expected: Callable[[], str], what: str = "batch") -> None:
    """The signature must be the branch's HMAC (``expected``, computed once the form is
    right): 64 hex digits, compared in constant time."""
    check_signature_form(given, what)
    if not hmac.compare_digest(expected(), given):
        raise BatchRefused("bad_signature", f"the {what}'s signature does not match its branch")


def secret_of(connection: Connection, branch_id: str) -> str:
    """The branch's secret, opened; BatchRefused("unknown_branch") if it is not registered."""
    sealed = connection.execute(
        select(schema.branches.c.secret).where(schema.branches.c.id == branch_id)
    ).scalar()
    if sealed is None:
        raise BatchRefused("unknown_branch", f"branch {branch_id!r} is not registered")
    return sealing.sealer_of(connection.engine).open(branch_id, sealed)


def _same_as_stored(connection: Connection, branch_id: str, resent: list[tuple[int, str]]) -> None:
    """A resent event must be the one stored under its seq: a different one means the
    hub's log was replaced (a restored or new database), and storing on would mix two."""
    if not resent:
        return
    raw = schema.raw_events
    found = connection.execute(
        select(raw.c.seq, raw.c.payload).where(
            raw.c.branch_id == branch_id, raw.c.seq.in_([seq for seq, _ in resent])
        )
    )
    stored = {int(row.seq): str(row.payload) for row in found}
    for seq, payload in resent:
        if seq in stored and stored[seq] != payload:
            raise BatchRefused(
                "conflict",
                f"seq {seq} differs from the event already stored under it: the hub's log was "
                "replaced or restored from an older copy; restore its latest database, or "
                "register the hub as a new branch (okno backoffice add-branch)",
            )


def _insert_raw(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """The raw events; by COPY on PostgreSQL, several times faster than INSERTs."""
    names = ["branch_id", "seq", "at_ms", "kind", "day", "payload"]
    if connection.dialect.name != "postgresql":
        connection.execute(
            insert(schema.raw_events), [dict(zip(names, r, strict=True)) for r in rows]
        )
        return
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY raw_events ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def write_fold(connection: Connection, branch_id: str, folded: Fold) -> None:
    """Add the fold to the branch's aggregates, journal and live rows."""
    for table in schema.AGGREGATES:
        sums = folded.sums.get(table.name)
        if not sums:
            continue
        keys = [c.name for c in table.primary_key.columns][1:]
        rows = [
            {"branch_id": branch_id, **dict(zip(keys, key, strict=True)), **values}
            for key, values in sums.items()
        ]
        names = sorted({name for values in sums.values() for name in values})
        for row in rows:
            for name in names:
                row.setdefault(name, 0)
        upsert(connection, table, rows, names, add=True)
    _write_waits(connection, branch_id, folded.waits)
    _write_applications(connection, branch_id, folded.applications)
    if folded.journal:
        connection.execute(
            insert(schema.journal), [{"branch_id": branch_id, **row} for row in folded.journal]
        )
    tickets = folded.tickets
    gone = [t for t, row in tickets.items() if row is None]
    if gone:
        connection.execute(
            delete(schema.live_ticket).where(
                schema.live_ticket.c.branch_id == branch_id,
                schema.live_ticket.c.ticket_id.in_(gone),
            )
        )
    here = [{"branch_id": branch_id, "ticket_id": t, **row} for t, row in tickets.items() if row]
    if here:
        upsert(connection, schema.live_ticket, here, ["state", "service_id", "desk_id", "since_ms"])
    desks = [{"branch_id": branch_id, "desk_id": d, **row} for d, row in folded.desks.items()]
    if desks:
        upsert(connection, schema.live_desk, desks, ["state", "operator_id"])
    upsert(
        connection,
        schema.live_branch,
        [{"branch_id": branch_id, "day": folded.day, "last_event_ms": folded.last_event_ms}],
        ["day", "last_event_ms"],
    )


def _write_waits(connection: Connection, branch_id: str, waits: dict[str, dict[str, Any]]) -> None:
    """Each ticket's wait: a new row as it is; a known row keeps its issue's day, hour,
    service and start, and the first end it was given (a recall or a second call after a
    transfer does not start a new wait)."""
    if not waits:
        return
    table = schema.ticket_waits
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    open_now = table.c.wait_ms.is_(None)
    values = {
        "wait_ms": func.coalesce(table.c.wait_ms, statement.excluded.wait_ms),
        "called": case((open_now, statement.excluded.called), else_=table.c.called),
    }
    rows = [{"branch_id": branch_id, "ticket_id": t, **row} for t, row in waits.items()]
    connection.execute(
        statement.on_conflict_do_update(index_elements=["branch_id", "ticket_id"], set_=values),
        rows,
    )


def _write_applications(
    connection: Connection, branch_id: str, applications: dict[str, dict[str, Any]]
) -> None:
    """Each application's version, over the stored one only if it comes from a later event:
    a resent or replayed older version never undoes a newer one."""
    if not applications:
        return
    table = schema.applications
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    names = [c.name for c in table.columns if not c.primary_key]
    rows = [{"branch_id": branch_id, "number": n, **row} for n, row in applications.items()]
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["branch_id", "number"],
            set_={name: statement.excluded[name] for name in names},
            where=statement.excluded.seq > table.c.seq,
        ),
        rows,
    )


def upsert(
    connection: Connection,
    table: Any,
    rows: list[dict[str, Any]],
    names: list[str],
    *,
    add: bool = False,
) -> None:
    """Insert the rows; where the key exists, add to the sums (or replace, for live rows)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    greatest = func.greatest if dialect is postgresql else func.max
    statement = dialect.insert(table)
    excluded = statement.excluded
    if add:
        values = {
            n: greatest(table.c[n], excluded[n]) if n in schema.MAXIMA else table.c[n] + excluded[n]
            for n in names
        }
    else:
        values = {n: excluded[n] for n in names}
    keys = [c.name for c in table.primary_key.columns]
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=values), rows)


def _record(engine: Engine, batch: Batch, refusal: BatchRefused) -> None:
    record_refusal(engine, batch.branch_id, refusal, [seq for seq, _ in batch.events])


def record_refusal(
    engine: Engine, branch_id: str, refusal: BatchRefused, seqs: Sequence[int] = ()
) -> None:
    """Keep a refusal in ``refusals`` for the branch's technician (seqs: what it held).

    A push that did not prove it came from a branch (UNAUTHENTICATED) is only counted in
    ``refusal_counts``: anyone can send those, and a row each would let them fill the table.
    """
    try:
        with engine.begin() as connection:
            if refusal.code in UNAUTHENTICATED:
                upsert(
                    connection,
                    schema.refusal_counts,
                    [{"code": refusal.code, "refused": 1}],
                    ["refused"],
                    add=True,
                )
            else:
                connection.execute(
                    insert(schema.refusals).values(_refusal(branch_id, refusal, seqs))
                )
    except SQLAlchemyError:
        log.exception("could not record a refusal branch=%s", oneline(branch_id[:40]))
    _log_refusal(branch_id, refusal)


def unauthenticated_refusals(engine: Engine) -> dict[str, int]:
    """How many pushes were refused before they proved to come from a branch, by code."""
    table = schema.refusal_counts
    with engine.connect() as connection:
        found = connection.execute(select(table.c.code, table.c.refused).order_by(table.c.code))
        return {str(code): int(refused) for code, refused in found}


def _refusal(branch_id: str, refusal: BatchRefused, seqs: Sequence[int]) -> dict[str, Any]:
    """The ``refusals`` row of a refusal of ``seqs`` (a whole batch, or one event)."""
    return {
        "at_ms": now_ms(),
        "branch_id": branch_id[:40],
        "first_seq": min(seqs, default=0),
        "last_seq": max(seqs, default=0),
        "events": len(seqs),
        "code": refusal.code,
        "reason": str(refusal)[:500],
    }


def _log_refusal(branch_id: str, refusal: BatchRefused) -> None:
    log.warning(
        "refused branch=%s code=%s reason=%s",
        oneline(branch_id[:40]),
        refusal.code,
        oneline(refusal),
    )


def now_ms() -> int:
    return int(time.time() * 1000)
