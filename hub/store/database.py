"""Opening the hub's SQLite database: durable settings first, then the migrations."""

from __future__ import annotations

import fcntl
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from hub.errors import StoreUnavailable
from okno.files import durable_sqlite, private_database

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass
class Database:
    engine: Engine
    # Held open while the hub runs: its lock keeps a second hub off the same file.
    lock: IO[str]

    def close(self) -> None:
        self.engine.dispose()
        self.lock.close()


def open_database(path: Path) -> Database:
    """One connection, used by one thread at a time: the hub has a single writer.

    The file and its -wal and -shm are owner only: they hold visitors' personal data.

    Raises StoreUnavailable with what to do when the file cannot be the hub's database.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(path)
        private_database(path)
        engine = create_engine(
            f"sqlite:///{path}",
            poolclass=StaticPool,
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        event.listen(engine, "connect", _durable_settings)
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except (OSError, SQLAlchemyError) as err:
        # SQLAlchemy's own text spans lines; the driver's says it in a few words.
        reason = getattr(err, "orig", None) or err
        raise StoreUnavailable(
            f"cannot open the database {path}: {reason}; give --db a writable path to the "
            "hub's own database file"
        ) from err
    log.info("database ready path=%s", path)
    return Database(engine, lock)


def _lock(path: Path) -> IO[str]:
    lock = (path.parent / f"{path.name}.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreUnavailable(
            f"another hub is using {path}: stop it first, or give this one its own --db"
        ) from None
    return lock


def _durable_settings(dbapi_connection: Any, _record: Any) -> None:
    durable_sqlite(dbapi_connection)
    # What is deleted or overwritten (an erased contact, a moved key) is zeroed on its
    # page, not left in the file's free space for a copy of the file to show: whatever
    # the SQLite build's default (Debian's is on, SQLite's own is off).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def forget_old_pages(engine: Engine) -> None:
    """Copy the WAL into the database and empty it, after an erasure.

    The WAL keeps every page as it was written, erased personal data included, until a
    checkpoint: without this it would linger there as long as the hub runs.
    """
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
