"""The database: migrations build what the code writes, and it refuses a number twice."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from hub.domain.engine import QueueEngine
from hub.store import schema
from hub.store.database import open_database
from hub.store.repository import Repository
from tests.hub.conftest import MONDAY_10_00, make_branch


def test_the_migrations_build_the_schema_the_code_uses(tmp_path: Path) -> None:
    database = open_database(tmp_path / "hub.db")
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    database.close()
    assert differences == []


def test_the_database_refuses_a_ticket_number_given_twice(tmp_path: Path) -> None:
    repository = Repository(open_database(tmp_path / "hub.db"))
    first = QueueEngine(make_branch(), MONDAY_10_00).issue("passport", MONDAY_10_00)
    repository.append(first.events)
    again = QueueEngine(make_branch(), MONDAY_10_00, seq=1).issue("passport", MONDAY_10_00)
    with pytest.raises(IntegrityError):
        repository.append(again.events)
    assert [e.seq for e in repository.events_after(0, 10)] == [1]
    repository.close()


@pytest.mark.usefixtures("permissive_umask")
def test_the_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    repository = Repository(open_database(tmp_path / "hub.db"))
    repository.append(
        QueueEngine(make_branch(), MONDAY_10_00).issue("passport", MONDAY_10_00).events
    )

    made = [tmp_path / name for name in ("hub.db", "hub.db-wal", "hub.db-shm")]
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in made}
    repository.close()
    assert modes == {"hub.db": 0o600, "hub.db-wal": 0o600, "hub.db-shm": 0o600}


def test_the_database_commits_in_full_sync_through_a_wal_and_zeroes_what_it_deletes(
    tmp_path: Path,
) -> None:
    database = open_database(tmp_path / "hub.db")
    with database.engine.connect() as connection:
        settings = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "secure_delete")
        ]
    database.close()

    assert settings == ["wal", 2, 1]  # synchronous=2 is FULL: a commit survives a power cut
