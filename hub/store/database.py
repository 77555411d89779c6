"""Opening the hub's SQLite database: durable settings first, then the migrations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def open_database(path: Path) -> Engine:
    """One connection, used by one thread at a time: the hub has a single writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=StaticPool,
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _durable_settings)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("database ready path=%s", path)
    return engine


def _durable_settings(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while a batch commits; synchronous=FULL makes a commit
    # survive a power cut, not only a killed process (SQLite docs, "PRAGMA synchronous").
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
