"""Sending from the outbox: one loop per channel, each message retried with backoff.

Each attempt is claimed in the hub's database before it is made and finished there after
it (docs/notifications.md, "Exactly once"); what a sender refuses for good is not
retried, and a message past its use is dropped unsent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

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

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 20
MAX_ATTEMPTS = 25


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
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.kicked.wait(), self._tick_s)

    async def send_due(self, channel: str) -> int:
        """One pass over the channel's due messages; how many were looked at."""
        sender = self.senders[channel]
        now = self._hub.clock()
        rows = await self._store(lambda e: outbox.due(e, channel, now, BATCH))
        for row in rows:
            await self._send(sender, row)
        return len(rows)

    async def _send(self, sender: Sender, row: outbox.Row) -> None:
        now = self._hub.clock()
        if now > row.expires_at_ms:
            await self._finish(row, outbox.EXPIRED, "too late to be of use")
            return
        found = await self._store(lambda e: outbox.contact(e, row, self._signer.key))
        address = found.phone if row.channel == "sms" else found.email
        if found.obsolete:
            await self._finish(row, outbox.DROPPED, found.obsolete)
            return
        if address and found.stops(address):
            await self._finish(row, outbox.STOPPED, "the visitor opted out")
            return
        if not address:
            await self._finish(row, outbox.DROPPED, "no contact kept")
            return
        attempts = await self._store(lambda e: outbox.claim(e, row.id, now))
        if attempts > self._max_attempts:
            await self._finish(row, outbox.FAILED, f"gave up after {attempts - 1} attempts")
            return
        rate_url = await self._rate_url(row)
        if row.kind is Kind.RATE and not rate_url:
            await self._finish(row, outbox.DROPPED, "no public_url to link the rating page")
            return
        message = self._compose(row, found, address, rate_url)
        try:
            provider_id = await sender.send(message)
        except MessageRefused as error:
            log.warning("message refused id=%d kind=%s reason=%s", row.id, row.kind.value, error)
            await self._finish(row, outbox.FAILED, str(error))
            return
        except Exception as error:
            if not isinstance(error, DeliveryFailed):
                # Not the sender's own word: retried like a failure, and logged in full.
                log.exception("sender failed unexpectedly id=%d", row.id)
            wait_s = self._backoff.after(attempts)
            log.info(
                "message not delivered id=%d attempt=%d retry_in_s=%.1f reason=%s",
                row.id,
                attempts,
                wait_s,
                error,
            )
            await self._finish(
                row, outbox.PENDING, str(error), next_try_ms=now + int(wait_s * 1000)
            )
            return
        await self._finish(row, outbox.SENT, "", provider_id=provider_id)
        log.info(
            "message sent id=%d kind=%s channel=%s attempt=%d",
            row.id,
            row.kind.value,
            row.channel,
            attempts,
        )

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
        branch = self._hub.loaded.branch
        if branch.notifications.public_url:
            return branch.notifications.public_url.rstrip("/")
        if branch.ticket_page_url:
            parts = urlsplit(branch.ticket_page_url)
            return f"{parts.scheme}://{parts.netloc}"
        return ""

    async def _finish(
        self,
        row: outbox.Row,
        state: str,
        outcome: str,
        *,
        provider_id: str = "",
        next_try_ms: int = 0,
    ) -> None:
        now = self._hub.clock()
        await self._store(
            lambda e: outbox.finish(
                e,
                row.id,
                state,
                now,
                outcome=outcome,
                provider_id=provider_id,
                next_try_ms=next_try_ms,
            )
        )
        if state not in (outbox.SENT, outbox.PENDING):
            log.info("message ended id=%d kind=%s state=%s", row.id, row.kind.value, state)

    async def _store(self, work: Callable[[Engine], T]) -> T:
        return await on_store(self._hub, work)
