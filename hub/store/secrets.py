"""The hub's own random keys, made on first use and kept in its database.

Keys that hash personal data (phones, e-mails, SNILS) must outlive restarts, or nothing
hashed before a restart would match after it; and they must stay on the hub.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.dialects.sqlite import insert

from hub.store import schema


def secret(engine: Engine, name: str) -> bytes:
    """The hub's key ``name`` (32 random bytes), made the first time it is asked for."""
    table = schema.hub_secrets
    with engine.begin() as connection:
        connection.execute(
            insert(table)
            .values(name=name, value=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        value = connection.execute(select(table.c.value).where(table.c.name == name)).scalar()
    assert value is not None
    return bytes.fromhex(value)
