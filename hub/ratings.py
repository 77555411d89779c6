"""Visitors' ratings of their service, from the desk's button box, a kiosk or an SMS link.

A rating is an event like any other (``ticket_rated``), numbered by the engine and
committed through the hub's one commit path, so it reaches the back office with the
rest. The rules are :mod:`hub.domain.rating`; the facts come from the log. Two ratings of
one ticket racing each other are told apart here: a ticket is claimed in the event loop
before its rating is written, so the second is refused even before the first is on disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Protocol, TypeVar

from hub.domain import rating as rules
from hub.domain.engine import QueueEngine
from hub.domain.model import Event, Outcome, RatingChannel, TicketState
from hub.errors import NotFound, NotRatable
from hub.store import ratings as store
from hub.store.repository import Repository
from hub.store.secrets import secret

log = logging.getLogger(__name__)
T = TypeVar("T")
_MAC_BYTES = 16


class RatingHost(Protocol):
    """What ratings need of the hub (:class:`hub.service.Hub`)."""

    engine: QueueEngine
    clock: Callable[[], int]

    async def run(self, command: Callable[[QueueEngine, int], Outcome]) -> Outcome: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...


class Ratings:
    def __init__(
        self,
        hub: RatingHost,
        *,
        window_ms: int = rules.WINDOW_MS,
        desk_window_ms: int = rules.DESK_WINDOW_MS,
    ) -> None:
        self._hub = hub
        self.window_ms = window_ms
        self.desk_window_ms = desk_window_ms
        # Tickets whose rating is being written or was written lately: ticket id -> when.
        self._claimed: dict[str, int] = {}
        self._key = b""

    async def rate(self, ticket_id: str, score: int, channel: RatingChannel) -> Event:
        """Record the visitor's score of a finished service; the ``ticket_rated`` event."""
        rules.check_score(score)
        found = await self.facts(ticket_id)
        now = self._hub.clock()
        rating = rules.rate(
            found.served,
            ticket_id,
            rated=found.rated,
            score=score,
            channel=channel,
            now_ms=now,
            window_ms=self.window_ms,
        )
        self._forget(now)
        self._claimed[ticket_id] = now
        try:
            outcome = await self._hub.run(lambda engine, at: engine.rate(rating, at))
        except BaseException:
            del self._claimed[ticket_id]
            raise
        event = outcome.events[-1]
        log.info(
            "service rated seq=%d desk=%s score=%d channel=%s",
            event.seq,
            rating.desk_id,
            score,
            channel.value,
        )
        return event

    async def rate_at_desk(self, desk_id: str, score: int) -> Event:
        """Rate the visitor who has just left ``desk_id`` (the desk's button box)."""
        rules.check_score(score)
        engine = self._hub.engine
        desk = engine.desk(desk_id)
        ticket = engine.last_finished(desk_id)
        now = self._hub.clock()
        serving = desk.current_ticket_id and (
            engine.ticket(desk.current_ticket_id).state is TicketState.SERVING
        )
        if ticket is None or serving or now - ticket.finished_at_ms > self.desk_window_ms:
            raise NotRatable(
                f"desk {desk.number} has no visitor who has just been served: the buttons rate "
                "a service in the minutes after it ends"
            )
        return await self.rate(ticket.id, score, RatingChannel.DESK)

    async def facts(self, ticket_id: str) -> store.Facts:
        """Who served the ticket, and whether it was rated (UnknownTicket for a bad id)."""
        store.ticket_day(ticket_id)
        found = await self._hub.read_store(lambda r: store.facts(r, ticket_id))
        return store.Facts(found.served, found.rated or ticket_id in self._claimed)

    async def token(self, ticket_id: str) -> str:
        """The token of a ticket's rating link: its id, signed with the hub's own key."""
        subject = base64.urlsafe_b64encode(ticket_id.encode()).decode().rstrip("=")
        return f"{subject}.{await self._mac(subject)}"

    async def ticket_of(self, token: str) -> str:
        """The ticket a rating link stands for; NotFound for a link the hub did not make."""
        subject, _, mac = token.partition(".")
        if not subject or not hmac.compare_digest(mac, await self._mac(subject)):
            raise NotFound("this rating link is not one the branch sent: check the link")
        try:
            return base64.urlsafe_b64decode(subject + "=" * (-len(subject) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError) as err:
            raise NotFound("this rating link is damaged: check the link") from err

    async def _mac(self, subject: str) -> str:
        if not self._key:
            self._key = await self._hub.read_store(lambda r: secret(r.engine, "rating"))
        digest = hmac.new(self._key, f"rate:{subject}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:_MAC_BYTES]).decode().rstrip("=")

    def _forget(self, now_ms: int) -> None:
        """Drop claims past the window: such tickets cannot be rated anyway."""
        old = [t for t, at in self._claimed.items() if now_ms - at > self.window_ms]
        for ticket_id in old:
            del self._claimed[ticket_id]
