"""Handing a branch its own events back: what a hub restored from an older backup replays
to catch up (docs/backoffice.md, "Handing events back").

Only the branch may ask, signed with its secret as its batches are; a refusal is recorded
as a push's is. The answer is a page of the raw events after a seq, byte for byte as the
hub pushed them, cut to fit one gRPC message, with the seqs the back office acknowledged
but does not hold (events it refused alone), so that the hub can count what it cannot get
back. Nothing is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import Engine, select

from backoffice import schema
from backoffice.errors import BatchRefused
from backoffice.store import check_signature, record_refusal, secret_of
from hub.sync.sender import BATCH, MAX_BATCH_BYTES
from hub.sync.signing import sign_fetch

log = logging.getLogger(__name__)
# The most events of one page, whatever the hub asks: as many as it pushes at once.
MAX_FETCH = BATCH
# Bytes of a FetchEventsReply besides its events' payloads, counted high: the two seqs
# (varints of at most 10 bytes and their tags); per event, its seq, the payload's tag and
# length and the event's own tag and length; per missing range, two seqs and the tags.
_REPLY_OVERHEAD = 32
_EVENT_OVERHEAD = 24
_RANGE_OVERHEAD = 32
# Rows read from the database at a time: a page stops reading once it is full.
_READ_AHEAD = 128


@dataclass(frozen=True, slots=True)
class FetchRequest:
    branch_id: str
    after_seq: int
    limit: int
    signature: str


@dataclass(frozen=True, slots=True)
class Page:
    events: list[tuple[int, str]]  # (seq, payload JSON), in order
    acked_seq: int
    # Every seq in (after_seq, covered_seq] is in ``events`` or in ``missing``.
    covered_seq: int
    missing: list[tuple[int, int]]  # (first, last) seq ranges, in order
    # The hub's last seq as its last push told it (0: never told).
    hub_head_seq: int = 0


def hand_back(
    engine: Engine, fetch: FetchRequest, *, most: int = MAX_FETCH, max_bytes: int = MAX_BATCH_BYTES
) -> Page:
    """The branch's stored events after ``fetch.after_seq``: at most ``fetch.limit`` and
    ``most`` (a limit of 0 or less asks for ``most``), within ``max_bytes`` encoded (at least
    one event). BatchRefused (counted) when the fetch is not the branch's."""
    try:
        page = _hand_back(engine, fetch, most, max_bytes)
    except BatchRefused as refusal:
        record_refusal(engine, fetch.branch_id, refusal)
        raise
    log.info(
        "events handed back branch=%s after=%d events=%d covered=%d acked=%d missing=%d",
        fetch.branch_id,
        fetch.after_seq,
        len(page.events),
        page.covered_seq,
        page.acked_seq,
        sum(last - first + 1 for first, last in page.missing),
    )
    return page


def _hand_back(engine: Engine, fetch: FetchRequest, most: int, max_bytes: int) -> Page:
    limit = fetch.limit if 0 < fetch.limit <= most else most
    after = max(fetch.after_seq, 0)
    raw = schema.raw_events
    branches = schema.branches
    with engine.connect() as connection:
        secret = secret_of(connection, fetch.branch_id)
        check_signature(
            fetch.signature,
            lambda: sign_fetch(secret, fetch.branch_id, fetch.after_seq, fetch.limit),
            "fetch",
        )
        acked, head = connection.execute(
            select(branches.c.acked_seq, branches.c.hub_head_seq).where(
                branches.c.id == fetch.branch_id
            )
        ).one()
        # Only seqs up to the acknowledged one, read after it: a push that stores more
        # meanwhile adds seqs above it, so the page and acked_seq agree.
        rows = connection.execution_options(yield_per=_READ_AHEAD).execute(
            select(raw.c.seq, raw.c.payload)
            .where(raw.c.branch_id == fetch.branch_id, raw.c.seq > after, raw.c.seq <= acked)
            .order_by(raw.c.seq)
            .limit(limit)
        )
        try:
            page = _cut(((int(s), str(p)) for s, p in rows), after, int(acked), limit, max_bytes)
            return replace(page, hub_head_seq=int(head))
        finally:
            rows.close()


def _cut(
    rows: Iterable[tuple[int, str]], after: int, acked: int, limit: int, max_bytes: int
) -> Page:
    """The page of ``rows`` (the stored events after ``after``, in order, at most ``limit``)
    that fits ``max_bytes``, with the seqs it skips."""
    events: list[tuple[int, str]] = []
    missing: list[tuple[int, int]] = []
    size = _REPLY_OVERHEAD
    expected = after + 1
    for seq, payload in rows:
        gap = seq > expected
        cost = len(payload.encode()) + _EVENT_OVERHEAD + (_RANGE_OVERHEAD if gap else 0)
        if events and size + cost > max_bytes:
            return Page(events, acked, expected - 1, missing)
        if gap:
            missing.append((expected, seq - 1))
        events.append((seq, payload))
        size += cost
        expected = seq + 1
    if len(events) == limit:
        return Page(events, acked, expected - 1, missing)
    if expected <= acked:
        missing.append((expected, acked))
    return Page(events, acked, max(acked, after), missing)
