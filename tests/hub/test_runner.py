"""``okno hub`` as an administrator meets it: it starts, refuses clearly, stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hub.bench.process import start_hub
from hub.devices.authority import BranchAuthority
from tests.hub.conftest import EXAMPLE

# Real hub processes on the wall clock: .ci/run repeats these at night and across midnight.
pytestmark = pytest.mark.clock


def run_hub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okno", "hub", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_bad_configuration_stops_the_start_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "branch.toml"
    config.write_text(
        EXAMPLE.read_text().replace('timezone = "Europe/Moscow"', 'timezone = "Mars"')
    )
    done = run_hub("--config", str(config), "--db", str(tmp_path / "hub.db"))
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"okno: {config}, line ")
    assert 'unknown time zone "Mars"' in last


async def test_a_taken_port_is_refused_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    process, port = await start_hub(EXAMPLE, tmp_path / "first.db")
    second = await asyncio.to_thread(
        run_hub,
        "--config",
        str(EXAMPLE),
        "--db",
        str(tmp_path / "second.db"),
        "--listen",
        f"127.0.0.1:{port}",
    )
    assert second.returncode == 2
    assert second.stderr.strip().splitlines()[-1] == (
        f"okno: cannot listen on 127.0.0.1:{port}: is another hub running there?"
    )
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 15) == 0


async def test_a_second_hub_on_the_same_database_is_refused(tmp_path: Path) -> None:
    process, _ = await start_hub(EXAMPLE, tmp_path / "hub.db")
    second = await asyncio.to_thread(
        run_hub,
        "--config",
        str(EXAMPLE),
        "--db",
        str(tmp_path / "hub.db"),
        "--listen",
        "127.0.0.1:0",
    )
    assert second.returncode == 2
    assert "another hub is using" in second.stderr.strip().splitlines()[-1]
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 15) == 0


def test_a_database_path_that_cannot_be_is_refused_in_one_line(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("shopping list\n" * 100)
    done = run_hub("--config", str(EXAMPLE), "--db", str(not_a_database))
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"okno: cannot open the database {not_a_database}")


def test_a_backoffice_secret_others_can_read_stops_the_start_with_the_chmod(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "backoffice.secret"
    secret.write_text("ab" * 32)
    secret.chmod(0o644)  # what `add-branch > file` leaves under the usual umask

    done = run_hub(
        *("--config", str(EXAMPLE), "--db", str(tmp_path / "hub.db")),
        *("--backoffice", "127.0.0.1:50070", "--backoffice-secret-file", str(secret)),
    )

    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"okno: {secret} holds a secret but its mode 0644 lets others than its owner reach "
        f"it: run `chmod 600 {secret}`, then start again"
    )


def test_a_ca_key_others_can_read_stops_the_start_with_the_chmod(tmp_path: Path) -> None:
    BranchAuthority.load_or_create(tmp_path / "hub-pki", "msk-01")
    key = tmp_path / "hub-pki" / "ca.key"
    key.chmod(0o640)

    done = run_hub("--config", str(EXAMPLE), "--db", str(tmp_path / "hub.db"))

    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"okno: {key} holds a secret but its mode 0640")
    assert last.endswith(f"run `chmod 600 {key}`, then start again")
