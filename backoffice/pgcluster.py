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
from collections.abc import Iterator
from pathlib import Path

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
def temporary_cluster() -> Iterator[str]:
    """Yield the URL of a fresh database ``okno`` on a new cluster; stop and delete it after."""
    if not (BIN / "initdb").exists():
        raise StoreUnavailable(
            f"no PostgreSQL binaries in {BIN}: install the Debian package postgresql "
            "(tools/debian-packages)"
        )
    root = Path(tempfile.mkdtemp(prefix="okno-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
    port = free_port()
    try:
        _run(BIN / "initdb", "-D", str(data), "-U", "okno", "-A", "trust")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
        _run(BIN / "pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
        _run(BIN / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "okno", "okno")
        with _key_beside(root):
            yield f"postgresql://okno@127.0.0.1:{port}/okno"
    except subprocess.CalledProcessError as error:
        raise StoreUnavailable(
            f"could not start a PostgreSQL cluster: {error.stderr.decode(errors='replace')}"
        ) from error
    finally:
        subprocess.run(
            _as_owner([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


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
