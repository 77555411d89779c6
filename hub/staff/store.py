"""Where staff sign-in keeps what must last: PIN hashes, live sessions, the day's events
it counts, and the key that signs tokens.

Each database function runs on the hub's database thread (``Hub.read_store``), beside the
queue's writes, with the hub's one connection; the hub reads the sessions and the key
once, as it starts.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert

from hub.domain.model import Event
from hub.errors import TokenKeyUnusable
from hub.staff.figures import KINDS
from hub.staff.tokens import KEY_BYTES, Claims
from hub.store import codec, schema
from hub.store.repository import Repository
from okno.files import read_private, write_private

_CREDENTIALS = schema.staff_credentials
_SESSIONS = schema.staff_sessions
# Beside the branch CA's ca.key, in the hub's pki directory.
TOKEN_KEY_FILE = "staff-tokens.key"


@dataclass(frozen=True, slots=True)
class KeptSession:
    """A session that has not ended, as the hub keeps it: its token's claims, and where
    the member signed in from."""

    claims: Claims
    source: str


def token_key(pki_dir: Path) -> bytes:
    """The key that signs staff tokens, made on the hub's first start (a 0600 file).

    SecretExposed when others may read the file; TokenKeyUnusable when it is not a key.
    """
    path = pki_dir / TOKEN_KEY_FILE
    if not path.exists():
        pki_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, secrets.token_bytes(KEY_BYTES))
    key = read_private(path)
    if len(key) != KEY_BYTES:
        raise TokenKeyUnusable(
            f"{path} holds {len(key)} bytes, not a {KEY_BYTES}-byte key: delete it and start "
            "the hub again (everyone then signs in again)"
        )
    return key


def live_sessions(repository: Repository, now_ms: int) -> list[KeptSession]:
    """The sessions that have not ended; expired ones are deleted."""
    with repository.engine.begin() as connection:
        connection.execute(delete(_SESSIONS).where(_SESSIONS.c.expires_ms <= now_ms))
        rows = connection.execute(select(_SESSIONS)).all()
    return [
        KeptSession(Claims(r.token_id, r.operator_id, r.issued_ms, r.expires_ms), r.source)
        for r in rows
    ]


def save_session(repository: Repository, kept: KeptSession, pin_hash: str) -> bool:
    """Keep a new session made with the PIN of ``pin_hash``; forget expired ones.

    False, and nothing kept, when that PIN was replaced since it was checked: a sign-in
    that raced a new PIN must not outlive it.
    """
    claims = kept.claims
    with repository.engine.begin() as connection:
        current = _pin_hash(connection, claims.operator_id)
        if current is None or not hmac.compare_digest(current.encode(), pin_hash.encode()):
            return False
        connection.execute(delete(_SESSIONS).where(_SESSIONS.c.expires_ms <= claims.issued_ms))
        connection.execute(
            insert(_SESSIONS).values(
                token_id=claims.token_id,
                operator_id=claims.operator_id,
                issued_ms=claims.issued_ms,
                expires_ms=claims.expires_ms,
                source=kept.source,
            )
        )
    return True


def end_session(repository: Repository, token_id: str) -> None:
    with repository.engine.begin() as connection:
        connection.execute(delete(_SESSIONS).where(_SESSIONS.c.token_id == token_id))


def pin_of(repository: Repository, operator_id: str) -> str | None:
    """The stored PIN hash of an operator, or None when no PIN was set."""
    with repository.engine.connect() as connection:
        return _pin_hash(connection, operator_id)


def _pin_hash(connection: Connection, operator_id: str) -> str | None:
    return connection.execute(
        select(_CREDENTIALS.c.pin_hash).where(_CREDENTIALS.c.operator_id == operator_id)
    ).scalar()


def save_pin(repository: Repository, operator_id: str, pin_hash: str, at_ms: int, by: str) -> None:
    """Keep a new PIN's hash and end the operator's sessions, together."""
    statement = insert(_CREDENTIALS).values(
        operator_id=operator_id, pin_hash=pin_hash, set_at_ms=at_ms, set_by=by
    )
    statement = statement.on_conflict_do_update(
        index_elements=["operator_id"],
        set_={"pin_hash": pin_hash, "set_at_ms": at_ms, "set_by": by},
    )
    with repository.engine.begin() as connection:
        connection.execute(statement)
        connection.execute(delete(_SESSIONS).where(_SESSIONS.c.operator_id == operator_id))


def with_pins(repository: Repository) -> set[str]:
    """Ids of the operators who have a PIN."""
    with repository.engine.connect() as connection:
        return set(connection.execute(select(_CREDENTIALS.c.operator_id)).scalars())


def day_events(repository: Repository, day: str, after_seq: int) -> list[Event]:
    """The day's events that figures count, after ``after_seq``, oldest first."""
    events = schema.events
    with repository.engine.connect() as connection:
        rows = connection.execute(
            select(events.c.payload)
            .where(
                events.c.day == day,
                events.c.seq > after_seq,
                events.c.kind.in_([k.value for k in KINDS]),
            )
            .order_by(events.c.seq)
        ).scalars()
        return [codec.event_from_json(text) for text in rows]
