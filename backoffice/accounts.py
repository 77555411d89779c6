"""The dashboard's people and their sessions, kept in the back office's database.

A regional manager reads every branch; a branch head reads their own branch only. An
account is made by ``okno backoffice add-user``; its password is kept as a salted scrypt
hash (RFC 7914: n=2^14, r=8, p=1), so a copy of the database does not give it away. A
session is a random token in an HttpOnly cookie; the database keeps the token's SHA-256
and when it expires, so a restart of the back office signs nobody out and a copy of the
database signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select

from backoffice import schema
from backoffice.errors import BadAccount

REGIONAL = "regional"
BRANCH_HEAD = "branch-head"
ROLES = (REGIONAL, BRANCH_HEAD)
MIN_PASSWORD = 12
# A working day: a person signs in in the morning and is signed out overnight.
SESSION_MS = 10 * 3_600_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# Checked against when the name is unknown, so that a wrong name takes as long as a wrong
# password and the answer's time does not tell which names exist.
_NOBODY_SALT = secrets.token_hex(16)


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    # The one branch a branch head reads; None for a regional manager.
    branch_id: str | None

    def sees(self, branch_id: str) -> bool:
        """Whether this person may read ``branch_id``'s figures."""
        return self.branch_id is None or self.branch_id == branch_id


def _hash(password: str, salt: str) -> str:
    return hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def add_user(
    engine: Engine, name: str, role: str, password: str, branch_id: str | None = None
) -> None:
    """Make an account, or give an existing one this role and password (its sessions end).

    BadAccount says what is wrong: a name not of a-z, 0-9, ".", "_", "-"; an unknown
    role; a branch head without a registered branch, or a regional manager with one; a
    password shorter than MIN_PASSWORD characters.
    """
    if not _NAME.match(name):
        raise BadAccount(
            f"the name {name!r} is not 1 to 64 of a-z, 0-9, '.', '_', '-' starting with a "
            "letter or digit: choose a login such as 'ivanova'"
        )
    if role not in ROLES:
        raise BadAccount(f"no role {role!r}: --role is one of {', '.join(ROLES)}")
    if role == BRANCH_HEAD and not branch_id:
        raise BadAccount("a branch head reads one branch: give --branch with its id")
    if role == REGIONAL and branch_id:
        raise BadAccount("a regional manager reads every branch: leave out --branch")
    if len(password) < MIN_PASSWORD:
        raise BadAccount(
            f"the password has {len(password)} characters; give at least {MIN_PASSWORD}"
        )
    salt = secrets.token_hex(16)
    row = {
        "name": name,
        "role": role,
        "branch_id": branch_id,
        "password_hash": _hash(password, salt),
        "salt": salt,
        "created_at_ms": _now_ms(),
    }
    with engine.begin() as connection:
        if branch_id:
            known = connection.execute(
                select(schema.branches.c.id).where(schema.branches.c.id == branch_id)
            ).first()
            if known is None:
                raise BadAccount(
                    f"branch {branch_id!r} is not registered: register it first "
                    "(okno backoffice add-branch) or check its id"
                )
        connection.execute(delete(schema.users).where(schema.users.c.name == name))
        connection.execute(delete(schema.sessions).where(schema.sessions.c.user_name == name))
        connection.execute(insert(schema.users).values(row))


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The account if the password is its own; None otherwise, in the same time either way."""
    table = schema.users
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.name == name)).first()
    given = _hash(password, row.salt if row else _NOBODY_SALT)
    if row is None or not hmac.compare_digest(given, row.password_hash):
        return None
    return User(row.name, row.role, row.branch_id)


def open_session(engine: Engine, name: str, now_ms: int | None = None) -> str:
    """A new session of the account ``name``: the token its cookie carries."""
    now = _now_ms() if now_ms is None else now_ms
    token = secrets.token_urlsafe(32)
    table = schema.sessions
    with engine.begin() as connection:
        connection.execute(delete(table).where(table.c.expires_ms < now))
        connection.execute(
            insert(table).values(
                token_hash=_token_hash(token), user_name=name, expires_ms=now + SESSION_MS
            )
        )
    return token


def session_user(engine: Engine, token: str, now_ms: int | None = None) -> User | None:
    """Who the session ``token`` belongs to; None when it is unknown, ended or expired."""
    now = _now_ms() if now_ms is None else now_ms
    s, u = schema.sessions, schema.users
    with engine.connect() as connection:
        row = connection.execute(
            select(u.c.name, u.c.role, u.c.branch_id)
            .select_from(s.join(u, u.c.name == s.c.user_name))
            .where(s.c.token_hash == _token_hash(token), s.c.expires_ms > now)
        ).first()
    return User(row.name, row.role, row.branch_id) if row else None


def close_session(engine: Engine, token: str) -> None:
    """End the session ``token`` (signing out); an unknown token changes nothing."""
    with engine.begin() as connection:
        connection.execute(
            delete(schema.sessions).where(schema.sessions.c.token_hash == _token_hash(token))
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
