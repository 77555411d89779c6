"""What the outbox hands a sender, and what a sender must do with it.

Kept apart from the choice of senders (``senders.py``), which imports every sender: the
senders themselves need only this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: str
    subject: str
    text: str
    # The same for every attempt of one message: the gateway's idempotency key, and
    # the e-mail's Message-ID (docs/notifications.md, "Exactly once").
    key: str
    message_id: str
    stop_url: str = ""


class Sender(Protocol):
    channel: str
    # How many messages it may be given at once (an SMTP connection takes one at a time).
    at_once: int
    # Whether the receiver takes a repeated attempt as the same message (an idempotency
    # key): then an attempt need not be recorded before it is made.
    idempotent: bool

    async def send(self, message: Outgoing) -> str:
        """Deliver once; the provider's id. DeliveryFailed: retry; MessageRefused: drop."""
        ...

    async def close(self) -> None: ...
