"""Files okno keeps: whole after a SIGKILL mid-write, partial files never read as the file,
journals cut at their last whole line; secrets refused when others can reach them,
databases made owner only."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from okno.errors import SecretExposed
from okno.files import (
    PARTIAL,
    append_line,
    atomic_writer,
    durable_sqlite,
    journal_lines,
    private_database,
    read_private,
    write_atomic,
    write_private,
)
from tests.killing import kill_after_return, kill_when

# Big enough that a write takes milliseconds: the kill lands inside it.
SIZE = 4 << 20
WRITES = """
    import sys
    from pathlib import Path
    from okno import files

    path, write = Path(sys.argv[1]), getattr(files, sys.argv[2])
    version = int(path.read_bytes().split(b"\\n")[0]) if path.exists() else 0
    while True:
        version += 1
        write(path, b"%d\\n" % version + bytes([version % 251]) * {size})
        print(version, flush=True)
"""


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


def content(version: int) -> bytes:
    return b"%d\n" % version + bytes([version % 251]) * SIZE


def version_of(path: Path) -> int:
    """The version a whole file holds; fails on a half-written one."""
    data = path.read_bytes()
    version = int(data.split(b"\n")[0])
    assert data == content(version), f"{path} holds half of version {version}"
    return version


@pytest.mark.parametrize(("writer", "mode"), [("write_atomic", 0o644), ("write_private", 0o600)])
def test_a_file_killed_mid_write_holds_the_old_or_the_new_version_never_half(
    tmp_path: Path, writer: str, mode: int
) -> None:
    path = tmp_path / "state.bin"
    partial = tmp_path / f"state.bin{PARTIAL}"
    cut_mid_write = 0
    for _ in range(3):
        before = version_of(path) if path.exists() else 0
        printed = kill_when(
            WRITES.replace("{size}", str(SIZE)),
            lambda _: partial.exists() and path.exists() and partial.stat().st_size > 0,
            str(path),
            writer,
        )
        last_returned = int(printed[-1]) if printed else before
        assert version_of(path) in {last_returned, last_returned + 1}
        assert stat.S_IMODE(path.stat().st_mode) == mode
        cut_mid_write += partial.exists()
    assert cut_mid_write, "no kill landed inside a write: make SIZE bigger"

    write_atomic(path, content(0), mode)  # the next write starts afresh over the partial

    assert version_of(path) == 0
    assert not partial.exists()


def test_a_file_killed_right_after_its_write_returned_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "state.bin"
    write_atomic(path, b"old")

    kill_after_return(
        """
        import sys
        from pathlib import Path
        from okno.files import write_atomic

        write_atomic(Path(sys.argv[1]), b"new")
        print("done", flush=True)
        sys.stdin.read()
        """,
        str(path),
    )

    assert path.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [path]


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    path = tmp_path / "archive.bin"
    write_atomic(path, b"the good one")

    def fill_the_disk() -> None:
        with atomic_writer(path) as file:
            file.write(b"half of a new")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        fill_the_disk()

    assert path.read_bytes() == b"the good one"
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.usefixtures("permissive_umask")
@pytest.mark.parametrize(
    ("write", "mode"),
    [(write_private, 0o600), (write_atomic, 0o644)],
)
def test_a_partial_left_by_a_cut_is_not_the_file_and_its_mode_is_not_kept(
    tmp_path: Path, write: Callable[[Path, bytes], None], mode: int
) -> None:
    path = tmp_path / "device.key"
    leftover = tmp_path / f"device.key{PARTIAL}"
    leftover.write_bytes(b"-----BEGIN PRIV")
    leftover.chmod(0o666)

    assert not path.exists()
    write(path, b"whole")

    assert path.read_bytes() == b"whole"
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert not leftover.exists()


JOURNAL = """
    import sys
    from pathlib import Path
    from okno.files import append_line

    for line in range(1, 1_000_000):
        append_line(Path(sys.argv[1]), str(line))
        print(line, flush=True)
"""


def test_a_journal_killed_while_appending_keeps_every_line_that_returned(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal"

    printed = kill_when(JOURNAL, lambda printed: len(printed) > 300, str(path))

    kept = journal_lines(path)
    assert kept == [str(n) for n in range(1, len(kept) + 1)]
    assert printed == kept[: len(printed)]
    assert len(kept) - len(printed) <= 1


def test_a_line_torn_by_a_cut_is_dropped_and_the_next_append_starts_a_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal"
    append_line(path, "5")
    with path.open("ab") as file:
        file.write(b"12")  # what a cut leaves of appending "123"

    assert journal_lines(path) == ["5"]
    append_line(path, "124")

    assert journal_lines(path) == ["5", "124"]
    assert path.read_bytes() == b"5\n124\n"


def test_a_journal_not_made_yet_has_no_lines(tmp_path: Path) -> None:
    assert journal_lines(tmp_path / "journal") == []
    with pytest.raises(ValueError, match="line break"):
        append_line(tmp_path / "journal", "1\n2")


def test_a_sqlite_connection_made_durable_commits_in_full_sync_with_a_wal(
    tmp_path: Path,
) -> None:
    connection = sqlite3.connect(tmp_path / "device.db")
    # From OFF, not the build's default: Debian's is already FULL, some builds' NORMAL.
    connection.execute("PRAGMA synchronous=OFF")
    durable_sqlite(connection)

    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    connection.close()
