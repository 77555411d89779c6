"""A region's history of hub-shaped events, for the benchmarks, the demo and the tests.

Each branch's day is a small simulation: visitors arrive on a weekday and hour profile,
each takes the first free desk that serves them (called, some do not come, the others are
served for a service's typical time), some rate the service and some pay a state fee;
each desk's operator signs in before it opens (the journal, docs/journal.md).
Events come out as a hub writes them (hub/store/codec.py): JSON with the ticket and desk
after the event, numbered in one order per branch. Deterministic for a seed.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.model import Desk, DeskState, JournalEntry, Ticket, TicketState
from hub.store.codec import desk_row, entry_json, ticket_row

TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    prefix: str
    weight: float
    minutes: float  # typical service time
    fee_kopecks: int = 0


SERVICES = (
    Service("passport", "П", 0.30, 12, 150_000),
    Service("registration", "Р", 0.20, 9),
    Service("benefits", "Л", 0.15, 15),
    Service("property", "Н", 0.12, 18, 200_000),
    Service("licence", "В", 0.13, 10, 200_000),
    Service("certificate", "С", 0.10, 5),
)
# Share of a weekday's visitors per local hour (8:00 to 19:59), two peaks.
HOURS = {8: 4, 9: 8, 10: 12, 11: 12, 12: 9, 13: 7, 14: 8, 15: 10, 16: 11, 17: 9, 18: 6, 19: 4}
WEEKDAY = (1.15, 1.0, 1.0, 1.0, 1.05, 0.55, 0.0)  # Monday .. Sunday (closed)


# Square-root staffing (as hub/traffic.py): desks kept busy R on average at the busiest
# hour get R + SPARE * sqrt(R). A lean but good centre: most visitors are called within
# minutes, and a busy day's peaks make a few wait over 15.
SPARE = 0.25
# Desk minutes a visitor takes beyond the service itself: the call and the walk up.
WALK_MIN = 0.75


@dataclass(frozen=True, slots=True)
class Shape:
    """How busy a branch is: visitors on an ordinary weekday, desks, shares.

    ``desks`` 0 staffs each day as a well-run centre would for the visitors it expects
    that weekday (staffing()); a number fixes the hall's size whatever comes.
    """

    visitors: int = 520
    desks: int = 0
    no_show: float = 0.05
    rated: float = 0.3
    paid: float = 0.8  # of the visitors of a service with a fee


def staffing(shape: Shape, weekday: int) -> int:
    """Desks open on a weekday: enough for the expected visitors of its busiest hour."""
    if shape.desks:
        return shape.desks
    expected = shape.visitors * WEEKDAY[weekday]
    if not expected:
        return 0
    visit_min = sum(s.weight * (s.minutes + WALK_MIN) for s in SERVICES) / sum(
        s.weight for s in SERVICES
    )
    peak_share = max(HOURS.values()) / sum(HOURS.values())
    busy = expected * peak_share * visit_min / 60
    return math.ceil(busy + SPARE * math.sqrt(busy))


def branch_ids(count: int) -> list[str]:
    return [f"branch-{n:02d}" for n in range(1, count + 1)]


# The names a generated branch's hub tells (hub/sync/directory.py), so that the region's
# pages read as a real region's do.
SERVICE_NAMES = {
    "passport": ("Паспорт гражданина РФ", "Russian internal passport"),
    "registration": ("Регистрация по месту жительства", "Residence registration"),
    "benefits": ("Пособия и льготы", "Benefits and allowances"),
    "property": ("Регистрация недвижимости", "Property registration"),
    "licence": ("Водительское удостоверение", "Driving licence"),
    "certificate": ("Справки", "Certificates"),
}
STAFF = (
    "Иванова А.",
    "Петров С.",
    "Смирнова М.",
    "Кузнецов Д.",
    "Попова Е.",
    "Орлова Д.",
    "Зайцева Г.",
    "Соколов И.",
    "Морозова Т.",
    "Волков П.",
    "Лебедева О.",
)


def directory(branch: str, shape: Shape = Shape()) -> str:
    """The directory (JSON) the hub of a generated ``branch`` tells the back office."""
    number = int(branch.rsplit("-", 1)[-1])
    desks = range(1, max(staffing(shape, weekday) for weekday in range(7)) + 1)
    told = {
        "name": f"МФЦ № {number}",
        "services": [
            {"id": s.id, "name_ru": SERVICE_NAMES[s.id][0], "name_en": SERVICE_NAMES[s.id][1]}
            for s in SERVICES
        ],
        "desks": [{"id": f"desk-{n}", "number": n, "name": ""} for n in desks],
        "operators": [
            {"id": f"op-{branch[-2:]}-{n}", "name": STAFF[(number * 3 + n) % len(STAFF)]}
            for n in desks
        ],
    }
    return json.dumps(told, ensure_ascii=False, sort_keys=True)


def day_events(
    branch: str, day: date, first_seq: int, shape: Shape = Shape(), seed: int = 1
) -> list[str]:
    """One branch's day as event payloads, seq from ``first_seq``; [] on a closed day."""
    rng = random.Random(f"{seed}:{branch}:{day.isoformat()}")
    visitors = round(shape.visitors * WEEKDAY[day.weekday()] * rng.uniform(0.85, 1.15))
    if not visitors:
        return []
    zone = ZoneInfo(TIMEZONE)
    opens = int(datetime(day.year, day.month, day.day, 8, tzinfo=zone).timestamp() * 1000)
    out: list[tuple[int, dict[str, Any]]] = []
    iso = day.isoformat()
    desks = [
        Desk(f"desk-{n}", n, f"Окно {n}", (), DeskState.OPEN, f"op-{branch[-2:]}-{n}")
        for n in range(1, staffing(shape, day.weekday()) + 1)
    ]
    free_at = dict.fromkeys((d.id for d in desks), opens)
    for desk in desks:
        out += [_signed_in(opens, iso, desk), (opens, event("desk_opened", opens, iso, None, desk))]
    arrivals = sorted(_arrival(rng, opens) for _ in range(visitors))
    serials: dict[str, int] = {}
    last = opens
    for index, arrived in enumerate(arrivals):
        service = rng.choices(SERVICES, [s.weight for s in SERVICES])[0]
        serials[service.prefix] = serial = serials.get(service.prefix, 0) + 1
        ticket = Ticket(
            id=f"{iso}/{index + 1}",
            number=f"{service.prefix}{serial:03d}",
            prefix=service.prefix,
            serial=serial,
            day=iso,
            service_id=service.id,
            state=TicketState.WAITING,
            issued_at_ms=arrived,
            waiting_since_ms=arrived,
        )
        out.append((arrived, event("ticket_issued", arrived, iso, ticket, None)))
        desk = min(desks, key=lambda d: (free_at[d.id], d.number))
        called = max(arrived, free_at[desk.id]) + 5_000
        ticket = replace(ticket, state=TicketState.CALLED, desk_id=desk.id, called_at_ms=called)
        out.append((called, event("ticket_called", called, iso, ticket, desk)))
        if rng.random() < shape.no_show:
            gone = called + 120_000
            ticket = replace(ticket, state=TicketState.NO_SHOW, finished_at_ms=gone)
            out.append((gone, event("ticket_no_show", gone, iso, ticket, desk)))
            free_at[desk.id] = gone
            continue
        started = called + rng.randint(20_000, 60_000)
        ticket = replace(ticket, state=TicketState.SERVING, started_at_ms=started)
        out.append((started, event("service_started", started, iso, ticket, desk)))
        minutes = service.minutes * rng.lognormvariate(0, 0.35)
        finished = started + int(minutes * 60_000)
        ticket = replace(ticket, state=TicketState.DONE, finished_at_ms=finished)
        out.append((finished, event("service_finished", finished, iso, ticket, desk)))
        free_at[desk.id] = finished
        last = max(last, finished)
        if service.fee_kopecks and rng.random() < shape.paid:
            paid = started + 60_000
            out.append((paid, _payment(paid, iso, desk, service, index, rng)))
        if rng.random() < shape.rated:
            rated = finished + 30_000
            out.append((rated, _rating(rated, iso, ticket, desk, rng)))
    closes = max(last, opens + 12 * 3_600_000) + 60_000
    for desk in desks:
        closed = replace(desk, state=DeskState.CLOSED, operator_id="")
        out.append((closes, event("desk_closed", closes, iso, None, closed)))
    out.sort(key=lambda pair: pair[0])
    payloads = []
    for offset, (_, data) in enumerate(out):
        data["seq"] = first_seq + offset
        payloads.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return payloads


def region(
    branches: list[str], start: date, days: int, shape: Shape = Shape(), seed: int = 1
) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """Every branch's every day in turn: (branch, [(seq, payload), ...]), seq from 1."""
    seq = dict.fromkeys(branches, 1)
    for offset in range(days):
        day = start + timedelta(days=offset)
        for branch in branches:
            payloads = day_events(branch, day, seq[branch], shape, seed)
            if payloads:
                yield branch, list(enumerate(payloads, start=seq[branch]))
                seq[branch] += len(payloads)


def _arrival(rng: random.Random, opens_ms: int) -> int:
    hour = rng.choices(list(HOURS), list(HOURS.values()))[0]
    return opens_ms + (hour - 8) * 3_600_000 + rng.randrange(3_600_000)


def _signed_in(opens: int, day: str, desk: Desk) -> tuple[int, dict[str, Any]]:
    """The desk's operator signing in five minutes before it opens."""
    at_ms = opens - 300_000
    data = event("journal", at_ms, day, None, None)
    who = desk.operator_id
    data["entry"] = entry_json(JournalEntry("sign_in", f"staff:{who}", who, "ok", "network"))
    return at_ms, data


def event(
    kind: str, at_ms: int, day: str, ticket: Ticket | None, desk: Desk | None
) -> dict[str, Any]:
    """An event as the hub's codec writes it; seq 0 until numbered."""
    ticket_json = None
    if ticket is not None:
        ticket_json = ticket_row(ticket)
        del ticket_json["visitor_name"]
    desk_json = None
    if desk is not None:
        desk_json = {
            **desk_row(desk),
            "number": desk.number,
            "name": desk.name,
            "service_ids": [],
        }
    return {
        "seq": 0,
        "at_ms": at_ms,
        "day": day,
        "kind": kind,
        "ticket": ticket_json,
        "desk": desk_json,
        "detail": "",
        "request_id": "",
        "appointment": None,
    }


def _payment(  # noqa: PLR0917 - one call, all positional
    at_ms: int, day: str, desk: Desk, service: Service, index: int, rng: random.Random
) -> dict[str, Any]:
    """As hub/store/codec.py writes a settled payment (states of hub/domain/payments.py)."""
    state = "declined" if rng.random() < 0.03 else "approved"
    data = event("payment_settled", at_ms, day, None, None)
    data["payment"] = {
        "payment_id": index + 1,
        "state": state,
        "amount_kopecks": service.fee_kopecks,
        "service_id": service.id,
        "purpose": f"госпошлина: {service.id}",
        "payer_identified": True,
        "terminal_id": f"terminal-{desk.number}",
        "terminal_serial": "SIM0001",
        "terminal_trace": str(index + 1),
        "terminal_receipt": str(index + 1),
    }
    return data


def _rating(at_ms: int, day: str, ticket: Ticket, desk: Desk, rng: random.Random) -> dict[str, Any]:
    data = event("ticket_rated", at_ms, day, None, None)
    score = rng.choices((5, 4, 3, 2, 1), (55, 25, 10, 5, 5))[0]
    data["rating"] = {
        "ticket_id": ticket.id,
        "service_id": ticket.service_id,
        "desk_id": desk.id,
        "operator_id": desk.operator_id,
        "score": score,
        "channel": rng.choice(("kiosk", "desk", "sms")),
    }
    return data
