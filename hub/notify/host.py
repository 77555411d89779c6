"""What the notifier needs of the hub, as a protocol the notify package owns."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy import Engine

from hub.booking import Bookings
from hub.config import LoadedConfig
from hub.domain.engine import QueueEngine
from hub.domain.model import Event, Snapshot, Ticket
from hub.ratings import Ratings
from hub.store.repository import Repository

T = TypeVar("T")


class NotifierHost(Protocol):
    """What the notifier needs of the hub (:class:`hub.service.Hub`)."""

    loaded: LoadedConfig
    engine: QueueEngine
    clock: Callable[[], int]
    bookings: Bookings
    ratings: Ratings
    # Where the keys that hash personal data are kept (hub/store/secrets.py).
    pki_dir: Path

    @property
    def committed_seq(self) -> int: ...

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...

    async def ticket(self, ticket_id: str) -> Ticket: ...

    async def snapshot(self) -> Snapshot: ...

    def follow(self, after_seq: int) -> AsyncIterator[Snapshot | Event]: ...


async def on_store(hub: NotifierHost, work: Callable[[Engine], T]) -> T:
    """Run ``work`` on the hub's database thread: the outbox's tables are in its database."""
    return await hub.read_store(lambda repository: work(repository.engine))
