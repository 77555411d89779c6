"""Folding a batch of a branch's events into the sums the reports read: pure, no I/O.

A batch becomes one ``Fold``: per aggregate table a dict from key to increments, and the
branch's live state as the batch leaves it. The store writes it in the transaction that
stores the events, with one upsert per table, so ingest costs a few statements per batch
rather than several per event.

What counts (docs/backoffice.md): a visit when its ticket is issued; one wait per
ticket, from its issue to its first call (or to its cancellation, if never called); a
service time when service finishes; all in milliseconds; a ticket's figures belong to
the day it was issued (a ticket cancelled when the day ends is that day's); hours are
the branch's local hours; an application is kept as its latest version (by seq), not
summed, since its status changes.

An event that cannot be folded (a field missing or garbled, a time or an amount out of
range, a text wider than its column or holding a NUL) is left out with its reason in
``Fold.refused``; the rest of the batch is folded without it. The bounds keep every sum
far from overflowing 64 bits: one event adds at most ``MAX_AMOUNT`` kopecks or
``MAX_SERVICE_MS``, both below 2^30, so a day's row would need more than 2^33 events of
one branch in one day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from backoffice.errors import MalformedEvent
from hub.domain.applications import ApplicationStatus
from hub.domain.payments import MAX_AMOUNT

LONG_WAIT_MS = 15 * 60_000
# Times are Unix milliseconds up to the end of the year 9999, as datetime can show them.
MAX_MS = 253_402_300_799_999
# The longest service counted: a week; anything longer is a broken clock, not a visit.
MAX_SERVICE_MS = 7 * 24 * 3_600_000
# The widths of the text columns an event's fields go into (backoffice/schema.py): an id,
# a state, a ticket's id, a day. A longer one no row can hold.
ID, STATE, TICKET, DAY = 40, 16, 32, 10
# The journal's columns: an action, an actor or a subject (``device:`` and an id), an outcome.
ACTION, ACTOR, OUTCOME = 32, 100, 200
# An application's number ("261207-017") and its authority's name.
NUMBER, AUTHORITY = 20, 200
_APPLICATION_EVENTS = frozenset({"application_accepted", "application_changed"})
_STATUSES = frozenset(s.value for s in ApplicationStatus)
_APPLICATION_KINDS = frozenset(
    {
        "appointment_booked",
        "appointment_moved",
        "appointment_cancelled",
        "appointment_checked_in",
        "appointment_no_show",
    }
)
# Who acts for a booking that no device checked in: the call centre's staff for the call
# centre's bookings, the visitors themselves for the rest (online, at a kiosk).
_CHANNEL_ACTORS = {"call_centre": "call_centre"}
_ENDED = frozenset({"service_finished", "ticket_no_show", "ticket_cancelled"})
_DESK_KINDS = frozenset({"desk_opened", "desk_closed", "desk_paused"})
# Events that carry, besides their ticket, who judged a priority claim as a journal entry.
_JOURNALED = frozenset({"journal", "priority_confirmed", "priority_removed"})

Key = tuple[object, ...]
Sums = dict[Key, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Parsed:
    seq: int
    at_ms: int
    day: str
    kind: str
    data: dict[str, Any]


@dataclass
class Fold:
    """What a batch adds; ``tickets``/``desks`` map id -> row, a ticket's None = left;
    ``waits`` maps ticket id -> its ticket_waits row (the first call's wait wins);
    ``journal`` holds the batch's journal rows (:func:`journal_row`);
    ``applications`` maps number -> its latest version in the batch (the highest seq);
    ``refused`` maps the seq of each event left out to why."""

    sums: dict[str, Sums] = field(default_factory=lambda: defaultdict(_sums))
    tickets: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    waits: dict[str, dict[str, Any]] = field(default_factory=dict)
    desks: dict[str, dict[str, Any]] = field(default_factory=dict)
    journal: list[dict[str, Any]] = field(default_factory=list)
    applications: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_event_ms: int = 0
    day: str = ""
    refused: dict[int, str] = field(default_factory=dict)

    def add(self, table: str, key: Key, **values: int) -> None:
        row = self.sums[table][key]
        for name, value in values.items():
            if name.endswith("_max_ms"):
                row[name] = max(row[name], value)
            else:
                row[name] += value


def _sums() -> Sums:
    return defaultdict(lambda: defaultdict(int))


def parse(seq: int, payload: str) -> Parsed:
    """The event as the hub wrote it (hub/store/codec.py); MalformedEvent if it is not."""
    try:
        data = json.loads(payload)
    except ValueError as error:
        raise MalformedEvent(f"event {seq} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise MalformedEvent(f"event {seq} is not a JSON object")
    if data.get("seq") != seq:
        raise MalformedEvent(f"event {seq} says it is seq {data.get('seq')!r}")
    at_ms, day, kind = data.get("at_ms"), data.get("day"), data.get("kind")
    if not isinstance(at_ms, int) or not isinstance(day, str) or len(day) != 10:
        raise MalformedEvent(f"event {seq} lacks a time (at_ms) or a day (YYYY-MM-DD)")
    if not 0 <= at_ms <= MAX_MS:
        raise MalformedEvent(f"event {seq}'s at_ms {at_ms} is not a time: 0..{MAX_MS}")
    if not isinstance(kind, str) or not kind or len(kind) > 32:
        raise MalformedEvent(f"event {seq} lacks its kind")
    for name, text in (("kind", kind), ("day", day)):
        if "\x00" in text:
            raise MalformedEvent(f"event {seq}'s {name} holds a NUL, which no column can hold")
    return Parsed(seq, at_ms, day, kind, data)


def fold(events: list[Parsed], timezone: str) -> Fold:
    """The batch's sums and live state, without the events that cannot be folded.

    An event that fails may have added part of itself before failing; whether an event
    fails depends on it alone, so a second pass without the failed ones is clean.
    """
    result = _fold(events, timezone, {})
    if result.refused:
        result = _fold(events, timezone, result.refused)
    return result


def _fold(events: list[Parsed], timezone: str, refused: dict[int, str]) -> Fold:
    result = Fold(refused=dict(refused))
    for event in events:
        if event.seq in refused:
            continue
        try:
            _apply(result, event, timezone)
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            result.refused[event.seq] = (
                f"event {event.seq} ({event.kind}) lacks or garbles a field: {error!r}"
            )
            continue
        result.last_event_ms = max(result.last_event_ms, event.at_ms)
        result.day = max(result.day, event.day)
    return result


def _apply(result: Fold, event: Parsed, timezone: str) -> None:
    data, kind, day = event.data, event.kind, event.day
    ticket = data.get("ticket")
    desk = data.get("desk") or {}
    if kind in _DESK_KINDS:
        result.desks[_text(desk, "id")] = {
            "state": _text(desk, "state", STATE),
            "operator_id": _text(desk, "operator_id", missing=""),
        }
    elif kind == "payment_settled":
        p = _part(data, "payment")
        result.add(
            "agg_payment_day",
            (day, _text(p, "service_id"), _text(p, "state", STATE)),
            payments=1,
            amount_kopecks=_bounded(p, "amount_kopecks", 1, MAX_AMOUNT),
        )
    elif kind == "ticket_rated":
        r = rating(data)
        score = r["score"]
        key = (
            day,
            _text(r, "service_id"),
            _text(r, "desk_id"),
            _text(r, "operator_id", missing=""),
        )
        result.add("agg_rating_day", key, ratings=1, score_sum=score, low_scores=int(score <= 2))
    elif kind in _APPLICATION_EVENTS:
        _application(result, event, timezone)
    entry = journal_row(event)
    if entry is not None:
        result.journal.append(entry)
    if not isinstance(ticket, dict):
        return
    _ticket(result, event, ticket, desk, timezone)


def _ticket(
    result: Fold, event: Parsed, ticket: dict[str, Any], desk: dict[str, Any], timezone: str
) -> None:
    kind = event.kind
    day = _text(ticket, "day", DAY)
    service = _text(ticket, "service_id")
    ticket_id = _text(ticket, "id", TICKET)
    per_service = (day, service)
    if kind == "ticket_issued":
        result.add("agg_service_day", per_service, issued=1)
        result.add("agg_hour", (day, _hour(_ms(ticket, "issued_at_ms"), timezone)), issued=1)
        _wait(result, ticket, timezone, None, called=0)
    elif kind == "ticket_called":
        _wait(result, ticket, timezone, _ms(ticket, "called_at_ms"), called=1)
    elif kind == "service_finished":
        service_ms = max(0, _ms(ticket, "finished_at_ms") - _ms(ticket, "started_at_ms"))
        if service_ms > MAX_SERVICE_MS:
            raise ValueError(f"a service of {service_ms} ms is longer than {MAX_SERVICE_MS}")
        result.add(
            "agg_service_day",
            per_service,
            served=1,
            services=1,
            service_sum_ms=service_ms,
            service_max_ms=service_ms,
        )
        staff = (day, _text(ticket, "desk_id"), _text(desk, "operator_id", missing=""))
        result.add("agg_staff_day", staff, served=1, service_sum_ms=service_ms)
    elif kind == "ticket_no_show":
        result.add("agg_service_day", per_service, no_shows=1)
        staff = (day, _text(ticket, "desk_id"), _text(desk, "operator_id", missing=""))
        result.add("agg_staff_day", staff, no_shows=1)
    elif kind == "ticket_cancelled":
        result.add("agg_service_day", per_service, cancelled=1)
        ended = _ms(ticket, "finished_at_ms") if ticket.get("finished_at_ms") else event.at_ms
        _wait(result, ticket, timezone, ended, called=0)
    elif kind == "ticket_transferred":
        result.add("agg_service_day", per_service, transferred=1)
    if kind in _ENDED:
        result.tickets[ticket_id] = None
        return
    state = _text(ticket, "state", STATE)
    since = {"waiting": "waiting_since_ms", "called": "called_at_ms", "serving": "started_at_ms"}
    result.tickets[ticket_id] = {
        "state": state,
        "service_id": service,
        "desk_id": _text(ticket, "desk_id", missing=""),
        "since_ms": _ms(ticket, since.get(state, "issued_at_ms"), missing=0),
    }


def _wait(
    result: Fold, ticket: dict[str, Any], timezone: str, end_ms: int | None, *, called: int
) -> None:
    """The ticket's one wait, ended at ``end_ms`` (None: still waiting) unless ended before.

    A row made here for a ticket issued in an earlier batch loses to the stored row on
    its day, hour, service and start (store.py's upsert), and ends it only if still open.
    """
    ticket_id = _text(ticket, "id", TICKET)
    known = result.waits.get(ticket_id)
    if known is not None and known["wait_ms"] is not None:
        return
    start_ms = _ms(ticket, "issued_at_ms")
    result.waits[ticket_id] = known or {
        "day": _text(ticket, "day", DAY),
        "hour": _hour(start_ms, timezone),
        "service_id": _text(ticket, "service_id"),
        "start_ms": start_ms,
    }
    result.waits[ticket_id]["wait_ms"] = None if end_ms is None else max(0, end_ms - start_ms)
    result.waits[ticket_id]["called"] = called


def _application(result: Fold, event: Parsed, timezone: str) -> None:
    """The application as the event leaves it, unless the batch holds a later version."""
    app = _part(event.data, "application")
    status = _text(app, "status", STATE)
    if status not in _STATUSES:
        raise ValueError(f"status {status!r} is none of {', '.join(sorted(_STATUSES))}")
    accepted_ms = _ms(app, "accepted_at_ms")
    number = _text(app, "number", NUMBER)
    known = result.applications.get(number)
    if known is not None and known["seq"] > event.seq:
        return
    result.applications[number] = {
        "seq": event.seq,
        "service_id": _text(app, "service_id"),
        "authority": _text(app, "authority", AUTHORITY, missing=""),
        "status": status,
        "planned_ready": _date(app, "planned_ready"),
        "accepted_day": _local(accepted_ms, timezone).date().isoformat(),
        "accepted_at_ms": accepted_ms,
        "ready_day": _date(app, "ready_day", missing=""),
        "ended_at_ms": _ms(app, "ended_at_ms", missing=0),
        "changed_at_ms": _ms(app, "changed_at_ms"),
    }


def journal_row(event: Parsed) -> dict[str, Any] | None:
    """The journal's row of an event (docs/journal.md), or None if it journals nothing.

    A ``journal`` event carries its entry, and so do the judgements of a priority claimed
    at the kiosk (who confirmed or removed it; the reason stays on the hub). A change of a
    booking is told by the booking's own event: who acted is the device that checked the
    visitor in, the hub for a no-show it marked, else the channel the booking came by.
    """
    row: dict[str, Any]
    if event.kind in _JOURNALED:
        entry = _part(event.data, "entry")
        row = {
            "action": _text(entry, "action", ACTION),
            "actor": _text(entry, "actor", ACTOR),
            "subject": _text(entry, "subject", ACTOR),
            "outcome": _text(entry, "outcome", OUTCOME),
            "door": _text(entry, "door", STATE, missing=""),
        }
    elif event.kind in _APPLICATION_KINDS:
        booking = _part(event.data, "appointment")
        by = _text(booking, "checked_in_by", ACTOR - len("device:"), missing="")
        if event.kind == "appointment_checked_in" and by:
            actor = f"device:{by}"
        elif event.kind == "appointment_no_show":
            actor = "hub"
        else:
            actor = _CHANNEL_ACTORS.get(_text(booking, "channel", STATE), "visitor")
        row = {
            "action": event.kind,
            "actor": actor,
            "subject": f"appointment:{_bounded(booking, 'id', 0, 2**62)}",
            "outcome": _text(booking, "state", STATE),
            "door": "",
        }
    else:
        return None
    return {"seq": event.seq, "at_ms": event.at_ms, "day": event.day, **row}


def rating(data: dict[str, Any]) -> dict[str, Any]:
    """A ticket_rated event's rating with every field the "Ваш контроль" export reads.

    Checked at ingest so that a rating stored is one the export can always write.
    """
    found = _part(data, "rating")
    for name in ("service_id", "desk_id", "channel"):
        if not isinstance(found.get(name), str):
            raise ValueError(f"the rating lacks its {name} (text)")
    score = found.get("score")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValueError(f"the rating's score {score!r} is not a whole number 1..5")
    return found


def _text(fields: dict[str, Any], name: str, limit: int = ID, missing: str | None = None) -> str:
    """A text field that fits its column; ``missing``: the value when absent."""
    if missing is not None and name not in fields:
        return missing
    value = str(fields[name])
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value)} characters long, more than {limit}")
    if "\x00" in value:
        # PostgreSQL's text types cannot hold it: the whole batch would fail for ever.
        raise ValueError(f"{name} holds a NUL, which no column can hold")
    return value


def _date(fields: dict[str, Any], name: str, missing: str | None = None) -> str:
    """An ISO date field (2026-12-07); "" is the ``missing`` value too, when one is given."""
    value = _text(fields, name, DAY, missing)
    if value == missing:
        return value
    return date.fromisoformat(value).isoformat()


def _ms(fields: dict[str, Any], name: str, missing: int | None = None) -> int:
    """A time of the event (Unix ms, 0..MAX_MS); ``missing``: the value when absent."""
    if missing is not None and name not in fields:
        return missing
    return _bounded(fields, name, 0, MAX_MS)


def _bounded(fields: dict[str, Any], name: str, low: int, high: int) -> int:
    """A whole number field within low..high: what a sum and a 64-bit column can hold."""
    value = int(fields[name])
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is outside {low}..{high}")
    return value


def _part(data: dict[str, Any], name: str) -> dict[str, Any]:
    """An event's own fields: under its name, or as a JSON object in ``detail``."""
    part = data.get(name)
    if isinstance(part, dict):
        return part
    detail = data.get("detail")
    if isinstance(detail, str) and detail.startswith("{"):
        found = json.loads(detail)
        if isinstance(found, dict):
            return found
    raise ValueError(f"no {name} fields (neither '{name}' nor a JSON detail)")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local(at_ms: int, timezone: str) -> datetime:
    return datetime.fromtimestamp(at_ms / 1000, _zone(timezone))


def _hour(at_ms: int, timezone: str) -> int:
    return _local(at_ms, timezone).hour
