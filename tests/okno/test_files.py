"""Private files: secrets are refused when others can reach them, databases made owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from okno.errors import SecretExposed
from okno.files import private_database, read_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("others", [0o644, 0o640, 0o604, 0o620, 0o602, 0o610])
def test_a_secret_others_can_reach_is_refused_with_the_chmod_that_fixes_it(
    tmp_path: Path, others: int
) -> None:
    secret = tmp_path / "backoffice.secret"
    secret.write_text("ab" * 32)
    secret.chmod(others)

    with pytest.raises(SecretExposed) as caught:
        read_private(secret)
    assert caught.value.code == "secret_exposed"
    assert isinstance(caught.value, PermissionError)
    assert str(caught.value) == (
        f"{secret} holds a secret but its mode {others:04o} lets others than its owner reach "
        f"it: run `chmod 600 {secret}`, then start again"
    )


@pytest.mark.parametrize("private", [0o600, 0o400])
def test_a_secret_only_its_owner_reaches_is_read(tmp_path: Path, private: int) -> None:
    secret = tmp_path / "backoffice.secret"
    secret.write_text("ab" * 32)
    secret.chmod(private)

    assert read_private(secret) == b"ab" * 32


@pytest.mark.usefixtures("permissive_umask")
def test_a_new_database_file_is_made_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"

    private_database(database)

    assert mode(database) == 0o600
    assert not (tmp_path / "hub.db-wal").exists()  # SQLite makes its companions itself


def test_a_database_an_older_okno_left_readable_is_tightened_with_its_wal(
    tmp_path: Path,
) -> None:
    database, wal = tmp_path / "hub.db", tmp_path / "hub.db-wal"
    for path in (database, wal):
        path.write_bytes(b"")
        path.chmod(0o644)

    private_database(database)

    assert (mode(database), mode(wal)) == (0o600, 0o600)
