"""The journal: who signed in, set a PIN, admitted a device, changed settings (docs/journal.md).

An entry is an event of the one log (``journal``), numbered by the engine and committed
through the hub's one commit path: it survives a crash like every acknowledged change and
reaches the back office with the sync. It holds ids and codes only, never a name, a phone
or anything typed, so the log and the back office can keep it for years.

Who acted is taken from where the call came in: the doorkeeper sets it for every RPC
(:func:`acting_as`), the web pages for theirs; outside any call it is the hub's machine.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, select

from hub.domain.engine import QueueEngine
from hub.domain.model import Event, EventKind, JournalEntry, Outcome
from hub.store import codec, schema

log = logging.getLogger(__name__)

# What is journaled (docs/journal.md); the back office lists them by these words.
SIGN_IN = "sign_in"
PIN_SET = "pin_set"
DEVICE_APPROVED = "device_approved"
DEVICE_REJECTED = "device_rejected"
DEVICE_REVOKED = "device_revoked"
DEVICE_SETTINGS = "device_settings_changed"
DEVICE_DESCRIBED = "device_described"
CONFIG_RELOADED = "config_reloaded"
# Written by `okno restore` into the restored database, before the hub first starts.
HUB_RESTORED = "hub_restored"
DONE = "ok"
# The widest outcome the back office keeps (backoffice/schema.py journal.outcome).
MAX_OUTCOME = 200
# Outside an RPC: a reload on SIGHUP or at the hub's own command line, on the hub's machine.
HUB_MACHINE = "hub"


@dataclass(frozen=True, slots=True)
class Acting:
    """Who is acting (``staff:<id>``, ``device:<id>``, ``local``, ``anonymous``) and
    through which door (``network``, ``devices``, ``local``, ``web``, ``hub``)."""

    actor: str
    door: str


OUTSIDE_CALLS = Acting("local", HUB_MACHINE)
_acting: contextvars.ContextVar[Acting] = contextvars.ContextVar("acting", default=OUTSIDE_CALLS)


def acting_as(actor: str, door: str) -> None:
    """Name who acts for the rest of this call (its asyncio task and what it awaits)."""
    _acting.set(Acting(actor, door))


def acting() -> Acting:
    return _acting.get()


class JournalHost(Protocol):
    """What the journal needs of the hub (:class:`hub.service.Hub`)."""

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...


class Journal:
    def __init__(self, hub: JournalHost) -> None:
        self._hub = hub

    async def record(
        self, action: str, subject: str, outcome: str = DONE, *, actor: str = ""
    ) -> Event:
        """Keep one entry, returning once it is committed; ``actor`` overrides the caller."""
        who = acting()
        entry = JournalEntry(action, actor or who.actor, subject, outcome, who.door)
        done = await self._hub.run(lambda engine, now: engine.journal(entry, now))
        event = done.events[-1]
        log.info(
            "journal seq=%d action=%s actor=%s subject=%s outcome=%s door=%s",
            event.seq,
            action,
            entry.actor,
            subject,
            outcome,
            entry.door,
        )
        return event


def kept(engine: Engine, day: str = "") -> list[Event]:
    """The journal events a hub database holds, in order: of one branch day, or all."""
    events = schema.events
    query = select(events.c.payload).where(events.c.kind == EventKind.JOURNAL.value)
    if day:
        query = query.where(events.c.day == day)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(events.c.seq)).scalars()
        return [codec.event_from_json(payload) for payload in rows]
