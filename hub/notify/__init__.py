"""Notifications to visitors: an outbox in the hub's database, SMTP and SMS senders.

``Notifier`` follows the hub's committed events and sends what they call for (booking
confirmed, reminder, turn near, called to desk, application status); see
docs/notifications.md for the exactly-once argument and what is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.notify.messages import ApplicationStatus, Kind
from hub.notify.notifier import Backoff, Notifier, WatchView
from hub.notify.senders import Outgoing, Sender, senders_for

if TYPE_CHECKING:
    from hub.service import Hub

__all__ = [
    "ApplicationStatus",
    "Backoff",
    "Kind",
    "Notifier",
    "Outgoing",
    "Sender",
    "WatchView",
    "senders_for",
    "start_notifier",
]


async def start_notifier(hub: Hub) -> Notifier | None:
    """Start sending the messages the branch's [notifications] ask for; None if it asks none."""
    senders = senders_for(hub.loaded.branch)
    if not senders:
        return None
    notifier = Notifier(hub, senders)
    await notifier.start()
    hub.notifier = notifier
    return notifier
