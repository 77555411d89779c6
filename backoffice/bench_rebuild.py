"""``okno backoffice bench rebuild``: a region's history pushed over gRPC to a back office
process (the real sync path, as ``okno backoffice bench`` does), then every derived table
rebuilt from the raw events by ``backoffice.rebuild`` and compared, table by table, with
what the sync kept (a SHA-256 of each table's rows in key order).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy import func, select

from backoffice import schema, store
from backoffice.bench import FIRST_DAY, backoffice_process
from backoffice.load import fill
from backoffice.pgcluster import temporary_cluster
from backoffice.rebuild import DERIVED, digests, rebuild
from okno.bench import Figure

log = logging.getLogger(__name__)


def measure(db: str, branches: int, days: int) -> list[Figure]:
    """Load ``branches`` x ``days`` on ``db`` (a temporary cluster if empty), rebuild, compare."""
    with contextlib.ExitStack() as stack:
        url = db or stack.enter_context(temporary_cluster())
        with backoffice_process(url) as target:
            sent, load_s = asyncio.run(fill(url, target, branches, FIRST_DAY, days))
        log.info("history loaded events=%d seconds=%.1f", sent, load_s)
        engine = store.open_store(url)
        try:
            live = digests(engine)
            done = rebuild(engine, time.perf_counter)
            rebuilt = digests(engine)
            with engine.connect() as connection:
                stored = connection.execute(
                    select(func.count()).select_from(schema.raw_events)
                ).scalar_one()
        finally:
            engine.dispose()
    differing = sorted(name for name in live if live[name] != rebuilt[name])
    if differing:
        log.warning("rebuilt tables differ from the live ones tables=%s", ",".join(differing))
    return [
        Figure("history_events", sent, "events"),
        Figure("history_load_events_per_s", sent / load_s, "events/s"),
        Figure("rebuild_branches", done.branches, "branches"),
        Figure("rebuild_events", done.events, "events"),
        Figure("rebuild_s", done.seconds, "s"),
        Figure("rebuild_events_per_s", done.events / max(done.seconds, 1e-9), "events/s"),
        Figure("rebuild_events_not_refolded", int(stored) - done.events, "events", 0, "<="),
        Figure("rebuilt_tables_compared", len(DERIVED), "tables"),
        Figure("rebuilt_tables_differing", len(differing), "tables", 0, "<="),
    ]
