"""``okno backoffice`` from the command line: its commands, and wrong report requests end
with a reason and exit 2."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backoffice.reports import REPORTS
from backoffice.store import Batch, add_branch, open_store, store
from hub.sync import read_secret
from hub.sync.signing import sign
from okno.cli import app
from tests.backoffice.hand import BRANCH, DAY, history


def report(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    db = f"sqlite:///{tmp_path}/backoffice.db"
    result = CliRunner().invoke(
        app, ["backoffice", "report", "attendance_by_day", "--db", db, *args]
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_period_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    code, out, err = report(tmp_path, "--from", "2026-03-10", "--to", "2026-03-01")
    assert code == 2
    assert "ends (2026-03-01) before it starts (2026-03-10)" in err
    assert out == ""


def test_an_unknown_format_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    code, out, err = report(
        tmp_path, "--from", "2026-03-01", "--to", "2026-03-01", "--format", "xml"
    )
    assert code == 2
    assert "no format 'xml'" in err
    assert "table, csv" in err
    assert out == ""


def test_a_good_period_in_csv_prints_the_header(tmp_path: Path) -> None:
    code, out, _ = report(tmp_path, "--from", "2026-03-01", "--to", "2026-03-01", "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["day,issued,served,no_shows,cancelled"]


def test_the_table_names_its_units_and_payment_states_in_russian(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/backoffice.db"
    engine = open_store(db)
    secret = add_branch(engine, BRANCH)
    events = history()
    store(engine, Batch(BRANCH, events, sign(secret, BRANCH, events)))
    engine.dispose()
    runner = CliRunner(env={"COLUMNS": "200"})
    period = ["--db", db, "--from", DAY, "--to", DAY]
    waits = runner.invoke(app, ["backoffice", "report", "waits_by_branch", *period])
    paid = runner.invoke(app, ["backoffice", "report", "payments", *period])
    assert waits.exit_code == paid.exit_code == 0
    assert "Среднее ожидание, мин" in waits.stdout and "(min)" not in waits.stdout
    assert "одобрен" in paid.stdout and "approved" not in paid.stdout


def test_reports_history_and_benchmark_are_under_okno_backoffice() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["backoffice", "report", "list"])
    assert listed.exit_code == 0
    assert listed.stdout.split()[0] in REPORTS
    assert runner.invoke(app, ["backoffice", "sim", "--help"]).exit_code == 0
    assert runner.invoke(app, ["backoffice", "bench", "--help"]).exit_code == 0
    assert runner.invoke(app, ["report", "list"]).exit_code == 2


@pytest.mark.usefixtures("permissive_umask")
def test_add_branch_writes_the_secret_owner_only_and_the_hub_reads_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/backoffice.db"
    secret_file = tmp_path / "khamovniki.secret"

    result = CliRunner().invoke(
        app, ["backoffice", "add-branch", BRANCH, "--db", db, "--secret-file", str(secret_file)]
    )

    assert result.exit_code == 0
    assert result.stdout == ""  # nothing on the terminal or in a redirected file
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = read_secret(secret_file)
    engine = open_store(db)
    events = history()
    assert store(engine, Batch(BRANCH, events, sign(secret, BRANCH, events)))[1] == len(events)
    engine.dispose()


def test_add_branch_to_an_unwritable_secret_file_says_the_old_secret_is_gone(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/backoffice.db"
    nowhere = tmp_path / "missing" / "khamovniki.secret"

    result = CliRunner().invoke(
        app, ["backoffice", "add-branch", BRANCH, "--db", db, "--secret-file", str(nowhere)]
    )

    assert result.exit_code == 2
    assert result.stderr == (
        f"okno: cannot write the secret to {nowhere} (No such file or directory); the "
        "branch's old secret no longer works: run add-branch again with a writable "
        "--secret-file\n"
    )
