"""Prometheus metrics of the back office, read from its database at each scrape.

Nothing is counted on the side, so any process that opens the store (the sync server,
the dashboard, a second replica) reports the same figures, and a restart loses none:

- ``okno_backoffice_events_stored_total{branch}``: a branch's events stored. The store
  keeps each event once and acknowledges only a gap-free run from seq 1, so this is the
  branch's acknowledged sequence.
- ``okno_backoffice_batches_refused_total{branch,reason}``: from the ``refusals`` table,
  what registered branches sent and was refused (gap, repeated_seq, conflict, malformed).
- ``okno_backoffice_unauthenticated_refused_total{reason}``: pushes that did not prove
  they came from a branch (unknown_branch, bad_signature), from ``refusal_counts``; no
  label per branch id, since anyone can invent one.
- ``okno_backoffice_branch_last_event_timestamp_seconds{branch}`` and
  ``okno_backoffice_branch_lag_seconds{branch}``: the time of the newest event stored for
  the branch, and how far behind now that is (a hub cut off shows a growing lag).

Mount :func:`endpoint` (or :func:`metrics_route`) on any Starlette app; the dashboard
(``backoffice.web.create_app``) serves it at ``/metrics``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backoffice import schema
from backoffice.store import unauthenticated_refusals

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class BackofficeCollector(Collector):
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        b, lb, r = schema.branches, schema.live_branch, schema.refusals
        with self._engine.connect() as connection:
            branches = list(
                connection.execute(
                    select(b.c.id, b.c.acked_seq, lb.c.last_event_ms)
                    .select_from(b.outerjoin(lb, lb.c.branch_id == b.c.id))
                    .order_by(b.c.id)
                )
            )
            refused = list(
                connection.execute(
                    select(r.c.branch_id, r.c.code, func.count())
                    .group_by(r.c.branch_id, r.c.code)
                    .order_by(r.c.branch_id, r.c.code)
                )
            )
        stored = CounterMetricFamily(
            "okno_backoffice_events_stored",
            "Events stored, each once, by branch.",
            labels=["branch"],
        )
        last = GaugeMetricFamily(
            "okno_backoffice_branch_last_event_timestamp_seconds",
            "When the newest stored event of the branch happened (Unix time).",
            labels=["branch"],
        )
        lag = GaugeMetricFamily(
            "okno_backoffice_branch_lag_seconds",
            "How long ago the newest stored event of the branch happened.",
            labels=["branch"],
        )
        now = self._clock()
        for branch_id, acked_seq, last_event_ms in branches:
            stored.add_metric([branch_id], int(acked_seq or 0))
            if last_event_ms:
                last.add_metric([branch_id], last_event_ms / 1000)
                lag.add_metric([branch_id], max(0.0, now - last_event_ms / 1000))
        refusals = CounterMetricFamily(
            "okno_backoffice_batches_refused",
            "Batches refused, by branch (as it named itself) and reason.",
            labels=["branch", "reason"],
        )
        for branch_id, code, count in refused:
            refusals.add_metric([branch_id, code], int(count))
        anonymous = CounterMetricFamily(
            "okno_backoffice_unauthenticated_refused",
            "Pushes refused before they proved to come from a registered branch, by reason.",
            labels=["reason"],
        )
        for code, count in unauthenticated_refusals(self._engine).items():
            anonymous.add_metric([code], count)
        yield from (stored, refusals, anonymous, last, lag)


def registry_for(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BackofficeCollector(engine))
    return registry


async def render(registry: CollectorRegistry) -> bytes:
    """The text exposition; the database is read on a worker thread, off the loop."""
    return await asyncio.to_thread(generate_latest, registry)


def endpoint(engine: Engine) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving the back office's metrics from ``engine``."""
    registry = registry_for(engine)

    async def metrics(request: Request) -> Response:
        body = await render(registry)
        return Response(body, media_type=CONTENT_TYPE, headers={"cache-control": "no-store"})

    return metrics


def metrics_route(engine: Engine, path: str = "/metrics") -> Route:
    return Route(path, endpoint(engine))
