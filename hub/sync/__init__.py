"""Sending the hub's event log to the region's back office (docs/backoffice.md).

``start_sync`` runs a ``Sender`` in the hub's loop when ``okno hub --backoffice`` is
given: it reads the committed events from the hub's database after the seq the back
office acknowledges, without what people typed (hub/store/typed.py), pushes them in
signed batches, and tells the back office the branch's names (hub/sync/directory.py) at
start and after a reload changes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from hub.store import schema
from hub.store.typed import outgoing_payload
from hub.sync.directory import directory_json
from hub.sync.errors import BadSyncSettings
from hub.sync.sender import Sender
from okno.errors import SecretExposed
from okno.files import read_private

if TYPE_CHECKING:
    from hub.service import Hub

__all__ = ["Sender", "events_after", "read_ca", "read_secret", "start_sync"]


def events_after(engine: Engine, seq: int, limit: int) -> list[tuple[int, str]]:
    """The hub's logged events after ``seq``, in order, as (seq, payload) as they may leave
    the hub: without what people typed (hub/store/typed.py)."""
    events = schema.events
    query = select(events.c.seq, outgoing_payload()).where(events.c.seq > seq)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(events.c.seq).limit(limit))
        return [(int(s), str(p)) for s, p in rows]


def read_secret(path: Path) -> str:
    """The branch's secret as ``okno backoffice add-branch`` printed it, from a file.

    Raises SecretExposed when others than the file's owner may read it: whoever holds the
    secret can push events in the branch's name.
    """
    try:
        secret = read_private(path).decode().strip()
        bytes.fromhex(secret)
    except SecretExposed:
        raise
    except (OSError, ValueError) as error:
        raise BadSyncSettings(
            f"cannot read the branch's back office secret from {path}: {error}; put there the "
            "hex secret `okno backoffice add-branch` printed"
        ) from None
    return secret


def read_ca(path: Path) -> bytes:
    """The authority (PEM) the back office's TLS certificate must chain to (--backoffice-ca)."""
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise BadSyncSettings(
            f"cannot read the back office's CA from {path}: {error.strerror}; give "
            "--backoffice-ca the PEM certificate that signed the back office's"
        ) from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise BadSyncSettings(
            f"{path} holds no PEM certificate: give --backoffice-ca the CA certificate (PEM) "
            "that signed the back office's --tls-cert"
        )
    return pem


async def start_sync(hub: Hub, target: str, secret: str, ca: bytes | None = None) -> Sender:
    """Start pushing the hub's events to the back office at ``target`` (host:port); over
    TLS trusting ``ca`` (PEM) when given."""

    async def source(after: int, limit: int) -> list[tuple[int, str]]:
        committed = hub.committed_seq
        found = await hub.read_store(lambda r: events_after(r.engine, after, limit))
        return [(s, p) for s, p in found if s <= committed]

    made: dict[str, str] = {}

    def directory() -> str:
        """The directory of the configuration loaded now, made once per configuration."""
        loaded = hub.loaded
        if loaded.digest not in made:
            made.clear()
            made[loaded.digest] = directory_json(loaded.branch)
        return made[loaded.digest]

    sender = Sender(
        source,
        branch_id=hub.loaded.branch.id,
        target=target,
        secret=secret,
        head=lambda: hub.committed_seq,
        directory=directory,
        ca=ca,
    )
    await sender.start()
    return sender
