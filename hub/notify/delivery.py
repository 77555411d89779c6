"""Sending from the outbox: one loop per channel, each message retried with backoff.

Each attempt is claimed in the hub's database before it is made and finished there after
it (docs/notifications.md, "Exactly once"); what a sender refuses for good is not
retried, and a message past its use is dropped unsent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine

from hub.errors import HubError
from hub.notify import outbox
from hub.notify.backoff import Backoff
from hub.notify.errors import DeliveryFailed, MessageRefused
from hub.notify.host import NotifierHost, on_store
from hub.notify.messages import Kind, Text, render
from hub.notify.notices import Links, render_notice
from hub.notify.outgoing import Outgoing, Sender
from hub.notify.signing import Signer
from okno.aio import woken

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 20
MAX_ATTEMPTS = 25


@dataclass(slots=True)
class Going:
    """A message claimed for an attempt, with what its text needs."""

    row: outbox.Row
    contact: outbox.Contact
    address: str
    rate_url: str
    # This attempt's number: one more than the outbox has recorded.
    attempts: int


class Delivery:
    def __init__(
        self,
        hub: NotifierHost,
        senders: Sequence[Sender],
        signer: Signer,
        *,
        backoff: Backoff,
        tick_s: float,
        max_attempts: int,
    ) -> None:
        self._hub = hub
        self.senders = {s.channel: s for s in senders}
        self._signer = signer
        self._backoff = backoff
        self._tick_s = tick_s
        self._max_attempts = max_attempts
        # Set when the outbox has something new: the send loops look at once.
        self.kicked = asyncio.Event()

    async def send_loop(self, sender: Sender) -> None:
        while True:
            try:
                sent = await self.send_due(sender.channel)
            except HubError as error:
                log.warning("outbox not read, will retry reason=%s", error)
                sent = 0
            except Exception:
                log.exception("sending failed unexpectedly; going on channel=%s", sender.channel)
                sent = 0
            if not sent:
                self.kicked.clear()
                await woken(self.kicked, self._tick_s)

    async def send_due(self, channel: str) -> int:
        """One pass over the channel's due messages; how many were looked at.

        The batch is read with its contacts in one trip to the database; the messages go
        out ``sender.at_once`` at a time, each group's outcome committed before the next
        group goes. Before a sender whose retries are not harmless (e-mail) is given a
        message, the attempt is claimed in its own commit (docs: "Exactly once"); a sender
        with idempotency keys (SMS) is not waited for: a message sent but not recorded when
        the hub stops is sent again with the same key, which the gateway answers without
        sending. A burst of SMS thus costs one read and one commit per ``at_once``.
        """
        sender = self.senders[channel]
        now = self._hub.clock()
        limit = max(BATCH, sender.at_once)
        found = await self._store(lambda e: outbox.due(e, channel, now, limit, self._signer.key))
        if not found:
            return 0
        rows = [row for row, _ in found]
        endings, going = await self._sorted(found, now)
        endings += [
            outbox.Ending(one.row.id, outbox.FAILED, f"gave up after {one.row.attempts} attempts")
            for one in going
            if one.attempts > self._max_attempts
        ]
        tried = [one for one in going if one.attempts <= self._max_attempts]
        if not sender.idempotent:
            await self._settle(rows, endings, claims=[one.row.id for one in tried])
            endings = []
        at_once = max(1, sender.at_once)
        for start in range(0, len(tried), at_once):
            group = tried[start : start + at_once]
            done = await asyncio.gather(*(self._send(sender, one) for one in group))
            await self._settle(rows, [*endings, *done])
            endings = []
        if endings:
            await self._settle(rows, endings)
        return len(rows)

    async def _sorted(
        self, found: list[tuple[outbox.Row, outbox.Contact]], now: int
    ) -> tuple[list[outbox.Ending], list[Going]]:
        """The messages that end unsent now, and those to try."""
        endings: list[outbox.Ending] = []
        going: list[Going] = []
        for row, contact in found:
            ended, address = self._unsendable(row, contact, now)
            rate_url = await self._rate_url(row) if ended is None else ""
            if ended is None and row.kind is Kind.RATE and not rate_url:
                ended = outbox.Ending(
                    row.id, outbox.DROPPED, "no public_url to link the rating page"
                )
            if ended is None:
                going.append(Going(row, contact, address, rate_url, row.attempts + 1))
            else:
                endings.append(ended)
        return endings, going

    def _unsendable(
        self, row: outbox.Row, found: outbox.Contact, now: int
    ) -> tuple[outbox.Ending | None, str]:
        """Why a message ends unsent (too late, no contact, opted out), or its address."""
        if now > row.expires_at_ms:
            return outbox.Ending(row.id, outbox.EXPIRED, "too late to be of use"), ""
        address = found.phone if row.channel == "sms" else found.email
        if found.obsolete:
            return outbox.Ending(row.id, outbox.DROPPED, found.obsolete), ""
        if address and found.stops(address):
            return outbox.Ending(row.id, outbox.STOPPED, "the visitor opted out"), ""
        if not address:
            return outbox.Ending(row.id, outbox.DROPPED, "no contact kept"), ""
        return None, address

    async def _send(self, sender: Sender, one: Going) -> outbox.Ending:
        """One attempt of a claimed message: sent, refused for good, or to be retried."""
        row = one.row
        message = self._compose(row, one.contact, one.address, one.rate_url)
        try:
            provider_id = await sender.send(message)
        except MessageRefused as error:
            log.warning("message refused id=%d kind=%s reason=%s", row.id, row.kind.value, error)
            return outbox.Ending(row.id, outbox.FAILED, str(error), attempts=one.attempts)
        except Exception as error:
            if not isinstance(error, DeliveryFailed):
                # Not the sender's own word: retried like a failure, and logged in full.
                log.exception("sender failed unexpectedly id=%d", row.id)
            wait_s = self._backoff.after(one.attempts)
            log.info(
                "message not delivered id=%d attempt=%d retry_in_s=%.1f reason=%s",
                row.id,
                one.attempts,
                wait_s,
                error,
            )
            retry_at = self._hub.clock() + int(wait_s * 1000)
            return outbox.Ending(
                row.id, outbox.PENDING, str(error), next_try_ms=retry_at, attempts=one.attempts
            )
        log.info(
            "message sent id=%d kind=%s channel=%s attempt=%d",
            row.id,
            row.kind.value,
            row.channel,
            one.attempts,
        )
        return outbox.Ending(row.id, outbox.SENT, provider_id=provider_id, attempts=one.attempts)

    async def _rate_url(self, row: outbox.Row) -> str:
        """The rating page of the ticket an invitation is about ("" for other messages)."""
        base = self.public_url()
        if row.kind is not Kind.RATE or not base:
            return ""
        return f"{base}/rate/{await self._hub.ratings.token(str(row.params['ticket']))}"

    def _compose(
        self, row: outbox.Row, found: outbox.Contact, address: str, rate_url: str
    ) -> Outgoing:
        branch = self._hub.loaded.branch
        base = self.public_url()
        stop_url = ""
        if base:
            token = self._signer.stop_token(row.appointment_id, row.watch_id, row.application)
            stop_url = f"{base}/stop/{token}"
        text = self._text(row, found, stop_url, rate_url)
        domain = branch.notifications.mail_from.rpartition("@")[2].strip(">") or "okno-hub.local"
        # Stable for every attempt, unique to this database: the hub's key signs the row.
        key = self._signer.mac(f"message:{row.key}:{row.id}")
        return Outgoing(
            to=address,
            subject=text.subject,
            text=text.body,
            key=f"okno-{branch.id}-{key}",
            message_id=f"<okno.{branch.id}.{row.id}.{key[:12]}@{domain}>",
            stop_url=stop_url,
        )

    def _text(self, row: outbox.Row, found: outbox.Contact, stop_url: str, rate_url: str) -> Text:
        branch = self._hub.loaded.branch
        if not row.kind.about_application:
            return render(
                row.kind,
                row.params,
                branch=branch,
                lang=row.lang,
                code=found.code,
                stop_url=stop_url,
                rate_url=rate_url,
            )
        base = self.public_url()
        collect = branch.applications.collect_service
        links = Links(
            look_up=f"{base}/application" if base else "",
            # The hub's booking page of the service that hands documents out.
            book=f"{base}/book/{collect}" if base and collect else "",
            stop=stop_url,
        )
        return render_notice(
            row.kind, row.params, branch=branch, lang=row.lang, reason=found.reason, links=links
        )

    def public_url(self) -> str:
        """Where links in messages point: [notifications] public_url, or the ticket page's."""
        return self._hub.loaded.branch.public_base()

    async def _settle(
        self, rows: list[outbox.Row], endings: list[outbox.Ending], claims: Sequence[int] = ()
    ) -> None:
        now = self._hub.clock()
        await self._store(lambda e: outbox.settle(e, endings, claims, now))
        self._ended(rows, endings)

    @staticmethod
    def _ended(rows: list[outbox.Row], endings: list[outbox.Ending]) -> None:
        kinds = {row.id: row.kind.value for row in rows}
        for ending in endings:
            if ending.state not in (outbox.SENT, outbox.PENDING):
                log.info(
                    "message ended id=%d kind=%s state=%s",
                    ending.id,
                    kinds[ending.id],
                    ending.state,
                )

    async def _store(self, work: Callable[[Engine], T]) -> T:
        return await on_store(self._hub, work)
