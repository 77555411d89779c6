"""``okno backoffice`` from the command line: its commands, and wrong report requests end
with a reason and exit 2."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from backoffice import schema
from backoffice.accounts import User, authenticate
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


def add_user(tmp_path: Path, *args: str, password: str = "") -> tuple[int, str]:
    db = f"sqlite:///{tmp_path}/backoffice.db"
    result = CliRunner().invoke(app, ["backoffice", "add-user", *args, "--db", db], input=password)
    return result.exit_code, result.stdout + result.stderr


def test_add_user_keeps_a_salted_hash_and_the_person_signs_in(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/backoffice.db")
    add_branch(engine, BRANCH)
    password = "пароль-из-stdin-42"
    code, out = add_user(
        tmp_path, "ivanova", "--role", "branch-head", "--branch", BRANCH, password=f"{password}\n"
    )
    assert (code, out) == (0, "ivanova may sign in to the dashboard as branch-head\n")
    code, _ = add_user(tmp_path, "petrov", "--role", "regional", password=f"{password}\n")
    assert code == 0
    assert authenticate(engine, "ivanova", password) == User("ivanova", "branch-head", BRANCH)
    assert authenticate(engine, "ivanova", password + "x") is None
    with engine.connect() as connection:
        kept = [tuple(row) for row in connection.execute(select(schema.users))]
    held = repr(kept)
    assert password not in held and password.encode().hex() not in held
    assert kept[0][3] != kept[1][3]  # the same password, another salt: another hash
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["ivanova", "--role", "branch-head"], "give --branch"),
        (["ivanova", "--role", "branch-head", "--branch", "nowhere"], "'nowhere' is not regis"),
        (["ivanova", "--role", "regional", "--branch", BRANCH], "leave out --branch"),
        (["ivanova", "--role", "boss"], "--role is one of regional, branch-head"),
        (["Иванова", "--role", "regional"], "choose a login"),
    ],
)
def test_add_user_refuses_what_it_cannot_make(tmp_path: Path, args: list[str], reason: str) -> None:
    add_branch(open_store(f"sqlite:///{tmp_path}/backoffice.db"), BRANCH)
    code, out = add_user(tmp_path, *args, password="a long enough password\n")
    assert code == 2
    assert reason in out


def test_add_user_refuses_a_short_password_and_a_readable_password_file(tmp_path: Path) -> None:
    code, out = add_user(tmp_path, "petrov", "--role", "regional", password="123456\n")
    assert code == 2 and "the password has 6 characters; give at least 12" in out
    shared = tmp_path / "password"
    shared.write_text("a long enough password\n")
    shared.chmod(0o644)
    code, out = add_user(tmp_path, "petrov", "--role", "regional", "--password-file", str(shared))
    assert code == 2 and f"chmod 600 {shared}" in out
    shared.chmod(0o600)
    code, _ = add_user(tmp_path, "petrov", "--role", "regional", "--password-file", str(shared))
    assert code == 0
    engine = open_store(f"sqlite:///{tmp_path}/backoffice.db")
    assert authenticate(engine, "petrov", "a long enough password") is not None
    engine.dispose()
