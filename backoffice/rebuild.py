"""Recomputing every table derived from the raw events, so that a bug in an aggregate is
fixed by a new release and a rebuild rather than kept for ever.

Each branch is rebuilt in one transaction of its own: its derived rows are deleted, then
its raw events are read again in seq order, in batches, and each batch goes through the
push's own fold and write (``store.fold_events``, ``store.write_fold``). The transaction
first locks the branch's row, as a push does (``store.locked_branch``): a push of that
branch in flight commits before the rebuild starts, and one arriving during it waits until
the rebuild commits, then folds only its new events (above ``acked_seq``) on top, so
nothing is lost or counted twice. Other readers see the branch's old rows until the
commit, never a half-rebuilt branch.

One transaction per branch rather than one for all: a region's rebuild takes minutes, and
only the branch being rebuilt waits, not every hub of the region; a failure keeps the
branches already rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, delete, select

from backoffice import schema
from backoffice.store import fold_events, locked_branch, write_fold, writing

log = logging.getLogger(__name__)
# Every table the fold fills; refusals, names and accounts are not derived from events.
DERIVED: tuple[Table, ...] = (
    *schema.AGGREGATES,
    schema.ticket_waits,
    schema.journal,
    schema.applications,
    schema.live_ticket,
    schema.live_desk,
    schema.live_branch,
)
# Events folded at once: bigger batches mean fewer upserts; a fold is the same whatever
# the batch boundaries (tests/backoffice/test_rebuild.py rebuilds in small batches too).
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class Rebuilt:
    branches: int
    events: int
    left_out: int  # stored events the fold now refuses (logged with their seqs)
    seconds: float


def rebuild(engine: Engine, clock: Callable[[], float], batch: int = BATCH) -> Rebuilt:
    """Rebuild every registered branch, one transaction each; ``clock`` times it."""
    began = clock()
    with engine.connect() as connection:
        names = list(
            connection.execute(
                select(schema.branches.c.id).order_by(schema.branches.c.id)
            ).scalars()
        )
    events = left_out = 0
    for branch_id in names:
        folded, refused = rebuild_branch(engine, branch_id, batch)
        events += folded
        left_out += refused
    return Rebuilt(len(names), events, left_out, clock() - began)


def rebuild_branch(engine: Engine, branch_id: str, batch: int = BATCH) -> tuple[int, int]:
    """Rebuild one branch; (events folded, events the fold left out)."""
    folded = left_out = 0
    with writing(engine), engine.begin() as connection:
        row = locked_branch(connection, branch_id)
        if row is None:
            return 0, 0
        for table in DERIVED:
            connection.execute(delete(table).where(table.c.branch_id == branch_id))
        for events in _pages(connection, branch_id, batch):
            _, fold, refused = fold_events(events, row.timezone)
            if refused:
                log.warning(
                    "rebuild left out events branch=%s seqs=%s", branch_id, sorted(refused)[:20]
                )
            if len(events) > len(refused):
                write_fold(connection, branch_id, fold)
            folded += len(events) - len(refused)
            left_out += len(refused)
    log.info("branch rebuilt branch=%s events=%d left_out=%d", branch_id, folded, left_out)
    return folded, left_out


def _pages(connection: Connection, branch_id: str, size: int) -> Iterator[list[tuple[int, str]]]:
    """The branch's raw events in seq order, ``size`` at a time (keyset, on the key)."""
    raw = schema.raw_events
    after = 0
    while True:
        page = [
            (int(seq), str(payload))
            for seq, payload in connection.execute(
                select(raw.c.seq, raw.c.payload)
                .where(raw.c.branch_id == branch_id, raw.c.seq > after)
                .order_by(raw.c.seq)
                .limit(size)
            )
        ]
        if not page:
            return
        yield page
        after = page[-1][0]


def digests(engine: Engine) -> dict[str, str]:
    """Each derived table's SHA-256 over its rows in key order: equal digests, equal tables."""
    found = {}
    with engine.connect() as connection:
        for table in DERIVED:
            digest = hashlib.sha256()
            rows = connection.execution_options(yield_per=10_000).execute(
                select(table).order_by(*table.primary_key.columns)
            )
            for row in rows:
                digest.update(repr(tuple(row)).encode())
            found[table.name] = digest.hexdigest()
    return found
