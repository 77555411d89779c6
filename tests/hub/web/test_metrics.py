"""``/metrics`` on the hub's web port: the queue, the log's counters, desks and outboxes."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.domain.model import RatingChannel
from hub.metrics import count_kinds
from hub.web import serve_web
from tests.hub.test_ratings import serve_one
from tests.hub.web.conftest import Site


async def scrape(site: Site) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with site.client() as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


async def test_the_queue_and_the_log_as_a_technician_scrapes_them(site: Site) -> None:
    hub = site.hub
    ticket_id = await serve_one(hub)
    for _ in range(3):
        await hub.run(lambda e, now: e.issue("passport", now))
    await hub.run(lambda e, now: e.issue("snils", now))
    site.clock.advance(4)
    figures = await scrape(site)
    assert figures["okno_hub_tickets_waiting", (("service", "passport"),)] == 3
    assert figures["okno_hub_tickets_waiting", (("service", "snils"),)] == 1
    assert figures["okno_hub_longest_wait_seconds", (("service", "passport"),)] == 240
    assert figures["okno_hub_events_total", (("kind", "ticket_issued"),)] == 5
    assert figures["okno_hub_events_total", (("kind", "service_finished"),)] == 1
    assert figures["okno_hub_desks", (("state", "open"),)] == 1
    assert figures["okno_hub_committed_seq", ()] == hub.committed_seq

    site.web.metrics.add_outbox("backoffice", lambda: hub.committed_seq - 2)
    await hub.ratings.rate(ticket_id, 5, RatingChannel.SMS)
    await hub.run(lambda e, now: e.call_next("desk-01", now))
    again = await scrape(site)
    assert again["okno_hub_events_total", (("kind", "ticket_rated"),)] == 1
    assert again["okno_hub_events_total", (("kind", "ticket_issued"),)] == 5
    assert again["okno_hub_events_total", (("kind", "ticket_called"),)] == 2
    assert again["okno_hub_tickets_at_desks", (("state", "called"),)] == 1
    assert again["okno_hub_outbox_lag_events", (("outbox", "backoffice"),)] == 2


async def test_serve_web_reports_the_outboxes_it_is_given(site: Site) -> None:
    hub = site.hub
    await hub.run(lambda e, now: e.issue("passport", now))
    server = await serve_web(hub, "127.0.0.1:0", None, {"backoffice": lambda: 0})
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            text = (await client.get("/metrics")).text
    finally:
        await server.stop()
    assert f'okno_hub_outbox_lag_events{{outbox="backoffice"}} {float(hub.committed_seq)}' in text


async def test_a_long_log_is_counted_a_range_at_a_time(site: Site) -> None:
    hub = site.hub
    for _ in range(5):
        await hub.run(lambda e, now: e.issue("passport", now))
    first = await hub.read_store(lambda r: count_kinds(r, 0, most=3))
    rest = await hub.read_store(lambda r: count_kinds(r, first[0], most=3))
    assert first[0] == 3 and rest[0] == hub.committed_seq
    assert first[1]["ticket_issued"] + rest[1]["ticket_issued"] == 5


async def test_scrapes_at_once_count_each_event_once(site: Site) -> None:
    for _ in range(4):
        await site.hub.run(lambda e, now: e.issue("passport", now))
    await asyncio.gather(*(site.web.metrics.refresh() for _ in range(5)))
    figures = await scrape(site)
    assert figures["okno_hub_events_total", (("kind", "ticket_issued"),)] == 4
