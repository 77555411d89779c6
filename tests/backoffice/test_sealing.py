"""Branch secrets are sealed in the database with a key kept outside it (issue 19): a copy
of the database gives no secret away; PostgreSQL and SQLite."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from backoffice import schema
from backoffice.errors import KeyUnavailable
from backoffice.sealing import ENV, key_file
from backoffice.store import add_branch, check_secrets, open_store, store
from okno.errors import SecretExposed
from tests.backoffice.hand import BRANCH, history
from tests.backoffice.test_store import signed


def everything(engine: Engine) -> str:
    """Every row of every table of the back office, as one text."""
    with engine.connect() as connection:
        return repr([list(connection.execute(select(t))) for t in schema.metadata.sorted_tables])


def test_the_database_holds_no_branch_secret(engine: Engine, store_url: str) -> None:
    secret = add_branch(engine, BRANCH)
    events = history()
    assert store(engine, signed(secret, events)) == (16, 16)
    assert secret not in everything(engine)
    if store_url.startswith("sqlite"):
        database = Path(store_url.removeprefix("sqlite:///"))
        files = [database, *database.parent.glob(f"{database.name}-*")]
        assert not any(secret.encode() in f.read_bytes() for f in files)
        assert not any(bytes.fromhex(secret) in f.read_bytes() for f in files)
    path = key_file(store_url)
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret not in path.read_text()


def test_a_copy_of_the_database_without_its_key_opens_no_secret(
    store_url: str, tmp_path: Path
) -> None:
    engine = open_store(store_url)
    add_branch(engine, BRANCH)
    engine.dispose()
    stranger = open_store(store_url, tmp_path / "another.key")
    with pytest.raises(KeyUnavailable, match="no key file at"):
        check_secrets(stranger)
    (tmp_path / "another.key").write_text("11" * 32)
    (tmp_path / "another.key").chmod(0o600)
    stranger = open_store(store_url, tmp_path / "another.key")
    with pytest.raises(KeyUnavailable, match="sealed with another key"):
        check_secrets(stranger)
    stranger.dispose()


def test_a_key_file_others_can_read_is_refused(store_url: str) -> None:
    engine = open_store(store_url)
    add_branch(engine, BRANCH)
    path = key_file(store_url)
    assert path is not None
    path.chmod(0o644)
    engine.dispose()
    reopened = open_store(store_url)
    with pytest.raises(SecretExposed, match="chmod 600"):
        check_secrets(reopened)
    reopened.dispose()
    path.chmod(0o600)


def test_a_secret_an_older_back_office_kept_plain_is_sealed_when_opened(engine: Engine) -> None:
    plain = "ab" * 32
    add_branch(engine, BRANCH)
    with engine.begin() as connection:
        connection.execute(update(schema.branches).values(secret=plain))
    url = engine.url.render_as_string(hide_password=False)
    reopened = open_store(url)
    with reopened.connect() as connection:
        kept = connection.execute(select(schema.branches.c.secret)).scalar_one()
    assert kept.startswith("v1:") and plain not in kept
    assert store(reopened, signed(plain, history())) == (16, 16)
    reopened.dispose()


def test_a_postgresql_back_office_without_a_key_file_says_to_give_one(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV)
    engine = open_store(pg_url)
    with pytest.raises(KeyUnavailable, match="give --key-file PATH"):
        add_branch(engine, BRANCH)
    engine.dispose()
    assert ENV not in os.environ
