"""Prometheus metrics of a hub, for the technicians' monitoring (docs/metrics.md).

Read at each scrape from what the hub already keeps, never counted on the side: the
queue from a committed snapshot, the event counters from the log (incrementally, by its
sequence), the devices from the fleet. So a restarted hub goes on with the same counts,
and the queue's code pays nothing for being watched. Each hub has its own registry, so
several hubs in one process (tests, the demo) never mix their figures.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from hub.backup.retention import archives, taken_ms
from hub.devices.registry import Admission
from hub.domain.model import DeskState, EventKind, Snapshot, TicketState
from hub.store import schema

if TYPE_CHECKING:
    from hub.service import Hub
    from hub.store.repository import Repository

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Events counted per scrape at most: a long log is counted over several scrapes.
COUNT_CHUNK = 100_000
# Outbox name -> the last sequence it delivered (the back-office sync, notifications).
Outboxes = Mapping[str, Callable[[], int]]


@dataclass
class _Seen:
    """What the last refresh read: the queue, and the log counted up to ``seq``."""

    seq: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    snapshot: Snapshot | None = None


def count_kinds(
    repository: Repository, after_seq: int, most: int = COUNT_CHUNK
) -> tuple[int, Counter[str]]:
    """Up to ``most`` events after ``after_seq`` by kind, and the last seq counted.

    Read by the log's key, a range at a time: the read runs on the thread that commits
    the queue's changes, so one scrape of an old hub must not hold it for long.
    """
    events = schema.events
    query = (
        select(events.c.kind, func.count(), func.max(events.c.seq))
        .where(events.c.seq > after_seq, events.c.seq <= after_seq + most)
        .group_by(events.c.kind)
    )
    with repository.engine.connect() as connection:
        rows = connection.execute(query).all()
    last = max((int(r[2]) for r in rows), default=after_seq)
    return last, Counter({str(r[0]): int(r[1]) for r in rows})


class HubMetrics(Collector):
    """The hub's figures; ``await refresh()`` before each ``render()``."""

    def __init__(self, hub: Hub, outboxes: Outboxes | None = None) -> None:
        self._hub = hub
        self._outboxes = dict(outboxes or {})
        self._seen = _Seen()
        self._refreshing = asyncio.Lock()
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def add_outbox(self, name: str, delivered_seq: Callable[[], int]) -> None:
        """Report an outbox's lag: ``delivered_seq`` gives the last seq it delivered."""
        self._outboxes[name] = delivered_seq

    async def refresh(self) -> None:
        # One at a time: two scrapes at once would count the same range twice.
        async with self._refreshing:
            seen = self._seen
            snapshot = await self._hub.snapshot()
            after = seen.seq
            last, kinds = await self._hub.read_store(lambda r: count_kinds(r, after))
            seen.kinds.update(kinds)
            seen.seq = max(seen.seq, last)
            seen.snapshot = snapshot

    async def render(self) -> bytes:
        """The text exposition format, refreshed now."""
        await self.refresh()
        return generate_latest(self.registry)

    def collect(self) -> Iterator[Metric]:
        snapshot = self._seen.snapshot
        if snapshot is None:
            return
        yield from self._queue(snapshot)
        events = CounterMetricFamily(
            "okno_hub_events",
            "Events in the hub's log by kind (since the log began).",
            labels=["kind"],
        )
        for kind in EventKind:
            events.add_metric([kind.value], self._seen.kinds.get(kind.value, 0))
        yield events
        committed = self._hub.committed_seq
        yield GaugeMetricFamily(
            "okno_hub_committed_seq", "The last sequence committed to the log.", value=committed
        )
        lag = GaugeMetricFamily(
            "okno_hub_outbox_lag_events",
            "Committed events an outbox has not delivered yet.",
            labels=["outbox"],
        )
        for name, delivered in sorted(self._outboxes.items()):
            lag.add_metric([name], max(0, committed - delivered()))
        yield lag
        yield self._devices()
        yield from self._backups()

    def _queue(self, snapshot: Snapshot) -> Iterator[Metric]:
        waiting = GaugeMetricFamily(
            "okno_hub_tickets_waiting", "Tickets waiting, by service.", labels=["service"]
        )
        longest = GaugeMetricFamily(
            "okno_hub_longest_wait_seconds",
            "How long the first ticket of each service has waited.",
            labels=["service"],
        )
        for queue in snapshot.queues:
            waiting.add_metric([queue.service_id], queue.waiting)
            longest.add_metric([queue.service_id], queue.longest_wait_s)
        yield waiting
        yield longest
        at_desks = GaugeMetricFamily(
            "okno_hub_tickets_at_desks", "Tickets called or being served.", labels=["state"]
        )
        states = Counter(t.state for t in snapshot.tickets)
        for state in (TicketState.CALLED, TicketState.SERVING):
            at_desks.add_metric([state.value], states.get(state, 0))
        yield at_desks
        desks = GaugeMetricFamily("okno_hub_desks", "Desks by state.", labels=["state"])
        desk_states = Counter(d.state for d in snapshot.desks)
        for desk_state in DeskState:
            desks.add_metric([desk_state.value], desk_states.get(desk_state, 0))
        yield desks

    def _backups(self) -> Iterator[Metric]:
        """The newest complete archive's time and age (docs/backup.md has the alert)."""
        found = archives(self._hub.backups_dir)
        taken = GaugeMetricFamily(
            "okno_backup_last_good_timestamp_seconds",
            "When the newest complete backup beside the database was taken (0: none).",
        )
        age = GaugeMetricFamily(
            "okno_backup_last_good_age_seconds",
            "Seconds since the newest complete backup was taken (absent: none yet).",
        )
        if found:
            at_ms = taken_ms(found[-1], self._hub.loaded.branch.timezone)
            taken.add_metric([], at_ms / 1000)
            age.add_metric([], max(0, self._hub.clock() - at_ms) / 1000)
        else:
            taken.add_metric([], 0)
        yield taken
        yield age

    def _devices(self) -> Metric:
        family = GaugeMetricFamily(
            "okno_hub_devices",
            "Admitted devices by kind and presence (online, error, offline).",
            labels=["kind", "presence"],
        )
        now = self._hub.fleet.now_ms()
        counts = Counter(
            (d.kind, d.presence(now).value)
            for d in self._hub.fleet.devices()
            if d.admission is Admission.APPROVED
        )
        for (kind, presence), count in sorted(counts.items()):
            family.add_metric([kind, presence], count)
        return family
