"""A real PostgreSQL for the back office's and the sync's tests: a cluster, a database each.

Imported by their conftest files; the cluster starts once per session (per directory).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine

from backoffice.pgcluster import temporary_cluster
from backoffice.store import open_store


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    with temporary_cluster() as url:
        yield url


@pytest.fixture
def pg_url(pg_cluster: str) -> str:
    """A fresh, empty database on the session's cluster."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_cluster, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return pg_cluster.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["postgresql", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/backoffice.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    found = open_store(store_url)
    yield found
    found.dispose()
