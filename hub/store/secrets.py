"""The hub's own random keys: beside its CA when they hash personal data, so that a copy
of the database never holds them; the others in its database.

Keys that hash personal data (phones, e-mails, SNILS) must outlive restarts, or nothing
hashed before a restart would match after it; and they must stay on the hub.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from sqlalchemy import Engine, case, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert

from hub.errors import KeyDamaged
from hub.store import schema
from hub.store.database import forget_old_pages
from okno.errors import SecretExposed
from okno.files import read_private, write_private

log = logging.getLogger(__name__)
KEY_BYTES = 32
# Keys that hash personal data kept on the hub: the SNILS of bookings (hub/booking.py),
# and the phones and e-mails of those who asked for no more messages (hub/notify).
SNILS_KEY = "snils"
NOTIFY_KEY = "notify"
# Where hubs before issue 19 kept a copy of a key besides hub_secrets: the settings of
# each config command sent to a device, for the key devices are given.
_DEVICE_SETTING = {SNILS_KEY: "$.snils_hash_key"}


def secret(engine: Engine, name: str) -> bytes:
    """The hub's key ``name`` (32 random bytes), made the first time it is asked for."""
    table = schema.hub_secrets
    with engine.begin() as connection:
        connection.execute(
            insert(table)
            .values(name=name, value=secrets.token_hex(KEY_BYTES))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        value = connection.execute(select(table.c.value).where(table.c.name == name)).scalar()
    assert value is not None
    return bytes.fromhex(value)


def file_key(directory: Path, engine: Engine, name: str) -> bytes:
    """The hub's key ``name`` from ``directory``/``name``.key (0600), made on first use.

    Never in the database, for a key that hashes personal data: with the key, a copy of
    the database (a backup, a disk sent for repair) gives back each SNILS or phone number
    by trying its 10^9 candidates, in seconds. A key an older hub kept in the database is
    moved here, so that its hashes (and the cards read with it) still match: the file is
    written first, then the database forgets the key in one transaction, so a crash
    between the two leaves the key in both places and the next start finishes the move.

    Raises SecretExposed when others may read the file, KeyDamaged when it is unreadable
    or does not hold the key the database does.
    """
    path = directory / f"{name}.key"
    kept = _kept_in_database(engine, name)
    if path.exists():
        key = _read_key(path)
        if kept is not None and kept != key:
            raise KeyDamaged(
                f"the hub's database holds another key than {path}: the database comes from "
                "another hub, or from a backup older than this key file; restore the "
                "database and the key file from the same backup"
            )
    else:
        key = kept if kept is not None else secrets.token_bytes(KEY_BYTES)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, key.hex().encode() + b"\n")
        log.info("key file made file=%s moved_from_database=%s", path, kept is not None)
    if kept is not None:
        _forget_in_database(engine, name)
        log.info("key removed from the database, now only in file=%s", path)
    return key


def _read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(read_private(path).decode("ascii").strip())
    except SecretExposed:
        raise
    except (OSError, ValueError) as err:
        raise KeyDamaged(
            f"{path} cannot be read as one of the hub's keys ({err}): restore it from the "
            "hub's backup; without it nothing hashed with it before matches again"
        ) from err
    if len(key) != KEY_BYTES:
        raise KeyDamaged(
            f"{path} holds {len(key)} bytes, not the {KEY_BYTES} of one of the hub's keys: "
            "restore it from the hub's backup"
        )
    return key


def _kept_in_database(engine: Engine, name: str) -> bytes | None:
    table = schema.hub_secrets
    with engine.connect() as connection:
        value = connection.execute(select(table.c.value).where(table.c.name == name)).scalar()
    return None if value is None else bytes.fromhex(value)


def _forget_in_database(engine: Engine, name: str) -> None:
    """Delete the key's row and the copies config commands carry, then empty the WAL."""
    with engine.begin() as connection:
        connection.execute(delete(schema.hub_secrets).where(schema.hub_secrets.c.name == name))
        setting = _DEVICE_SETTING.get(name)
        if setting is not None:
            commands = schema.device_commands
            payload = commands.c.payload_json
            # A technician's own command may hold any text: JSON functions only on JSON.
            holds = case((func.json_valid(payload) == 1, func.json_type(payload, setting)))
            connection.execute(
                update(commands)
                .where(commands.c.kind == "config", holds.is_not(None))
                .values(payload_json=func.json_remove(payload, setting))
            )
    forget_old_pages(engine)
