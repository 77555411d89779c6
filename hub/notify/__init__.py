"""Notifications to visitors: an outbox in the hub's database, SMTP and SMS senders.

``Notifier`` follows the hub's committed events and sends what they call for (booking
confirmed, reminder, turn near, called to desk, each change of an application); see
docs/notifications.md for the exactly-once argument and what is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from hub.domain.branch import Branch
from hub.notify.backoff import Backoff
from hub.notify.host import NotifierHost
from hub.notify.messages import Kind
from hub.notify.notifier import Notifier, WatchView
from hub.notify.outgoing import Outgoing, Sender
from hub.notify.senders import senders_for

log = logging.getLogger(__name__)


class NotifyingHub(NotifierHost, Protocol):
    """A hub that holds its notifier and tells of reloads (:class:`hub.service.Hub`)."""

    notifier: Notifier | None
    reloaders: list[Callable[[Branch, Branch, int], Awaitable[None]]]


__all__ = [
    "Backoff",
    "Kind",
    "Notifier",
    "NotifierHost",
    "NotifyingHub",
    "Outgoing",
    "Sender",
    "WatchView",
    "restart_on_reload",
    "senders_for",
    "start_notifier",
]


async def start_notifier(hub: NotifyingHub, since_seq: int | None = None) -> Notifier | None:
    """Start sending the messages the branch's [notifications] ask for; None if it asks none."""
    senders = senders_for(hub.loaded.branch)
    if not senders:
        return None
    notifier = Notifier(hub, senders)
    await notifier.start(since_seq)
    hub.notifier = notifier
    return notifier


def restart_on_reload(hub: NotifyingHub) -> None:
    """Restart the hub's notifier (``hub.notifier``) when a reload changes [notifications].

    Turning SMS on and reloading (SIGHUP or Admin.ReloadConfig) must send the next
    booking's message without a restart. The outbox keeps what is owed across the swap.
    """

    async def reloaded(old: Branch, new: Branch, seq: int) -> None:
        if old.notifications == new.notifications:
            return
        # Off until now: what happened while it was off is not announced (Notifier.start).
        since = seq if hub.notifier is None else None
        if hub.notifier is not None:
            await hub.notifier.stop()
            hub.notifier = None
        notifier = await start_notifier(hub, since)
        channels = ",".join(notifier.channels) if notifier is not None else "none"
        log.info("notifier restarted for the new configuration channels=%s", channels)

    hub.reloaders.append(reloaded)
