"""A throwaway PostgreSQL cluster from the Debian binaries, for tests and benchmarks.

``initdb`` into a temporary directory and ``pg_ctl start`` on a free loopback port; as
root the server runs as the ``postgres`` user (PostgreSQL refuses to run as root). Not
for production: fsync stays on, but the cluster is deleted when stopped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg

from backoffice.errors import StoreUnavailable
from backoffice.sealing import ENV

BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(program: Path, *args: str) -> None:
    subprocess.run(_as_owner([str(program), *args]), check=True, capture_output=True)


@contextlib.contextmanager
def temporary_cluster(settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """Yield the URL of a fresh database ``okno`` on a new cluster; stop and delete it after.

    ``settings`` go into its postgresql.conf before it starts (e.g. WAL archiving).
    """
    with server_folder() as root:
        data = root / "data"

        def make() -> None:
            _run(BIN / "initdb", "-D", str(data), "-U", "okno", "-A", "trust")
            _configure(data, settings or {})

        with _serving(root, data, make) as port:
            _run(BIN / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "okno", "okno")
            with _key_beside(root):
                yield f"postgresql://okno@127.0.0.1:{port}/okno"


@contextlib.contextmanager
def recovered_cluster(base: Path, settings: Mapping[str, str]) -> Iterator[str]:
    """Yield the URL of database ``okno`` on a new cluster started from a plain base backup
    (``pg_basebackup -Fp``) in recovery with ``settings`` (restore_command, a target), once
    recovery has ended and it takes writes; stop and delete it after."""
    with server_folder() as root:
        data = root / "data"

        def restore() -> None:
            shutil.copytree(base, data)
            (data / "recovery.signal").touch()
            _configure(data, settings)
            if os.geteuid() == 0:
                command = ["chown", "-R", "postgres:postgres", str(data)]
                subprocess.run(command, check=True, capture_output=True)
            data.chmod(0o700)

        with _serving(root, data, restore) as port:
            url = f"postgresql://okno@127.0.0.1:{port}/okno"
            _until_promoted(url)
            yield url


@contextlib.contextmanager
def server_folder(prefix: str = "okno-pg-") -> Iterator[Path]:
    """A throwaway folder (0700) of the user the server runs as: a cluster's, or a WAL
    archive its archive_command writes to."""
    if not (BIN / "initdb").exists():
        raise StoreUnavailable(
            f"no PostgreSQL binaries in {BIN}: install the Debian package postgresql "
            "(tools/debian-packages)"
        )
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _serving(root: Path, data: Path, prepare: Callable[[], None]) -> Iterator[int]:
    """``prepare`` the data folder, start a server on it on a free port; stop it after."""
    port = free_port()
    try:
        prepare()
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
        _run(BIN / "pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
        yield port
    except subprocess.CalledProcessError as error:
        log = root / "log"
        told = log.read_text(errors="replace")[-1500:] if log.exists() else ""
        raise StoreUnavailable(
            f"could not start a PostgreSQL cluster: {error.stderr.decode(errors='replace')}{told}"
        ) from error
    finally:
        subprocess.run(
            _as_owner([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )


def _configure(data: Path, settings: Mapping[str, str]) -> None:
    with (data / "postgresql.conf").open("a") as conf:
        for name, value in settings.items():
            escaped = value.replace("'", "''")
            conf.write(f"{name} = '{escaped}'\n")


def _until_promoted(url: str, timeout_s: float = 60.0) -> None:
    """Recovery replays the archive with read-only connections open: wait for its end."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT pg_is_in_recovery()").fetchone()
        if row is not None and not row[0]:
            return
        time.sleep(0.1)
    raise StoreUnavailable(f"the recovered cluster was still in recovery after {timeout_s} s")


@contextlib.contextmanager
def _key_beside(root: Path) -> Iterator[None]:
    """The key of the cluster's branch secrets (backoffice/sealing.py) in its own throwaway
    folder, named in the environment for this process and the back offices it starts."""
    before = os.environ.get(ENV)
    os.environ[ENV] = str(root / "secrets.key")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
